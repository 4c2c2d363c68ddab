// The map opens where the data are (issue 13): the default period follows the selected categories'
// newest month, and categories with no data in the period are named with the months they have.
import { describe, expect, it } from 'vitest';
import type { CoverageReport } from '../contract/aggregates';
import { coverageDefaults, dataDefaultWindow, dataElsewhere, jumpWindow } from '../web/src/lib/data-period';
import { resolveWindow } from '../web/src/lib/months';

const months = (from: string, to: string) => {
  const out: string[] = [];
  for (let y = +from.slice(0, 4), m = +from.slice(5); `${y}-${String(m).padStart(2, '0')}` <= to; m === 12 ? (y++, (m = 1)) : m++)
    out.push(`${y}-${String(m).padStart(2, '0')}`);
  return out;
};
// The first hour's two files: burglary 2022-03..2025-02, violence and robbery 2016-01..2018-06.
const ruler = months('2016-01', '2025-02');
const cat = (slug: string, label: string, from: string, to: string) => ({
  slug,
  label,
  months: ruler.map((month) =>
    month >= from && month <= to
      ? { month, covered: 'full' as const, rows: 1, sources: [] }
      : { month, covered: 'none' as const, rows: null, sources: [] },
  ),
});
const report: CoverageReport = {
  months: ruler,
  first_month: '2016-01',
  last_month: '2025-02',
  categories: [
    cat('burglary', 'Burglary', '2022-03', '2025-02'),
    cat('robbery', 'Robbery', '2016-01', '2018-06'),
    cat('violent-crime', 'Violence and sexual offences', '2016-01', '2018-06'),
  ],
  datasets: [],
  rule: '',
  notes: [],
};

describe('default period from coverage', () => {
  it('ends at the newest month of the selected categories', () => {
    expect(dataDefaultWindow({ first_month: '2016-01', last_month: '2018-06' })).toEqual({ from: '2017-07', to: '2018-07' });
    expect(dataDefaultWindow({ first_month: '2018-03', last_month: '2018-06' })).toEqual({ from: '2018-03', to: '2018-07' });
    expect(dataDefaultWindow({ first_month: null, last_month: null })).toBeNull();
    expect(resolveWindow({ from: null, to: null }, coverageDefaults({ first_month: '2016-01', last_month: '2018-06' }))).toEqual({
      from: '2017-07',
      to: '2018-07',
    });
    // A period in the URL wins.
    expect(
      resolveWindow({ from: '2016-01', to: '2016-04' }, coverageDefaults({ first_month: '2016-01', last_month: '2018-06' })),
    ).toEqual({ from: '2016-01', to: '2016-04' });
  });

  it('names categories with no data in the period, with their months, and a window to jump to', () => {
    const period = dataDefaultWindow(report)!;
    expect(period).toEqual({ from: '2024-03', to: '2025-03' });
    const away = dataElsewhere(report, period);
    expect(away).toHaveLength(1);
    expect(away[0]).toMatchObject({ slugs: ['robbery', 'violent-crime'], from: '2016-01', to: '2018-07' });
    expect(away[0].text).toBe('Robbery, Violence and sexual offences: data Jan 2016 – Jun 2018 only, none in this period');
    expect(jumpWindow(away[0])).toEqual({ from: '2017-07', to: '2018-07' });
    expect(dataElsewhere(report, { from: '2018-01', to: '2023-01' })).toEqual([]);
    expect(dataElsewhere(report, null)).toEqual([]);
  });
});
