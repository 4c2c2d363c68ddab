// Pure data preparation for the map page: area feature states and label points (on the real Lewisham
// wards), ranking sort, monthly series, incident popups, change formatting, API query strings.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { booleanPointInPolygon } from '@turf/turf';
import type { AreaCollection, AreaStat, IncidentProperties } from '../contract/aggregates';
import { queryString } from '../web/src/api/client';
import { importUrl } from '../web/src/api/upload';
import { areaBounds, areaFeatureStates, areaLabelPoints } from '../web/src/map/prepare/areas';
import { incidentPopup } from '../web/src/map/prepare/incidents';
import { sortAreaStats } from '../web/src/lib/ranking';
import { fillMonths, sparklinePoints, sumWindow } from '../web/src/lib/series';
import { change, formatChange } from '../web/src/lib/format';
import { SHARED } from './helpers/shared.js';

const WARDS = SHARED + 'lewisham_wards_2022.geojson';

function wardsAsApi(): AreaCollection {
  const raw = JSON.parse(fs.readFileSync(WARDS, 'utf8'));
  return {
    type: 'FeatureCollection',
    features: raw.features.map((f: any, i: number) => ({
      type: 'Feature',
      id: i + 1,
      properties: { code: f.properties.WD22CD, name: f.properties.WD22NM, population: null, population_source: null },
      geometry: f.geometry,
    })),
  };
}

const stat = (code: string, name: string, count: number, rate: number | null, change: number | null): AreaStat => ({
  code,
  name,
  count,
  population: rate === null ? null : 10000,
  population_rule: null,
  rate_per_1000: rate,
  previous_count: change === null ? null : count - change,
  change,
});

describe.skipIf(!fs.existsSync(WARDS))('area preparation on the Lewisham wards', () => {
  const wards = wardsAsApi();
  it('puts every label point inside its ward', () => {
    const labels = areaLabelPoints(wards);
    expect(labels.features).toHaveLength(19);
    for (const l of labels.features) {
      const ward = wards.features.find((f) => f.properties.code === l.properties.code)!;
      expect(booleanPointInPolygon(l.geometry, ward.geometry)).toBe(true);
    }
  });
  it('gives the study-area bounds and one ward bounds', () => {
    const all = areaBounds(wards)!;
    expect(all[0]).toBeCloseTo(-0.07507, 4);
    expect(all[1]).toBeCloseTo(51.41355, 4);
    expect(all[2]).toBeCloseTo(0.03907, 4);
    expect(all[3]).toBeCloseTo(51.49306, 4);
    const deptford = areaBounds(wards, 'E05013719')!;
    expect(deptford[0]).toBeGreaterThan(all[0]);
    expect(areaBounds(wards, 'nope')).toBeNull();
  });
  it('maps statistics to feature states by code, nulls for areas without them', () => {
    const states = areaFeatureStates(wards, [stat('E05013719', 'Deptford', 760, 12.5, 70)]);
    expect(states).toHaveLength(19);
    const deptfordId = wards.features.find((f) => f.properties.code === 'E05013719')!.id;
    expect(states.find((s) => s.id === deptfordId)!.state).toEqual({ count: 760, rate: 12.5 });
    expect(states.filter((s) => s.state.count === null)).toHaveLength(18);
  });
});

describe('sortAreaStats', () => {
  const rows = [
    stat('a', 'Brockley', 458, 3.1, -51),
    stat('b', 'Deptford', 760, null, 70),
    stat('c', 'Evelyn', 317, 1.2, null),
    stat('d', 'Abbey', 458, 5, 0),
  ];
  it('sorts by count descending, ties by name', () => {
    expect(sortAreaStats(rows, { key: 'count', dir: 'desc' }).map((r) => r.name)).toEqual([
      'Deptford',
      'Abbey',
      'Brockley',
      'Evelyn',
    ]);
  });
  it('puts missing values last in either direction', () => {
    expect(sortAreaStats(rows, { key: 'rate', dir: 'desc' }).map((r) => r.name)).toEqual([
      'Abbey',
      'Brockley',
      'Evelyn',
      'Deptford',
    ]);
    expect(sortAreaStats(rows, { key: 'rate', dir: 'asc' }).map((r) => r.name)).toEqual([
      'Evelyn',
      'Brockley',
      'Abbey',
      'Deptford',
    ]);
    expect(sortAreaStats(rows, { key: 'change', dir: 'asc' }).map((r) => r.name)).toEqual([
      'Brockley',
      'Abbey',
      'Deptford',
      'Evelyn',
    ]);
  });
  it('sorts names alphabetically and does not mutate its input', () => {
    const before = rows.map((r) => r.code);
    expect(sortAreaStats(rows, { key: 'name', dir: 'asc' }).map((r) => r.name)).toEqual([
      'Abbey',
      'Brockley',
      'Deptford',
      'Evelyn',
    ]);
    expect(rows.map((r) => r.code)).toEqual(before);
  });
});

