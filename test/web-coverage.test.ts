// Data coverage in the UI (issue 11): GET /api/coverage -> the coverage strip's months, runs, period and
// hover text; window and comparison coverage for the pack's tables; stats/areas nulls said as "no data"
// (never 0, never "withheld" for analysts); series gaps kept apart from zeros and from withheld months.
import { describe, expect, it } from 'vitest';
import type { AreaStats, CoverageMonth, CoverageReport } from '../contract/aggregates';
import {
  aggregateSourceLines,
  areaCoverage,
  areaNoDataLabel,
  combineStatus,
  comparisonCoverage,
  coverageStrip,
  windowStatus,
} from '../web/src/lib/coverage';
import { fillMonths, gapRuns, sparklineCoords, lineRuns, sumWindow, windowGap } from '../web/src/lib/series';
import { formatFigure, NO_DATA } from '../web/src/lib/format';
import { monthRange } from '../web/src/lib/months';

/** A category covered (full) for [from, to) as the API gives it: one source, `rows` a month. */
function category(
  slug: string,
  label: string,
  from: string,
  to: string,
  ruler: string[],
  rows = 100,
  dataset = 'police.uk street',
): CoverageReport['categories'][number] {
  const covered = new Set(monthRange(from, to));
  return {
    slug,
    label,
    months: ruler.map(
      (month): CoverageMonth =>
        covered.has(month)
          ? { month, covered: 'full', covered_days: 31, rows, sources: [{ dataset, rows }] }
          : { month, covered: 'none', rows: null, sources: [] },
    ),
  };
}

/** The shape of GET /api/coverage for the Lewisham burglary file (2022-03..2025-02), without from/to. */
function burglaryReport(): CoverageReport {
  const ruler = monthRange('2022-03', '2025-03');
  return {
    months: ruler,
    first_month: '2022-03',
    last_month: '2025-02',
    categories: [category('burglary', 'Burglary', '2022-03', '2025-03', ruler, 170)],
    datasets: [
      {
        dataset: 'police.uk street',
        first_month: '2022-03',
        last_month: '2025-02',
        categories: ['burglary'],
        published_for: [],
        points: true,
      },
    ],
    rule: 'A month is covered for a category when …',
    notes: [],
  };
}

