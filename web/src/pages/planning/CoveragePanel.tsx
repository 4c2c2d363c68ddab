// Coverage and gaps: the share of significant-hotspot harm within a distance of an active intervention
// (of chosen types), borough-wide and per ward with a bar, and the significant hotspots no active
// intervention reaches (drawn on the map; click one to go there). Partners get shares only, small counts
// withheld. The distance is a walk along the loaded walking network, or a straight line when none is
// loaded (the result says which). A shown result is re-run with the same settings when new incidents arrive.
import { useEffect, useState } from 'react';
import * as contract from '../../../../contract/planning';
import type { InterventionType } from '../../../../contract/planning';
import { errorMessage } from '../../api/client';
import { distanceKind } from './WalkingNetwork';
import { amountDisplay, hotspotFeatures, shareDisplay } from '../../map/prepare/planning';
import { GAP_COLOUR } from '../../map/layers/patrol';
import type { PlanningMapController } from './PlanningMapController';
import { windowParams, type WindowState } from './AnalysisWindow';
import { ShareBar } from './ShareBar';
import { useRun } from './use-run';
import { ResultStatement } from '../../components/DefinitionNote';

export function CoveragePanel({
  controller,
  win,
  types,
  walking,
  onRan,
}: {
  controller: PlanningMapController | null;
  win: WindowState;
  types: InterventionType[];
  /** Whether a walking network is loaded (null: not known to this role; the result says). */
  walking: boolean | null;
  onRan: (w: { from: string; to: string; distance: string }) => void;
}) {
  const [distance, setDistance] = useState(400);
  const [chosen, setChosen] = useState<string[]>([]);
  const { result: coverage, run: runWith } = useRun(contract.planningCoverage, controller);
  const result = coverage.data ?? null;

  useEffect(() => controller?.setGaps(result?.uncovered ? hotspotFeatures(result.uncovered) : null), [controller, result]);
  useEffect(() => {
    if (result) onRan(result.meta);
  }, [result, onRan]);

  const run = (e: React.FormEvent) => {
    e.preventDefault();
    runWith({ query: { ...windowParams(win), distance: String(distance), types: chosen.length ? chosen.join(',') : undefined } });
  };

  const toggle = (slug: string, on: boolean) => setChosen((c) => (on ? [...c, slug] : c.filter((x) => x !== slug)));
  const borough = result ? shareDisplay(result.borough) : null;

  return (
    <div className="plan-tab" data-testid="coverage-panel">
      <form className="plan-form" onSubmit={run}>
        <label className="field field-narrow">
          <span>Distance (m{walking === null ? '' : `, ${distanceKind(walking)}`})</span>
          <input
            type="number"
            min={25}
            max={5000}
            step={25}
            required
            value={distance}
            onChange={(e) => setDistance(Number(e.target.value))}
            data-testid="coverage-distance"
          />
        </label>
        {types.length > 0 && (
          <fieldset className="field">
            <legend>Intervention types (none ticked: all)</legend>
            <div className="check-grid">
              {types.map((t) => (
                <label key={t.slug}>
                  <input type="checkbox" checked={chosen.includes(t.slug)} onChange={(e) => toggle(t.slug, e.target.checked)} />{' '}
                  {t.label}
                </label>
              ))}
            </div>
          </fieldset>
        )}
        <button type="submit" className="primary" disabled={coverage.isFetching} data-testid="coverage-run">
          {coverage.isFetching ? 'Working…' : 'Show coverage'}
        </button>
        {coverage.error && (
          <p className="error-text" role="alert" data-testid="coverage-error">
            {errorMessage(coverage.error)}
          </p>
        )}
      </form>
      {result && borough && (
        <div className="plan-results" data-testid="coverage-results">
          <p className="big-figure" data-testid="coverage-borough">
            <strong>{borough.text}</strong> of the harm in significant hotspots lies within{' '}
            <span data-testid="coverage-distance-kind">
              {result.meta.distance_m} m {result.meta.distance === 'walking' ? 'walk' : 'in a straight line'}
            </span>{' '}
            of an active intervention
            {result.meta.types ? ` (${result.meta.types.join(', ')})` : ''}, borough-wide.
          </p>
          {borough.reason && <p className="hint">Undefined: {borough.reason}.</p>}
          <p className="hint" data-testid="coverage-amounts">
            {amountDisplay(result.borough.covered_harm)} of {amountDisplay(result.borough.hotspot_harm)} harm (
            {result.meta.scheme.label}); {result.meta.hotspots.significant} significant hotspot cells;{' '}
            {result.interventions?.length ?? result.interventions_used ?? 0} active interventions in {result.meta.from} –{' '}
            {result.meta.to}.
          </p>
          <ResultStatement scheme={result.meta.scheme} set={result.meta.category_set} testid="coverage-statement" />
          <p className="note" data-testid="coverage-distance-note">
            {result.meta.distance_note}
          </p>
          <table className="plan-table" data-testid="coverage-wards">
            <thead>
              <tr>
                <th>Ward</th>
                <th>Share covered</th>
                <th className="num">Hotspot harm</th>
              </tr>
            </thead>
            <tbody>
              {result.wards.map((w) => {
                const s = shareDisplay(w);
                return (
                  <tr key={w.code ?? 'outside'} data-testid="coverage-ward">
                    <td>{w.name}</td>
                    <td title={s.reason ?? undefined}>
                      <ShareBar value={s.value} label={`${w.name}: ${s.text}`} />{' '}
                      <span className={s.withheld ? 'withheld' : s.reason ? 'undefined-value' : ''}>{s.text}</span>
                    </td>
                    <td className="num">{w.suppressed ? 'withheld' : amountDisplay(w.hotspot_harm)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {result.uncovered && (
            <>
              <h4 className="panel-title">
                <svg width={12} height={12} aria-hidden="true">
                  <rect width={12} height={12} fill={GAP_COLOUR} opacity={0.5} stroke={GAP_COLOUR} />
                </svg>{' '}
                Uncovered significant hotspots ({result.uncovered.length})
              </h4>
              <ol className="gap-list" data-testid="coverage-gaps">
                {result.uncovered.slice(0, 50).map((h) => (
                  <li key={h.h3}>
                    <button
                      type="button"
                      className="link-button"
                      onClick={() =>
                        controller?.fitBounds(
                          [h.centre.lon - 0.004, h.centre.lat - 0.0025, h.centre.lon + 0.004, h.centre.lat + 0.0025],
                          true,
                        )
                      }
                    >
                      {result.wards.find((w) => w.code === h.ward_code)?.name ?? 'outside the wards'}
                    </button>{' '}
                    harm {amountDisplay(h.harm)}, {h.incidents} incidents
                    {h.nearest_intervention_m !== null
                      ? `, nearest intervention ${h.nearest_intervention_m} m${result.meta.distance === 'walking' ? ' walk' : ''}`
                      : ''}
                  </li>
                ))}
              </ol>
              {result.uncovered.length > 50 && (
                <p className="hint">First 50 of {result.uncovered.length} shown (all are on the map).</p>
              )}
            </>
          )}
          <p className="hint">{result.meta.covered_rule}.</p>
          <p className="hint">{result.meta.location_note}.</p>
          {result.disclosure && (
            <p className="hint disclosure-note">
              Counts below {result.disclosure.min_count} are withheld (with some others), so shares built on them show “withheld”.
            </p>
          )}
        </div>
      )}
    </div>
  );
}
