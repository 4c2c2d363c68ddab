// The map opens where the data are (issue 13): the default period is the 12 months to the newest month
// with data *of the categories selected* (GET /api/coverage), not of all data; and when that period holds
// nothing of some loaded category, the period control says which months that category has and offers them.
import type { CoverageReport } from '../../../contract/aggregates';
import { addMonths, monthsBetween, windowLabel } from './months';

export const DEFAULT_MONTHS = 12;

/** The default window (`to` exclusive) for a coverage report of the selected categories; null when it holds nothing. */
export function dataDefaultWindow(
  report: Pick<CoverageReport, 'first_month' | 'last_month'>,
): { from: string; to: string } | null {
  if (!report.first_month || !report.last_month) return null;
  const to = addMonths(report.last_month, 1);
  const from = addMonths(to, -DEFAULT_MONTHS);
  return { from: from < report.first_month ? report.first_month : from, to };
}

/** The same, in the shape `resolveWindow` takes (a Summary's default bounds). */
export function coverageDefaults(report: Pick<CoverageReport, 'first_month' | 'last_month'>) {
  const w = dataDefaultWindow(report);
  return {
    default_from: w?.from ?? null,
    default_to: w?.to ?? null,
    first_month: report.first_month,
    last_month: report.last_month,
  };
}

export interface DataElsewhere {
  slugs: string[];
  labels: string[];
  /** The months those categories have data: from, to (exclusive). */
  from: string;
  to: string;
  text: string;
}

/**
 * Categories of the report with no covered month inside `period` but some outside it, grouped by their
 * span of covered months, each with a sentence ("Robbery, Violence and sexual offences: data Jan 2016 –
 * Jun 2018 only"). Empty when every category has data in the period.
 */
export function dataElsewhere(
  report: Pick<CoverageReport, 'categories'>,
  period: { from: string; to: string } | null,
): DataElsewhere[] {
  if (!period) return [];
  const groups = new Map<string, DataElsewhere>();
  for (const c of report.categories) {
    const covered = c.months.filter((m) => m.covered !== 'none').map((m) => m.month);
    if (!covered.length) continue;
    if (covered.some((m) => m >= period.from && monthsBetween(m, period.to) > 0)) continue;
    const from = covered[0];
    const to = addMonths(covered.at(-1)!, 1);
    const key = `${from}/${to}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { slugs: [], labels: [], from, to, text: '' }));
    g.slugs.push(c.slug);
    g.labels.push(c.label);
  }
  return [...groups.values()].map((g) => ({
    ...g,
    text: `${g.labels.join(', ')}: data ${windowLabel(g.from, g.to)} only, none in this period`,
  }));
}

/** The window to jump to for a category group: its last 12 months with data. */
export function jumpWindow(g: Pick<DataElsewhere, 'from' | 'to'>): { from: string; to: string } {
  const from = addMonths(g.to, -DEFAULT_MONTHS);
  return { from: from < g.from ? g.from : from, to: g.to };
}
