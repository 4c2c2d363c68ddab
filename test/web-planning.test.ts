// Planning and CHB pages (issue 6), the parts that need no browser: layer specs for every parameter
// combination pass the MapLibre style-spec validator; data preparation (colours, statuses, drawn shapes,
// history diffs, venue CSVs, shares and figures shown as "withheld"/"undefined", never as numbers); URLs.
import { describe, expect, it } from 'vitest';
import { validateStyleMin as validate } from '@maplibre/maplibre-gl-style-spec';
import { fallbackStyle } from '../web/src/map/base-style';
import { composeStyle } from '../web/src/map/layers';
import { UNKNOWN_TYPE_COLOUR, typeColour } from '../web/src/map/layers/interventions';
import { PLAN_WARD_FILL_LAYER, wardPickColour } from '../web/src/map/layers/chb';
import { planningLayers, planningSources, type PlanningLayerParams } from '../web/src/pages/planning/planning-layers';
import {
  TYPE_PALETTE,
  chbChart,
  chbFeatures,
  cycleWardPick,
  figureDisplay,
  historyChanges,
  hotspotFeatures,
  importFormat,
  interventionFeatures,
  interventionStatus,
  niceMax,
  outreachFeatures,
  parseCsv,
  parseVenuesCsv,
  patrolFeatures,
  shareDisplay,
  siteGeometry,
  typeStyles,
} from '../web/src/map/prepare/planning';
import { formatPlanningView, parsePlanningView } from '../web/src/pages/planning/planning-url';
import { chbUrl, parseChbId } from '../web/src/pages/chb/chb-url';
import type { ChbEvaluation, HistoryEntry, InterventionCollection, PatrolPlan } from '../contract/planning';

const TYPES = [
  { slug: 'youth_hub', label: 'Youth hub', builtin: true },
  { slug: 'safe_haven', label: 'Safe haven', builtin: true },
  { slug: 'cctv_camera', label: 'CCTV camera', builtin: true },
];

function params(on: boolean, over: Partial<PlanningLayerParams['interventions']> = {}): PlanningLayerParams {
  return {
    wards: {
      showWardLabels: on,
      areaWards: on ? ['E05013714'] : [],
      controlWards: on ? ['E05013720', 'E05013721'] : [],
      showRegions: on,
    },
    interventions: { visible: on, types: typeStyles(TYPES), showEnded: on, selectedId: on ? 3 : null, dimmed: !on, ...over },
    outputs: { showGaps: on, showPatrol: !on, showOutreach: on },
  };
}

describe('planning layer specs', () => {
  it.each([
    ['everything on', params(true)],
    ['everything off', params(false)],
    ['no types known yet', params(true, { types: [] })],
    [
      'more types than colours',
      params(true, {
        types: typeStyles(Array.from({ length: 11 }, (_, i) => ({ slug: `t${i}`, label: `T${i}`, builtin: false }))),
      }),
    ],
  ])('validate as a whole style (%s)', (_name, p) => {
    const style = composeStyle(fallbackStyle(), planningSources(), planningLayers(p));
    expect(validate(style)).toEqual([]);
    // Unique ids; wards at the bottom, ward labels on top.
    const ids = style.layers.map((l) => l.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[1]).toBe(PLAN_WARD_FILL_LAYER);
  });

  it('colours each type from the colour-blind-safe palette, cycling past eight, with a fallback', () => {
    const styles = typeStyles(Array.from({ length: 10 }, (_, i) => ({ slug: `t${i}`, label: `T${i}`, builtin: i < 7 })));
    expect(styles.map((s) => s.colour)).toEqual([...TYPE_PALETTE, TYPE_PALETTE[0], TYPE_PALETTE[1]]);
    expect(typeColour([])).toBe(UNKNOWN_TYPE_COLOUR);
    expect(typeColour(typeStyles(TYPES))).toEqual([
      'match',
      ['get', 'type'],
      'youth_hub',
      '#0072B2',
      'safe_haven',
      '#E69F00',
      'cctv_camera',
      '#009E73',
      UNKNOWN_TYPE_COLOUR,
    ]);
    expect(wardPickColour({ areaWards: ['A'], controlWards: ['B'] })[1]).toEqual(['in', ['get', 'code'], ['literal', ['A']]]);
  });
});