describe('monthly series', () => {
  const api = [
    { month: '2017-08', count: 5 },
    { month: '2018-01', count: 7 },
  ];
  it('fills missing months with zero and sums windows', () => {
    const months = fillMonths(api, '2017-07', '2018-07');
    expect(months).toHaveLength(12);
    expect(months[0]).toEqual({ month: '2017-07', count: 0 });
    expect(months[1]).toEqual({ month: '2017-08', count: 5 });
    expect(sumWindow(months, '2017-07', '2018-01')).toBe(5);
    expect(sumWindow(months, '2018-01', '2018-07')).toBe(7);
  });
  it('draws the sparkline inside its box with the maximum at the top', () => {
    const pts = sparklinePoints([0, 5, 10], 100, 50, 2);
    expect(pts[0]).toEqual([2, 48]);
    expect(pts[2]).toEqual([98, 2]);
    expect(sparklinePoints([], 100, 50)).toEqual([]);
  });
});

describe('incident popup', () => {
  const base: IncidentProperties = {
    id: 1,
    category: 'violent-crime',
    category_label: 'Violence and sexual offences',
    occurred_at: '2018-06-01T00:00:00',
    time_precision: 'month',
    location_precision: 'snapped',
    location_text: 'On or near Sunnydene Street',
    ward_code: 'E05013731',
    outcome: 'Under investigation',
    age_band: null,
  };
  it('says when only the month and a snapped location are known', () => {
    const p = incidentPopup(base);
    expect(p.title).toBe('Violence and sexual offences');
    expect(p.rows).toContainEqual({ label: 'Month', value: 'Jun 2018' });
    expect(p.rows).toContainEqual({ label: 'Location', value: 'On or near Sunnydene Street' });
    expect(p.notes.join(' ')).toContain('Month only');
    expect(p.notes.join(' ')).toContain('Location snapped to nearby street point (police.uk anonymisation)');
  });
  it('shows date and time for exact local records', () => {
    const p = incidentPopup({
      ...base,
      occurred_at: '2024-03-05T21:40:00Z',
      time_precision: 'minute',
      location_precision: 'exact',
      outcome: null,
    });
    expect(p.rows[0]).toEqual({ label: 'When', value: '5 Mar 2024, 21:40' });
    expect(p.notes).toEqual(['Exact location as recorded.']);
    expect(p.rows.map((r) => r.label)).not.toContain('Outcome');
  });
});

describe('small formatting and request helpers', () => {
  it('formats change with a proportion when the previous count is not zero', () => {
    expect(formatChange(change(760, 690))).toBe('+70 (+10%)');
    expect(formatChange(change(357, 434))).toBe('-77 (-18%)');
    expect(formatChange(change(5, 0))).toBe('+5');
    expect(formatChange(change(5, null))).toBe('—');
  });
  it('builds query strings without empty values', () => {
    expect(queryString({ level: 'ward', from: '2017-07', to: undefined, category: ['robbery', 'violent-crime'], x: [] })).toBe(
      '?level=ward&from=2017-07&category=robbery%2Cviolent-crime',
    );
    expect(queryString({})).toBe('');
    expect(importUrl('wards 2022.geojson', { kind: 'boundaries', level: 'ward' })).toBe(
      '/api/imports?kind=boundaries&level=ward&filename=wards+2022.geojson',
    );
  });
});
