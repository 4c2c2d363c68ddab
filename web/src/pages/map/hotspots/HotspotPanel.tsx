// The map's mode switch (count / rate / Gi* hot spots / emerging hot spots / change) and, for the
// hotspot statistics, their parameters: units (H3 cells or areas), harm scheme, k-ring size,
// multiple-testing correction, emerging period and change comparison. Everything goes into the URL.
import { CORRECTIONS, PERIOD_KINDS, type HarmScheme, type PeriodKind } from '../../../../../contract/hotspots';
import type { AreaMetric } from '../../../map/layers/areas';
import { describeCorrection } from '../../../map/prepare/hotspots';
import type { ViewState } from '../../../state/url-state';
import { updateView } from '../../../state/view-store';
import type { HotspotMode, HotspotView } from './hotspot-url';
import { SchemeUpload } from './SchemeUpload';

type Mode = AreaMetric | HotspotMode;
const MODES: { value: Mode; label: string }[] = [
  { value: 'count', label: 'Count' },
  { value: 'rate', label: 'Rate' },
  { value: 'gi', label: 'Gi* hot spots' },
  { value: 'emerging', label: 'Emerging' },
  { value: 'change', label: 'Change' },
];

const PERIOD_LABELS: Record<PeriodKind, string> = { '28d': '28 days', week: 'Weeks', month: 'Months', quarter: 'Quarters' };

/** Option texts short enough for the side panel's select; the legend states the method in full. */
const CORRECTION_OPTIONS: Record<string, string> = {
  fdr: 'False discovery rate (B–H)',
  holm: 'Holm',
  none: 'None (unadjusted p)',
};

/** A scheme's name as its select option: the label without its parenthesised gloss (in the option's title). */
export const schemeOption = (label: string) => label.replace(/\s*\(.*\)\s*$/, '') || label;

/** Updates the hotspot part of the view (a new statistic or parameter starts from the pattern, not a playback step). */
export function setHotspot(change: Partial<HotspotView>, push = false) {
  updateView((v) => ({ ...v, hotspot: { ...v.hotspot, step: null, ...change } }), { push });
}

export function HotspotPanel({
  view,
  schemes,
  hasPopulation,
  levelLabel,
  monthOnly,
  onSchemeLoaded,
}: {
  view: ViewState;
  schemes: HarmScheme[];
  hasPopulation: boolean;
  levelLabel: string;
  /** The data have month precision only (the API refused 28-day or weekly periods). */
  monthOnly: boolean;
  /** Given for analysts (the only role the server lets load a scheme): shows the CSV upload; called with the new scheme. */
  onSchemeLoaded?: (s: HarmScheme) => void;
}) {
  const hs = view.hotspot;
  const mode: Mode = hs.mode ?? (view.metric === 'rate' && hasPopulation ? 'rate' : 'count');
  const pick = (m: Mode) => {
    if (m === 'count' || m === 'rate')
      updateView((v) => ({ ...v, metric: m, hotspot: { ...v.hotspot, mode: null, step: null } }), { push: true });
    else setHotspot({ mode: m }, true);
  };
  const scheme = schemes.find((s) => s.name === hs.weights);
  return (
    <div className="panel hotspot-panel" data-testid="hotspot-panel">
      <h2 className="panel-title">Show</h2>
      <div className="mode-switch" role="radiogroup" aria-label="What the map shows">
        {MODES.map((m) => (
          <button
            key={m.value}
            type="button"
            role="radio"
            aria-checked={mode === m.value}
            className={mode === m.value ? 'active' : ''}
            disabled={m.value === 'rate' && !hasPopulation}
            title={m.value === 'rate' && !hasPopulation ? 'No population data loaded: rates cannot be computed' : undefined}
            onClick={() => pick(m.value)}
            data-testid={`mode-${m.value}`}
          >
            {m.label}
          </button>
        ))}
      </div>
      {hs.mode && (
        <div className="hotspot-controls">
          <label className="field-inline">
            Units
            <select
              value={hs.unit}
              onChange={(e) =>
                updateView(
                  (v) => ({
                    ...v,
                    selected: null,
                    hotspot: { ...v.hotspot, step: null, unit: e.target.value as HotspotView['unit'] },
                  }),
                  { push: true },
                )
              }
              data-testid="hotspot-unit"
            >
              <option value="h3">H3 cells</option>
              <option value="area">{levelLabel}</option>
            </select>
          </label>
          <label className="field-inline">
            Harm scheme
            <select
              value={hs.weights}
              onChange={(e) => setHotspot({ weights: e.target.value })}
              title={scheme?.label}
              data-testid="hotspot-scheme"
            >
              {!scheme && <option value={hs.weights}>{hs.weights}</option>}
              {schemes.map((s) => (
                <option key={s.name} value={s.name} title={s.label}>
                  {schemeOption(s.label)}
                </option>
              ))}
            </select>
          </label>
          {scheme && scheme.name !== 'count' && (
            <p className="hint" data-testid="hotspot-scheme-source">
              {scheme.version} — {scheme.source}
            </p>
          )}
          {onSchemeLoaded && <SchemeUpload schemes={schemes} onLoaded={onSchemeLoaded} />}
          {hs.mode !== 'change' && hs.unit === 'h3' && (
            <label className="field-inline">
              Neighbours
              <select
                value={hs.k}
                onChange={(e) => setHotspot({ k: Number(e.target.value) as HotspotView['k'] })}
                data-testid="hotspot-k"
              >
                {[1, 2, 3].map((k) => (
                  <option key={k} value={k}>
                    k-ring k = {k}
                  </option>
                ))}
              </select>
            </label>
          )}
          {hs.mode !== 'change' && hs.unit === 'area' && (
            <p className="hint">Neighbours: areas sharing a boundary (queen contiguity), self included.</p>
          )}
          {hs.mode !== 'change' && (
            <label className="field-inline">
              Correction
              <select
                value={hs.correction}
                onChange={(e) => setHotspot({ correction: e.target.value as HotspotView['correction'] })}
                title={describeCorrection(hs.correction)}
                data-testid="hotspot-correction"
              >
                {CORRECTIONS.map((c) => (
                  <option key={c} value={c} title={describeCorrection(c)}>
                    {CORRECTION_OPTIONS[c] ?? describeCorrection(c)}
                  </option>
                ))}
              </select>
            </label>
          )}
          {hs.mode === 'emerging' && (
            <label className="field-inline">
              Periods
              <select
                value={hs.period}
                onChange={(e) => setHotspot({ period: e.target.value as PeriodKind })}
                data-testid="hotspot-period"
              >
                {PERIOD_KINDS.map((p) => (
                  <option key={p} value={p} disabled={monthOnly && (p === '28d' || p === 'week')}>
                    {PERIOD_LABELS[p]}
                    {monthOnly && (p === '28d' || p === 'week') ? ' (needs dated records)' : ''}
                  </option>
                ))}
              </select>
            </label>
          )}
          {hs.mode === 'change' && (
            <label className="field-inline">
              Compared with
              <select
                value={hs.vs}
                onChange={(e) => setHotspot({ vs: e.target.value as HotspotView['vs'] })}
                data-testid="hotspot-vs"
              >
                <option value="previous">the previous window</option>
                <option value="year_ago">the same window a year earlier</option>
              </select>
            </label>
          )}
        </div>
      )}
    </div>
  );
}
