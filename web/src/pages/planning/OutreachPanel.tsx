// Outreach sites: K sites that reach the most harm within a distance (maximal covering), from venues in
// an uploaded CSV or any res-9 cell; the chosen sites in the order added with what each gains, the
// method (exact by HiGHS when the instance is small enough, else greedy with its stated guarantee) and
// how greedy compares with the exact optimum. "Within" is a walk along the loaded walking network, or a
// straight line when none is loaded (the result says which). A shown result is re-run with the same
// settings when new incidents arrive.
import { useEffect, useState } from 'react';
import * as contract from '../../../../contract/planning';
import type { OUTREACH_DEMAND, OUTREACH_EXACT, Venue } from '../../../../contract/planning';
import { errorMessage } from '../../api/client';
import { distanceKind } from './WalkingNetwork';
import { amountDisplay, outreachFeatures, parseVenuesCsv } from '../../map/prepare/planning';
import type { PlanningMapController } from './PlanningMapController';
import { windowCategories, windowParams, type WindowState } from './AnalysisWindow';
import { ShareBar } from './ShareBar';
import { useRun } from './use-run';
import { ResultStatement } from '../../components/DefinitionNote';

type Demand = (typeof OUTREACH_DEMAND)[number];
type Exact = (typeof OUTREACH_EXACT)[number];

const pct = (v: number | null) => (v === null ? 'undefined' : `${(v * 100).toFixed(1)}%`);

