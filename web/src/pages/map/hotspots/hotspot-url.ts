// The hotspot part of the map page's URL (issue 4): which statistic is drawn (Gi*, emerging hot spots,
// change) on which units, with which harm scheme, neighbourhood, correction, period, playback step,
// comparison, list length and the side list open. Pure: parsed from and written into the map page's query (url-state.ts).
// Only values that differ from the defaults are written.
import {
  CORRECTIONS,
  DEFAULT_SCHEME,
  PERIOD_KINDS,
  SCHEME_NAME,
  type ChangeComparison,
  type Correction,
  type PeriodKind,
} from '../../../../../contract/hotspots';

export type HotspotMode = 'gi' | 'emerging' | 'change';
export type HotspotUnit = 'h3' | 'area';

export const HOTSPOT_MODES: readonly HotspotMode[] = ['gi', 'emerging', 'change'];
export const TOP_SIZES = [10, 20, 50, 100] as const;
/** A side list's id (hslist=…). */
export const LIST_ID = /^[a-z][a-z0-9_-]{0,39}$/;

export interface HotspotView {
  /** null: the count / rate maps (no hotspot statistic drawn). */
  mode: HotspotMode | null;
  unit: HotspotUnit;
  /** Harm scheme name (GET /api/harm-schemes). */
  weights: string;
  /** k-ring size for H3 cells (areas use queen contiguity). */
  k: 1 | 2 | 3;
  correction: Correction;
  /** Emerging hot spots: period length. */
  period: PeriodKind;
  /** Emerging hot spots: the period shown in playback (0-based); null = the pattern summary. */
  step: number | null;
  /** Change: compared with the previous window or the same window a year earlier. */
  vs: ChangeComparison;
  /** Length of the top-N list. */
  top: number;
  /** The side list open (SIDE_LISTS of the mode; null: the mode's first). */
  list: string | null;
}

export const DEFAULT_HOTSPOT_VIEW: HotspotView = {
  mode: null,
  unit: 'h3',
  weights: DEFAULT_SCHEME,
  k: 1,
  correction: 'fdr',
  // Whole months: the one period every dataset supports (police.uk gives only the month, and the API
  // refuses 28-day or weekly periods for such data); 28 days and weeks are chosen for dated records.
  period: 'month',
  step: null,
  vs: 'previous',
  top: 20,
  list: null,
};

function pick<T extends string>(v: string | null, allowed: readonly T[], dflt: T): T {
  return v !== null && (allowed as readonly string[]).includes(v) ? (v as T) : dflt;
}

export function parseHotspotView(q: URLSearchParams): HotspotView {
  const d = DEFAULT_HOTSPOT_VIEW;
  const k = Number(q.get('k'));
  const step = q.get('step');
  const top = Number(q.get('top'));
  const weights = q.get('weights');
  const list = q.get('hslist');
  return {
    mode: pick<HotspotMode | 'none'>(q.get('hs'), HOTSPOT_MODES, 'none') === 'none' ? null : (q.get('hs') as HotspotMode),
    unit: q.get('hsunit') === 'area' ? 'area' : 'h3',
    weights: weights && SCHEME_NAME.test(weights) ? weights : d.weights,
    k: k === 2 || k === 3 ? k : 1,
    correction: pick(q.get('corr'), CORRECTIONS, d.correction),
    period: pick(q.get('period'), PERIOD_KINDS, d.period),
    step: step !== null && /^\d{1,3}$/.test(step) ? Number(step) : null,
    vs: q.get('vs') === 'year' ? 'year_ago' : 'previous',
    top: (TOP_SIZES as readonly number[]).includes(top) ? top : d.top,
    list: list !== null && LIST_ID.test(list) ? list : null,
  };
}

export function writeHotspotView(q: URLSearchParams, h: HotspotView): void {
  const d = DEFAULT_HOTSPOT_VIEW;
  if (h.mode) q.set('hs', h.mode);
  if (h.unit !== d.unit) q.set('hsunit', h.unit);
  if (h.weights !== d.weights) q.set('weights', h.weights);
  if (h.k !== d.k) q.set('k', String(h.k));
  if (h.correction !== d.correction) q.set('corr', h.correction);
  if (h.period !== d.period) q.set('period', h.period);
  if (h.step !== null) q.set('step', String(h.step));
  if (h.vs !== d.vs) q.set('vs', 'year');
  if (h.top !== d.top) q.set('top', String(h.top));
  if (h.list !== null) q.set('hslist', h.list);
}