describe('coverage strip from GET /api/coverage', () => {
  it('a category set (@serious-violence) is scoped by the report the server expanded it for, not read as a slug', () => {
    const opts = { period: { from: '2022-03', to: '2022-07' }, previous: { from: '2021-11', to: '2022-03' } };
    const viaSet = coverageStrip(burglaryReport(), { ...opts, categories: ['@serious-violence'] });
    expect(viaSet).toEqual(coverageStrip(burglaryReport(), { ...opts, categories: ['burglary'] }));
    expect(viaSet.period?.status).toBe('full');
  });

  it('shows the gap before the data when the previous period reaches back past it', () => {
    const m = coverageStrip(burglaryReport(), {
      categories: ['burglary'],
      period: { from: '2022-03', to: '2022-07' },
      previous: { from: '2021-11', to: '2022-03' },
    });
    // The ruler starts at the previous period, not at the data.
    expect(m.months[0].month).toBe('2021-11');
    expect(m.months.at(-1)!.month).toBe('2025-02');
    expect(m.months.slice(0, 4).map((x) => [x.month, x.status, x.inPrevious])).toEqual([
      ['2021-11', 'none', true],
      ['2021-12', 'none', true],
      ['2022-01', 'none', true],
      ['2022-02', 'none', true],
    ]);
    expect(m.runs[0]).toEqual({ status: 'none', from: '2021-11', to: '2022-03' });
    expect(m.runs[1]).toEqual({ status: 'full', from: '2022-03', to: '2025-03' });
    expect(m.period).toEqual({ start: 4, length: 4, status: 'full' });
    expect(m.previous).toEqual({ start: 0, length: 4, status: 'none' });
    expect(m.months.filter((x) => x.inPeriod).map((x) => x.month)).toEqual(['2022-03', '2022-04', '2022-05', '2022-06']);
    // Hover text: month, status, sources with rows.
    expect(m.months[0].title).toBe('Nov 2021: no data');
    expect(m.months[4].title).toBe('Mar 2022: covered · source: police.uk street (170 rows)');
    expect(m.summary).toBe('Data Mar 2022 – Feb 2025 · previous period: no data.');
  });

  it('marks months covered for some of the chosen categories as partly covered, and says which', () => {
    const ruler = monthRange('2022-01', '2022-07');
    const report: CoverageReport = {
      ...burglaryReport(),
      months: ruler,
      first_month: '2022-01',
      last_month: '2022-06',
      categories: [
        category('burglary', 'Burglary', '2022-01', '2022-07', ruler),
        category('robbery', 'Robbery', '2022-01', '2022-07', ruler, 20, 'force feed'),
      ],
    };
    // A hole in robbery (2022-03) inside the data: a gap the summary names.
    report.categories[1].months[2] = { month: '2022-03', covered: 'none', rows: null, sources: [] };
    const both = coverageStrip(report, { categories: null, period: { from: '2022-01', to: '2022-07' } });
    expect(both.months.map((x) => x.status)).toEqual(['full', 'full', 'partial', 'full', 'full', 'full']);
    expect(both.months[2].title).toBe(
      'Mar 2022: partly covered · Burglary covered, Robbery no data · source: police.uk street (100 rows)',
    );
    expect(both.months[0].title).toContain('sources: police.uk street (100 rows), force feed (20 rows)');
    expect(both.period?.status).toBe('partial');
    expect(both.summary).toBe('Data Jan 2022 – Jun 2022 · partly covered Mar 2022 · period: partly covered.');
    const robbery = coverageStrip(report, { categories: ['robbery'], period: { from: '2022-01', to: '2022-07' } });
    expect(robbery.months[2].status).toBe('none');
    expect(robbery.summary).toContain('gaps Mar 2022');
    // A category the report does not hold is never covered.
    expect(
      coverageStrip(report, { categories: ['arson'], period: { from: '2022-01', to: '2022-03' } }).months.every(
        (x) => x.status === 'none',
      ),
    ).toBe(true);
  });

  it('gives a part-month its days, takes YYYY-MM-DD bounds and leaves partners without row counts', () => {
    const report = burglaryReport();
    report.categories[0].months[0] = {
      month: '2022-03',
      covered: 'partial',
      covered_days: 12,
      rows: null,
      sources: [{ dataset: 'force feed', rows: null }],
    };
    const m = coverageStrip(report, { categories: ['burglary'], period: { from: '2022-03-20', to: '2022-04-15' } });
    expect(m.period).toEqual({ start: 0, length: 2, status: 'partial' });
    expect(m.months[0].title).toBe('Mar 2022: partly covered · 12 days of the month · source: force feed');
  });

  it('labels years: every year on a short ruler, every other (two digits) on a long one', () => {
    const short = coverageStrip(burglaryReport(), { categories: null, period: null });
    expect(short.ticks.map((t) => t.label)).toEqual(['2022', '2023', '2024', '2025']);
    expect(short.ticks[0].index).toBe(0);
    const ruler = monthRange('2010-01', '2025-01');
    const long = coverageStrip(
      {
        ...burglaryReport(),
        months: ruler,
        first_month: '2010-01',
        last_month: '2024-12',
        categories: [category('burglary', 'Burglary', '2010-01', '2025-01', ruler)],
      },
      { categories: null, period: null },
    );
    expect(long.ticks.map((t) => t.label)).toEqual(['’10', '’12', '’14', '’16', '’18', '’20', '’22', '’24']);
  });

  it('is empty (and says so) with no data and no period', () => {
    const m = coverageStrip(
      { months: [], first_month: null, last_month: null, categories: [], datasets: [], rule: '', notes: [] },
      { categories: null, period: null },
    );
    expect(m.months).toEqual([]);
    expect(m.summary).toBe('No data is loaded.');
    const p = coverageStrip(
      { months: [], first_month: null, last_month: null, categories: [], datasets: [], rule: '', notes: [] },
      { categories: null, period: { from: '2022-01', to: '2022-03' } },
    );
    expect(p.months.map((x) => x.status)).toEqual(['none', 'none']);
    expect(p.summary).toBe('No data is loaded for these categories.');
  });
});

