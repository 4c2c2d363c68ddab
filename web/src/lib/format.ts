// Number formatting for tables, legends and panels (en-GB).
import type { PopulationMeta, PopulationRule } from '../../../contract/aggregates';

const intFmt = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const rateFmt = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const pctFmt = new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 0, signDisplay: 'exceptZero' });

export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '—' : intFmt.format(n);
}

export function formatRate(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '—' : rateFmt.format(n);
}

export interface Change {
  diff: number | null;
  pct: number | null;
}

/** Change from the previous period, as a difference and (when the previous count is not 0) a proportion. */
export function change(count: number | null | undefined, previous: number | null | undefined): Change {
  if (count === null || count === undefined || previous === null || previous === undefined) return { diff: null, pct: null };
  return { diff: count - previous, pct: previous > 0 ? (count - previous) / previous : null };
}

export function formatChange(c: Change): string {
  if (c.diff === null) return '—';
  const d = c.diff > 0 ? `+${intFmt.format(c.diff)}` : intFmt.format(c.diff);
  return c.pct === null ? d : `${d} (${pctFmt.format(c.pct)})`;
}

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

/** What a withheld count (partners: below the disclosure threshold, or withheld with one) shows instead of a number. */
export const WITHHELD = 'withheld';

/** A count the server may have withheld: "withheld" then (never 0 or a dash), else the number. */
export function formatCountOrWithheld(n: number | null | undefined, withheld: boolean | undefined): string {
  return withheld ? WITHHELD : formatCount(n);
}

/** What a figure says when the data do not cover its period (issue 11): never 0, never a dash, not "withheld". */
export const NO_DATA = 'no data';
export const NO_PREVIOUS_DATA = 'no data for the previous period';

/** A figure that may be withheld (partners) or missing for want of data: says which, else formats the number. */
export function formatFigure(
  n: number | null | undefined,
  why: { withheld?: boolean; noData?: boolean },
  fmt: (n: number | null | undefined) => string = formatCount,
): string {
  if (why.withheld) return WITHHELD;
  if ((n === null || n === undefined) && why.noData) return NO_DATA;
  return fmt(n);
}

/** A count that may be missing: "no data" when its period has none, else as formatCountOrWithheld. */
export function formatCountOrMissing(n: number | null | undefined, noData: boolean, withheld: boolean | undefined): string {
  return n === null && noData ? NO_DATA : formatCountOrWithheld(n, withheld);
}

/** The legend / table note for partners. */
export function withheldNote(minCount: number): string {
  return `Counts below ${minCount} are withheld for partners (with some larger ones, so small counts cannot be worked out from totals).`;
}

const RULE_NOTE: Record<PopulationRule, string> = {
  given: 'as given',
  best_fit_lookup: 'ONS best-fit LSOA lookup',
  population_weighted_centroid: 'LSOA population-weighted centroids',
  area_weighted: 'LSOAs shared by area (approximate)',
};

/** One short line naming how the rates' populations were obtained (the legend); null without population. */
export function populationRuleNote(meta: PopulationMeta | null | undefined): string | null {
  if (!meta?.rules.length) return null;
  const several = meta.rules.length > 1;
  return `Population: ${meta.rules.map((r) => (several ? `${RULE_NOTE[r.rule]} (${r.areas})` : RULE_NOTE[r.rule])).join(', ')}`;
}
