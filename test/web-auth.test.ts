// Pure pieces of the web UI's access control: what each role is offered (asked of the capabilities the
// session sends, contract/capabilities.ts), withheld counts (partners),
// the ranking total with withheld rows, series with withheld months, page URLs, admin form helpers.
import { describe, expect, it } from 'vitest';
import { capabilitiesOf, type Role } from '../contract/capabilities';
import { can, canOpen, pointsLayerLabel, seesWithheld } from '../web/src/lib/can';
import { formatCountOrWithheld, withheldNote } from '../web/src/lib/format';
import { rankedTotal } from '../web/src/lib/ranking';
import { fillMonths, lineRuns, sparklineCoords, sumWindow } from '../web/src/lib/series';
import { formatView, parseView } from '../web/src/state/url-state';
import { parseAreaCodes } from '../web/src/api/admin';
import { attachmentName } from '../web/src/api/client';
import { exportFilters } from '../web/src/api/exports';
import type { AreaStat } from '../contract/aggregates';

const row = (code: string, count: number | null): AreaStat => ({
  code,
  name: code,
  count,
  population: null,
  population_rule: null,
  rate_per_1000: null,
  previous_count: null,
  change: null,
  suppressed: count === null,
});

describe('roles', () => {
  const as = (role: Role) => ({ capabilities: capabilitiesOf(role) }); // what GET /api/session sends
  it('offers incident points to analysts and officers only, imports and incident exports to analysts, admin pages to admins', () => {
    expect((['admin', 'analyst', 'officer', 'partner'] as const).filter((role) => can(as(role), 'records.read'))).toEqual([
      'analyst',
      'officer',
    ]);
    expect(
      can(as('analyst'), 'imports.write') && !can(as('officer'), 'imports.write') && !can(as('admin'), 'imports.write'),
    ).toBe(true);
    expect(can(as('analyst'), 'records.export') && !can(as('officer'), 'records.export')).toBe(true);
    expect(can(as('admin'), 'admin') && !can(as('analyst'), 'admin')).toBe(true);
    expect(seesWithheld(as('partner')) && !seesWithheld(as('admin'))).toBe(true);
    expect(canOpen(as('partner'), 'import')).toBe(false);
    expect(canOpen(as('analyst'), 'audit')).toBe(false);
    expect(canOpen(as('admin'), 'users')).toBe(true);
    expect(canOpen(as('partner'), 'map')).toBe(true);
  });

  it('labels the points layer with the officer’s wards', () => {
    expect(pointsLayerLabel({ role: 'officer', area_codes: ['E05013714'] })).toBe('Incident points (your ward)');
    expect(pointsLayerLabel({ role: 'officer', area_codes: ['A', 'B'] })).toBe('Incident points (your 2 wards)');
    expect(pointsLayerLabel({ role: 'officer', area_codes: null })).toBe('Incident points');
    expect(pointsLayerLabel({ role: 'analyst', area_codes: null })).toBe('Incident points');
  });
});

describe('withheld counts', () => {
  it('shows "withheld", never 0 or a dash', () => {
    expect(formatCountOrWithheld(null, true)).toBe('withheld');
    expect(formatCountOrWithheld(1234, false)).toBe('1,234');
    expect(formatCountOrWithheld(null, false)).toBe('—');
    expect(withheldNote(5)).toMatch(/^Counts below 5 are withheld for partners/);
  });

  it('totals the ranked areas from the published totals when some are withheld', () => {
    expect(rankedTotal({ areas: [row('a', 10), row('b', 7)], total: 20, outside_study_area: 3 })).toBe(17);
    expect(rankedTotal({ areas: [row('a', 10), row('b', null), row('c', null)], total: 20, outside_study_area: 3 })).toBe(17);
    expect(rankedTotal({ areas: [row('a', 10), row('b', null)], total: 20, outside_study_area: null })).toBeNull();
  });

  it('keeps withheld months out of sums and breaks the sparkline at them', () => {
    const months = fillMonths(
      [
        { month: '2018-01-01', count: 6 },
        { month: '2018-02-01', count: null },
      ],
      '2018-01',
      '2018-04',
    );
    expect(months.map((m) => m.count)).toEqual([6, null, 0]);
    expect(sumWindow(months, '2018-01', '2018-02')).toBe(6);
    expect(sumWindow(months, '2018-01', '2018-04')).toBeNull();
    const runs = lineRuns(sparklineCoords([1, null, 2, 3], 100, 50));
    expect(runs.map((r) => r.length)).toEqual([1, 2]);
  });
});

describe('pages and helpers', () => {
  it('maps admin and setup paths to pages and back', () => {
    for (const [path, page] of [
      ['/admin/users', 'users'],
      ['/admin/settings', 'settings'],
      ['/admin/audit', 'audit'],
      ['/setup', 'setup'],
      ['/import', 'import'],
      ['/', 'map'],
    ] as const) {
      const v = parseView(path, '');
      expect(v.page).toBe(page);
      expect(formatView(v)).toBe(path);
    }
  });

  it('parses ward codes, attachment names and export filters', () => {
    expect(parseAreaCodes('E05013714, E05013715\nE05013714')).toEqual(['E05013714', 'E05013715']);
    expect(parseAreaCodes('  ')).toBeNull();
    expect(attachmentName('attachment; filename="ward-2017-07-01-2018-07-01.csv"', 'x.csv')).toBe(
      'ward-2017-07-01-2018-07-01.csv',
    );
    expect(attachmentName(null, 'x.csv')).toBe('x.csv');
    expect(
      exportFilters({ from: '2018-01', to: '2018-07', categories: ['robbery', 'burglary'] }, { level: 'ward', bbox: undefined }),
    ).toEqual({
      from: '2018-01',
      to: '2018-07',
      category: 'robbery,burglary',
      level: 'ward',
    });
  });
});