describe('register data', () => {
  const fc: InterventionCollection = {
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        id: 7,
        geometry: { type: 'Point', coordinates: [-0.02, 51.46] },
        properties: { id: 7, type: 'youth_hub', name: 'Hub', starts_on: '2017-01-01', ends_on: '2017-12-31' } as never,
      },
      {
        type: 'Feature',
        id: 8,
        geometry: { type: 'Point', coordinates: [-0.03, 51.45] },
        properties: { id: 8, type: 'cctv_camera', name: 'Cam', starts_on: '2030-01-01', ends_on: null } as never,
      },
    ],
  };

  it('gives each intervention its status on a date (ends_on inclusive) and keeps numeric ids', () => {
    expect(interventionStatus({ starts_on: '2017-01-01', ends_on: '2017-12-31' }, '2017-12-31')).toBe('active');
    expect(interventionStatus({ starts_on: '2017-01-01', ends_on: '2017-12-31' }, '2018-01-01')).toBe('ended');
    expect(interventionStatus({ starts_on: '2017-01-01', ends_on: null }, '2016-12-31')).toBe('planned');
    const out = interventionFeatures(fc, '2024-05-01');
    expect(out.features.map((f) => [f.id, f.properties!.status])).toEqual([
      [7, 'ended'],
      [8, 'planned'],
    ]);
  });

  it('rounds drawn shapes to 1e-7 degrees and closes polygon rings', () => {
    expect(siteGeometry({ type: 'Point', coordinates: [-0.0209123456789, 51.46271234567] })).toEqual({
      type: 'Point',
      coordinates: [-0.0209123, 51.4627123],
    });
    const poly = siteGeometry({
      type: 'Polygon',
      coordinates: [
        [
          [0, 51],
          [0.01, 51],
          [0.01, 51.01],
        ],
      ],
    });
    expect(poly.coordinates[0]).toEqual([
      [0, 51],
      [0.01, 51],
      [0.01, 51.01],
      [0, 51],
    ]);
    const closed = siteGeometry({
      type: 'Polygon',
      coordinates: [
        [
          [0, 51],
          [0.01, 51],
          [0.01, 51.01],
          [0, 51],
        ],
      ],
    });
    expect(closed.coordinates[0]).toHaveLength(4);
  });

  it('lists what each version changed, who and when', () => {
    const snap = (o: Record<string, unknown>) => ({
      type: 'youth_hub',
      name: 'Hub',
      starts_on: '2017-01-01',
      ends_on: null,
      owner: null,
      partner: null,
      notes: null,
      geometry: { type: 'Point', coordinates: [-0.02, 51.46] },
      ...o,
    });
    const h: HistoryEntry[] = [
      { version: 1, action: 'create', changed_by: 'a@x', changed_at: '2024-01-01T10:00:00.000Z', snapshot: snap({}) },
      {
        version: 2,
        action: 'edit',
        changed_by: 'b@x',
        changed_at: '2024-01-02T10:00:00.000Z',
        snapshot: snap({ name: 'Hub 2', notes: 'moved', geometry: { type: 'Point', coordinates: [-0.021, 51.46] } }),
      },
      {
        version: 3,
        action: 'end',
        changed_by: 'b@x',
        changed_at: '2024-01-03T10:00:00.000Z',
        snapshot: snap({
          name: 'Hub 2',
          notes: 'moved',
          ends_on: '2018-03-31',
          geometry: { type: 'Point', coordinates: [-0.021, 51.46] },
        }),
      },
      {
        version: 4,
        action: 'delete',
        changed_by: 'c@x',
        changed_at: '2024-01-04T10:00:00.000Z',
        snapshot: snap({
          name: 'Hub 2',
          notes: 'moved',
          ends_on: '2018-03-31',
          geometry: { type: 'Point', coordinates: [-0.021, 51.46] },
          deleted_at: 'x',
        }),
      },
    ];
    const c = historyChanges(h);
    expect(c[0].changes.map((x) => x.field)).toEqual(['type', 'name', 'starts', 'geometry']);
    expect(c[1].changes).toEqual([
      { field: 'name', from: 'Hub', to: 'Hub 2' },
      { field: 'notes', from: '—', to: 'moved' },
      { field: 'geometry', from: 'point 51.46000, -0.02000', to: 'point 51.46000, -0.02100' },
    ]);
    expect(c[2].changes).toEqual([{ field: 'ends', from: '—', to: '2018-03-31' }]);
    expect(c[3].changes).toEqual([{ field: 'deleted', from: '', to: 'yes' }]);
  });

  it('tells CSV from GeoJSON by name, then by content', () => {
    expect(importFormat('sites.csv', '{')).toBe('csv');
    expect(importFormat('sites.geojson', 'a,b')).toBe('geojson');
    expect(importFormat('sites', '  {"type":"FeatureCollection"}')).toBe('geojson');
    expect(importFormat('sites.txt', 'name,lon,lat')).toBe('csv');
  });
});

