// What the list beside the map shows under each hotspot statistic (issue 14), pure and Node-tested
// (test/web-hotspots.test.ts): Gi* — hot units by z with their incident count, a hot unit with no
// incident of its own said to be hot through its neighbours; Change — the biggest significant increases
// and decreases, two lists, each with the change and its test; Emerging — units grouped by pattern.
// The lists a mode has are a table keyed by mode, so a new statistic (Knox, KDE) adds its own entry.
import type { ChangeRow, EmergingPattern, EmergingRow, HotColdClass } from '../../../../../contract/hotspots';
import { EMERGING_LABELS, EMERGING_ORDER } from '../../../map/layers/emerging';
import { changeClass } from '../../../map/prepare/hotspots';
import type { HotspotView } from './hotspot-url';

export interface SideList {
  id: string;
  label: string;
}

/** The side lists of each mode; the first is open unless the view names another (hs.list). */
export const SIDE_LISTS: Record<string, readonly SideList[]> = {
  gi: [{ id: 'hot', label: 'Hot spots' }],
  change: [
    { id: 'increases', label: 'Increases' },
    { id: 'decreases', label: 'Decreases' },
  ],
  emerging: EMERGING_ORDER.filter((p) => p !== 'no_pattern').map((p) => ({ id: p, label: EMERGING_LABELS[p] })),
};

/** The list open for a mode: the view's when the mode has it, else the mode's first (null: the mode has none). */
export function openList(mode: string | null, list: string | null, available?: readonly string[]): string | null {
  const lists = (mode && SIDE_LISTS[mode]) || [];
  const ids = lists.map((l) => l.id).filter((id) => !available || available.includes(id));
  if (list && ids.includes(list)) return list;
  return ids[0] ?? null;
}

const CLASS_TEXT: Record<HotColdClass, string> = {
  hot_99: 'hot 99%',
  hot_95: 'hot 95%',
  hot_90: 'hot 90%',
  not_significant: 'n.s.',
  cold_90: 'cold 90%',
  cold_95: 'cold 95%',
  cold_99: 'cold 99%',
};

/**
 * A Gi* class as the list says it. Gi* counts a unit's neighbours with it, so a unit with no incident can
 * be hot: it says so, with its own 0, rather than a bare "hot 99%".
 */
export function giClassText(cls: HotColdClass, count: number | null): string {
  const base = CLASS_TEXT[cls];
  if (count === 0 && cls.startsWith('hot')) return `${base}, hot through its neighbours (0 here)`;
  return base;
}

export interface ChangeItem {
  row: ChangeRow;
  /** This window's count and the compared window's. */
  current: number;
  other: number;
  change: number;
  /** The C-test's two-sided p and the rate ratio. */
  p: number;
  rateRatio: number | null;
}

/**
 * The biggest significant (p < alpha) increases and decreases for a comparison, each sorted by the size of
 * the change (then by p), at most n each. Withheld or uncovered counts are never listed.
 */
export function changeLists(
  rows: readonly ChangeRow[],
  vs: HotspotView['vs'],
  n: number,
  alpha = 0.05,
): { increases: ChangeItem[]; decreases: ChangeItem[] } {
  const increases: ChangeItem[] = [];
  const decreases: ChangeItem[] = [];
  for (const row of rows) {
    const other = vs === 'year_ago' ? row.year_ago : row.previous;
    const cmp = vs === 'year_ago' ? row.vs_year_ago : row.vs_previous;
    const cls = changeClass(cmp, row.current === null || other === null, alpha);
    if ((cls !== 'up_sig' && cls !== 'down_sig') || row.current === null || other === null || cmp?.p == null) continue;
    const item = { row, current: row.current, other, change: row.current - other, p: cmp.p, rateRatio: cmp.rate_ratio };
    (cls === 'up_sig' ? increases : decreases).push(item);
  }
  const order = (a: ChangeItem, b: ChangeItem) => Math.abs(b.change) - Math.abs(a.change) || a.p - b.p;
  return { increases: increases.sort(order).slice(0, n), decreases: decreases.sort(order).slice(0, n) };
}

export interface PatternGroup {
  pattern: EmergingPattern;
  label: string;
  rows: EmergingRow[];
}

/** Units grouped by emerging pattern (in the legend's order, "no pattern" left out), each by final z, largest first. */
export function patternGroups(rows: readonly EmergingRow[]): PatternGroup[] {
  const by = new Map<EmergingPattern, EmergingRow[]>();
  for (const r of rows) {
    if (r.pattern === 'no_pattern') continue;
    let g = by.get(r.pattern);
    if (!g) by.set(r.pattern, (g = []));
    g.push(r);
  }
  const z = (r: EmergingRow) => r.final.gi_z ?? Number.NEGATIVE_INFINITY;
  return EMERGING_ORDER.filter((p) => by.has(p)).map((p) => ({
    pattern: p,
    label: EMERGING_LABELS[p],
    rows: by.get(p)!.sort((a, b) => z(b) - z(a) || b.hot_share - a.hot_share),
  }));
}

/** A change as the list writes it: "+12" / "−5" (minus sign). */
export const signed = (n: number) =>
  n > 0 ? `+${n.toLocaleString('en-GB')}` : n < 0 ? `−${Math.abs(n).toLocaleString('en-GB')}` : '0';