describe('window and comparison coverage', () => {
  it('combines statuses', () => {
    expect(combineStatus([])).toBe('none');
    expect(combineStatus(['full', 'full'])).toBe('full');
    expect(combineStatus(['none', 'none'])).toBe('none');
    expect(combineStatus(['full', 'none'])).toBe('partial');
  });

  it('finds the previous period of the pack not covered, per category and overall', () => {
    const report = burglaryReport();
    expect(windowStatus(report, ['burglary'], { from: '2022-03', to: '2022-07' })).toBe('full');
    expect(windowStatus(report, ['burglary'], { from: '2022-01', to: '2022-05' })).toBe('partial');
    expect(windowStatus(report, ['burglary'], { from: '2021-11-01', to: '2022-03-01' })).toBe('none');
    const c = comparisonCoverage(
      report,
      null,
      { from: '2022-03-01', to: '2022-07-01' },
      { from: '2021-11-01', to: '2022-03-01' },
    );
    expect([c.current, c.previous, c.previousOf('burglary'), c.currentOf('burglary')]).toEqual(['full', 'none', 'none', 'full']);
    // All categories: a category with data in neither window is out of scope, not a gap.
    const ruler = report.months;
    const withOld = { ...report, categories: [...report.categories, category('arson', 'Arson', '2024-01', '2024-03', ruler)] };
    const later = comparisonCoverage(withOld, null, { from: '2022-07', to: '2022-11' }, { from: '2022-03', to: '2022-07' });
    expect([later.current, later.previous]).toEqual(['full', 'full']);
    expect(
      comparisonCoverage(withOld, ['burglary', 'arson'], { from: '2022-07', to: '2022-11' }, { from: '2022-03', to: '2022-07' })
        .previous,
    ).toBe('partial');
  });
});

describe('stats/areas figures without data', () => {
  const base = (coverage: Partial<AreaStats['coverage']>, areas: AreaStats['areas']): AreaStats => ({
    level: 'ward',
    from: '2022-03-01',
    to: '2022-07-01',
    previous_from: '2021-11-01',
    previous_to: '2022-03-01',
    categories: ['burglary'],
    areas,
    total: 10,
    outside_study_area: 0,
    time: { coarsest: 'month', steps: ['month'], rule: '' },
    coverage: {
      current: null as never,
      previous: null as never,
      count_reason: null,
      count_note: null,
      previous_reason: null,
      rule: 'r',
      ...coverage,
    },
    population: null as never,
  });
  const ward = (count: number | null, previous: number | null, extra: object = {}) => ({
    code: 'E1',
    name: 'A',
    count,
    population: 1000,
    population_rule: null,
    rate_per_1000: count,
    previous_count: previous,
    change: count !== null && previous !== null ? count - previous : null,
    ...extra,
  });

  it('says no previous data from previous_reason, and no data at all from count_reason', () => {
    const prevGap = base({ previous_reason: 'no data for the previous period: no data for burglary 2021-11..2022-02' }, [
      ward(208, null),
    ]);
    expect(areaCoverage(prevGap)).toEqual({ noCurrent: false, noPrevious: true, notes: [] });
    const part = base({ count_note: 'counts cover only part of the period (no data for burglary 2022-01)' }, [ward(5, 3)]);
    expect(areaCoverage(part).notes).toEqual(['Counts cover only part of the period (no data for burglary 2022-01).']);
    const none = base(
      {
        count_reason: 'no data for the period: no data for burglary 2016-01..2016-04',
        previous_reason: 'no data for the previous period: x',
      },
      [ward(null, null)],
    );
    expect(areaCoverage(none).noCurrent).toBe(true);
    expect(areaNoDataLabel(none, 'count', false)).toBe('No data for this period');
    expect(areaNoDataLabel(none, 'count', true)).toBe('No data for this period');
    expect(areaCoverage(null)).toEqual({ noCurrent: false, noPrevious: false, notes: [] });
  });

  it('tells withheld, no population and zero apart in the legend', () => {
    expect(areaNoDataLabel(base({}, [ward(0, 0)]), 'count', false)).toBeNull();
    expect(areaNoDataLabel(base({}, [ward(null, 3, { suppressed: true })]), 'count', true)).toBe('Withheld');
    expect(areaNoDataLabel(base({}, [{ ...ward(5, 3), rate_per_1000: null }]), 'rate', false)).toBe('No population data');
  });

  it('formats a missing figure as no data or withheld, a zero as 0', () => {
    expect(formatFigure(null, { noData: true })).toBe(NO_DATA);
    expect(formatFigure(null, { withheld: true, noData: true })).toBe('withheld');
    expect(formatFigure(0, { noData: true })).toBe('0');
    expect(formatFigure(1234, {})).toBe('1,234');
  });
});