describe('outreach venues CSV', () => {
  it('parses quoted fields, CRLF and a BOM', () => {
    expect(parseCsv('\uFEFFa,"b, c","d ""q"""\r\n1,2,3\r\n\r\n')).toEqual([
      ['a', 'b, c', 'd "q"'],
      ['1', '2', '3'],
    ]);
  });
  it('reads name/lon/lat (or longitude/latitude) and lists rows it leaves out', () => {
    const r = parseVenuesCsv(
      'Venue,Longitude,Latitude\n"Hall, Catford",-0.02,51.44\nNowhere,abc,51\nSydney,151.2,-33.9\n,-0.03,51.45\n',
    );
    expect(r.venues).toEqual([
      { name: 'Hall, Catford', lon: -0.02, lat: 51.44 },
      { name: 'venue 4', lon: -0.03, lat: 51.45 },
    ]);
    expect(r.problems).toEqual(['line 3: lon/lat are not numbers', 'line 4: -33.9, 151.2 is not in Great Britain']);
    expect(parseVenuesCsv('name,x,y\na,1,2').problems[0]).toMatch(/needs lon and lat/);
  });
});

describe('coverage, patrol and CHB display values', () => {
  it('shows a share, "withheld" (partners) or "undefined" with the reason — never 0', () => {
    const base = {
      hotspot_harm: 10,
      covered_harm: 4,
      share: 0.4,
      share_undefined: null,
      hotspot_incidents: 10,
      covered_incidents: 4,
    };
    expect(shareDisplay(base)).toEqual({ text: '40%', value: 0.4, withheld: false, reason: null });
    expect(shareDisplay({ ...base, share: null, share_undefined: 'no harm in significant hotspots here' })).toMatchObject({
      text: 'undefined',
      value: null,
      reason: 'no harm in significant hotspots here',
    });
    expect(shareDisplay({ ...base, hotspot_incidents: null, share: null, suppressed: true })).toMatchObject({
      text: 'withheld',
      withheld: true,
    });
    expect(shareDisplay({ ...base, covered_incidents: null, share: null, covered_suppressed: true })).toMatchObject({
      text: 'withheld',
      withheld: true,
    });
    // The partner borough row: share null without a reason is withheld.
    expect(shareDisplay({ ...base, share: null, share_undefined: null }).text).toBe('withheld');
  });

  it('shows figures as numbers, "undefined" with the reason, or "withheld"', () => {
    expect(figureDisplay({ value: -0.51234, reason: null }, 2)).toEqual({ text: '-0.51', reason: null, defined: true });
    expect(figureDisplay({ value: null, reason: 'the control area had no crimes in the baseline (Cb = 0)' })).toEqual({
      text: 'undefined',
      reason: 'the control area had no crimes in the baseline (Cb = 0)',
      defined: false,
    });
    expect(figureDisplay(null)).toEqual({ text: 'withheld', reason: null, defined: false });
  });

  it('draws hotspot cells as closed hexagons, patrol boxes and outreach sites with their labels', () => {
    const gaps = hotspotFeatures([{ h3: '89195da49afffff', harm: 5 } as never]);
    const ring = gaps.features[0].geometry.coordinates[0] as number[][];
    expect(ring).toHaveLength(7);
    expect(ring[0]).toEqual(ring[6]);
    expect(ring[0][0]).toBeLessThan(1);
    const poly = {
      type: 'Polygon' as const,
      coordinates: [
        [
          [0, 51],
          [0.002, 51],
          [0.002, 51.001],
          [0, 51.001],
          [0, 51],
        ],
      ],
    };
    expect(
      patrolFeatures({ boxes: [{ id: 'P1', rank: 1, harm: 3, polygon: poly }] } as unknown as PatrolPlan).features[0],
    ).toMatchObject({ id: 1, properties: { label: '1', rank: 1 } });
    expect(outreachFeatures([{ order: 2, lon: -0.02, lat: 51.4, name: 'x', gain: 4 } as never]).features[0]).toMatchObject({
      id: 2,
      geometry: { coordinates: [-0.02, 51.4] },
      properties: { label: '2' },
    });
  });

  it('charts baseline and phase per region; withheld and no-data bars are marked, not zero', () => {
    const region = (r: string, b: number | null, p: number | null) => ({
      region: r,
      baseline_count: b,
      phase_count: p,
      baseline_harm: b,
      phase_harm: p,
      baseline_suppressed: b === null,
      phase_suppressed: p === null,
    });
    const ev = {
      phases: [{ phase: 'clear', regions: [region('area', 40, 25), region('buffer', 10, null), region('control', 90, 88)] }],
    } as unknown as ChbEvaluation;
    const { groups, max } = chbChart(ev);
    expect(max).toBe(90);
    expect(groups[0].bars.map((b) => [b.region, b.kind, b.value, b.withheld])).toEqual([
      ['area', 'baseline', 40, false],
      ['area', 'phase', 25, false],
      ['buffer', 'baseline', 10, false],
      ['buffer', 'phase', null, true],
      ['control', 'baseline', 90, false],
      ['control', 'phase', 88, false],
    ]);
    // A window the data do not cover (issue 11): its bars are "no data", neither zero nor withheld.
    const cover = (status: string) => ({
      status,
      missing_months: [],
      reason: status === 'full' ? null : 'no data for burglary 2021-12..2022-02',
    });
    const nd = {
      phases: [
        {
          phase: 'clear',
          coverage: { baseline: cover('none'), phase: cover('full') },
          regions: [{ ...region('area', null, 25), baseline_suppressed: false }, region('buffer', null, null)],
        },
      ],
    } as unknown as ChbEvaluation;
    expect(chbChart(nd).groups[0].bars.map((b) => [b.region, b.kind, b.value, b.withheld, b.noData])).toEqual([
      ['area', 'baseline', null, false, true],
      ['area', 'phase', 25, false, false],
      ['buffer', 'baseline', null, true, false],
      ['buffer', 'phase', null, true, false],
    ]);
    expect([niceMax(0), niceMax(90), niceMax(101), niceMax(2.3), niceMax(1)]).toEqual([1, 100, 200, 2.5, 1]);
    const sq = {
      type: 'Polygon' as const,
      coordinates: [
        [
          [0, 51],
          [1, 51],
          [1, 52],
          [0, 51],
        ],
      ],
    };
    expect(chbFeatures({ area: sq, buffer: sq, control: sq }).features.map((f) => f.properties!.region)).toEqual([
      'buffer',
      'control',
      'area',
    ]);
    expect([cycleWardPick(undefined), cycleWardPick('area'), cycleWardPick('control')]).toEqual(['area', 'control', undefined]);
  });
});

describe('planning URLs', () => {
  it('round-trips the tab and the selected intervention, ignoring bad values', () => {
    for (const v of [
      { tab: 'register' as const, interventionId: null },
      { tab: 'patrol' as const, interventionId: 12 },
      { tab: 'outreach' as const, interventionId: null },
    ])
      expect(parsePlanningView(formatPlanningView(v))).toEqual(v);
    expect(formatPlanningView({ tab: 'register', interventionId: null })).toBe('');
    expect(parsePlanningView('?tab=nope&iv=-3')).toEqual({ tab: 'register', interventionId: null });
    expect([parseChbId('?id=4'), parseChbId('?id=0'), parseChbId('?id=x'), parseChbId('')]).toEqual([4, null, null, null]);
    expect([chbUrl(4), chbUrl(null)]).toEqual(['/chb?id=4', '/chb']);
  });
});