export function OutreachPanel({
  controller,
  win,
  walking,
  onRan,
}: {
  controller: PlanningMapController | null;
  win: WindowState;
  walking: boolean | null;
  onRan: (w: { from: string; to: string; distance: string }) => void;
}) {
  const [k, setK] = useState(5);
  const [distance, setDistance] = useState(400);
  const [demand, setDemand] = useState<Demand>('all');
  const [source, setSource] = useState<'cells' | 'venues'>('cells');
  const [venues, setVenues] = useState<{ list: Venue[]; problems: string[]; file: string } | null>(null);
  const [exact, setExact] = useState<Exact>('auto');
  const [problem, setProblem] = useState<string | null>(null);
  const { result: outreach, run: runWith } = useRun(contract.outreach, controller);
  const result = outreach.data ?? null;
  const error = problem ?? (outreach.error ? errorMessage(outreach.error) : null);

  useEffect(() => controller?.setOutreach(result ? outreachFeatures(result.sites) : null), [controller, result]);

  const loadVenues = async (f: File | undefined) => {
    if (!f) return setVenues(null);
    const r = parseVenuesCsv(await f.text());
    setVenues({ list: r.venues, problems: r.problems, file: f.name });
  };

  useEffect(() => {
    if (result) onRan(result.meta);
  }, [result, onRan]);

  const run = (e: React.FormEvent) => {
    e.preventDefault();
    if (source === 'venues' && !venues?.list.length) {
      setProblem('Load a CSV of candidate venues first (name, lon, lat), or choose "any cell".');
      return;
    }
    setProblem(null);
    const candidates = source === 'venues' && venues?.list.length ? venues.list : undefined;
    runWith({ body: { ...windowParams(win), category: windowCategories(win), k, distance, demand, exact, candidates } });
  };

  const exactPart = result?.exact;
  return (
    <div className="plan-tab" data-testid="outreach-panel">
      <form className="plan-form" onSubmit={run}>
        <div className="field-row">
          <label className="field field-narrow">
            <span>Sites (K)</span>
            <input
              type="number"
              min={1}
              max={50}
              required
              value={k}
              onChange={(e) => setK(Number(e.target.value))}
              data-testid="outreach-k"
            />
          </label>
          <label className="field field-narrow">
            <span>Distance (m{walking === null ? '' : `, ${distanceKind(walking)}`})</span>
            <input
              type="number"
              min={25}
              max={5000}
              required
              value={distance}
              onChange={(e) => setDistance(Number(e.target.value))}
            />
          </label>
        </div>
        <fieldset className="field">
          <legend>Candidate sites</legend>
          <label>
            <input type="radio" checked={source === 'cells'} onChange={() => setSource('cells')} /> Any cell (centres of the res-9
            hexagons)
          </label>
          <label>
            <input
              type="radio"
              checked={source === 'venues'}
              onChange={() => setSource('venues')}
              data-testid="outreach-venues"
            />{' '}
            Venues from a CSV (name, lon, lat)
          </label>
          {source === 'venues' && (
            <>
              <input
                type="file"
                accept=".csv,text/csv"
                onChange={(e) => void loadVenues(e.target.files?.[0])}
                aria-label="Venues file (CSV)"
                data-testid="outreach-venue-file"
              />
              {venues && (
                <p className="hint" data-testid="outreach-venue-count">
                  {venues.list.length} venues from {venues.file}
                  {venues.problems.length > 0 &&
                    `; ${venues.problems.length} rows left out (${venues.problems.slice(0, 3).join('; ')}${venues.problems.length > 3 ? '; …' : ''})`}
                </p>
              )}
            </>
          )}
        </fieldset>
        <div className="field-row">
          <label className="field">
            <span>Harm to reach</span>
            <select value={demand} onChange={(e) => setDemand(e.target.value as Demand)}>
              <option value="all">All harm in the window</option>
              <option value="hotspots">Only in significant hotspots</option>
            </select>
          </label>
          <label className="field">
            <span>Solver</span>
            <select value={exact} onChange={(e) => setExact(e.target.value as Exact)}>
              <option value="auto">Exact where small enough, and greedy</option>
              <option value="never">Greedy only</option>
            </select>
          </label>
        </div>
        <button type="submit" className="primary" disabled={outreach.isFetching} data-testid="outreach-run">
          {outreach.isFetching ? 'Working…' : 'Choose sites'}
        </button>
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
      </form>
      {result && (
        <div className="plan-results" data-testid="outreach-results">
          <p className="big-figure">
            <strong>{pct(result.share)}</strong> of {amountDisplay(result.total_harm)} harm within{' '}
            <span data-testid="outreach-distance-kind">
              {result.meta.distance_m} m {result.meta.distance === 'walking' ? 'walk' : 'in a straight line'}
            </span>{' '}
            of the {result.sites.length} sites ({result.method === 'exact' ? 'exact optimum' : 'greedy'}).
          </p>
          {result.meta.fewer_sites && <p className="note">{result.meta.fewer_sites}.</p>}
          <table className="plan-table" data-testid="outreach-sites">
            <thead>
              <tr>
                <th>#</th>
                <th>Site</th>
                <th className="num">Gain</th>
                <th>Cumulative</th>
              </tr>
            </thead>
            <tbody>
              {result.sites.map((s) => (
                <tr key={s.order}>
                  <td>{s.order}</td>
                  <td>
                    <button
                      type="button"
                      className="link-button"
                      onClick={() => controller?.fitBounds([s.lon - 0.004, s.lat - 0.0025, s.lon + 0.004, s.lat + 0.0025], true)}
                    >
                      {s.h3 ? (s.place?.name ?? `cell ${s.h3.slice(0, 9)}…`) : s.name}
                    </button>
                    {s.h3 && s.place?.name && <span className="place-id mono">{s.h3}</span>}
                  </td>
                  <td className="num">+{amountDisplay(s.gain)}</td>
                  <td>
                    <ShareBar
                      value={s.cumulative_share}
                      width={70}
                      colour="#7a0177"
                      label={`cumulative ${pct(s.cumulative_share)}`}
                    />{' '}
                    {pct(s.cumulative_share)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h4 className="panel-title">Method</h4>
          <p className="hint" data-testid="outreach-method">
            {exactPart && 'skipped' in exactPart
              ? `Greedy (exact solver not run: ${exactPart.skipped}).`
              : exactPart
                ? `Exact: HiGHS ${exactPart.status}${exactPart.optimal ? ' (proven optimal)' : ''} in ${exactPart.seconds} s, reaching ${amountDisplay(exactPart.covered)}; greedy reached ${amountDisplay(result.greedy.covered)}${result.greedy_over_exact !== null ? ` (${(result.greedy_over_exact * 100).toFixed(1)}% of the optimum)` : ''}.`
                : ''}
          </p>
          <ResultStatement scheme={result.meta.scheme} set={result.meta.category_set} testid="outreach-statement" />
          <p className="hint">{result.meta.guarantee}</p>
          {exactPart && !('skipped' in exactPart) && <p className="hint">{result.meta.exact_method}</p>}
          <p className="hint">
            Candidates: {result.meta.candidates}. Demand: {result.meta.demand}. {result.meta.distance_note}
          </p>
        </div>
      )}
    </div>
  );
}