describe('series gaps', () => {
  // As GET /api/series answers for burglary from 2021-11: months before the data null (not covered).
  const api = [
    { month: '2021-11', count: null, missing_categories: ['burglary'] },
    { month: '2021-12', count: null, missing_categories: ['burglary'] },
    { month: '2022-01', count: null, missing_categories: ['burglary'] },
    { month: '2022-02', count: null, missing_categories: ['burglary'] },
    { month: '2022-03', count: 170 },
    { month: '2022-04', count: 0 },
    { month: '2022-05', count: null, suppressed: true },
  ];

  it('keeps gaps null (no data), zeros 0 and withheld months apart', () => {
    const months = fillMonths(api, '2021-11', '2022-07');
    expect(months.map((m) => [m.count, m.gap ?? null])).toEqual([
      [null, 'no_data'],
      [null, 'no_data'],
      [null, 'no_data'],
      [null, 'no_data'],
      [170, null],
      [0, null],
      [null, 'withheld'],
      [0, null], // not in the answer: 0, as before
    ]);
    expect(sumWindow(months, '2021-11', '2022-03')).toBeNull();
    expect(windowGap(months, '2021-11', '2022-03')).toBe('no_data');
    expect(windowGap(months, '2022-03', '2022-05')).toBeNull();
    expect(windowGap(months, '2022-03', '2022-07')).toBe('withheld');
    expect(gapRuns(months)).toEqual([
      { start: 0, end: 3, gap: 'no_data' },
      { start: 6, end: 6, gap: 'withheld' },
    ]);
  });

  it('breaks the sparkline at gaps instead of drawing them as 0', () => {
    const months = fillMonths(api, '2021-11', '2022-07');
    const runs = lineRuns(
      sparklineCoords(
        months.map((m) => m.count),
        100,
        20,
      ),
    );
    expect(runs.map((r) => r.length)).toEqual([2, 1]);
  });
});

describe('aggregate sources (issue 17: MPS ward-level counts have no points)', () => {
  const ds = (dataset: string, points: boolean) => ({
    dataset,
    first_month: '2021-12',
    last_month: '2026-03',
    categories: [],
    published_for: [],
    points,
  });
  it('says each aggregate source is ward counts and trends only, with no points; point sources say nothing', () => {
    const lines = aggregateSourceLines({
      datasets: [ds('police.uk API', true), ds('MPS ward-level crime (aggregate)', false)],
    });
    expect(lines).toEqual([
      'MPS ward-level crime (aggregate): aggregate counts per ward, no points (ward counts and trends only), Dec 2021 – Mar 2026; not shown as points or hotspots and not counted as coverage here.',
    ]);
    expect(aggregateSourceLines({ datasets: [ds('police.uk API', true)] })).toEqual([]);
    expect(aggregateSourceLines(undefined)).toEqual([]);
  });
});
