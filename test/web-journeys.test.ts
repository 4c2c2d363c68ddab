// School-routes page, pure parts: layer specs validate as full styles (style-spec validator), segment
// exposure becomes one value per segment with withheld ones apart, classes and colours, the corridor
// width matches metres at every zoom, guardian points, drawn lines, site icons, notices, the term checks
// and the page's URL round trip.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import {
  validateStyleMin as validate,
  expression,
  featureFilter,
  latest,
  type StyleSpecification,
} from '@maplibre/maplibre-gl-style-spec';
import type { AreaCollection } from '../contract/aggregates';
import { areaLabelPoints } from '../web/src/map/prepare/areas';
import { fallbackStyle } from '../web/src/map/base-style';
import { composeStyle } from '../web/src/map/layers';
import {
  GUARDIAN_LAYER,
  PROPOSAL_LAYER,
  ROUTE_CORRIDOR_LAYER,
  ROUTE_SELECTED_LAYER,
  SEGMENT_LAYER,
  SEGMENT_WITHHELD_LAYER,
  routeLayers,
  routeSources,
  segmentColour,
  type RouteLayerParams,
} from '../web/src/map/layers/routes';
import {
  SCHOOL_LABEL_LAYER,
  SCHOOL_PINNED_LABEL_LAYER,
  SITE_ICON_LAYER,
  SITE_LABEL_LAYER,
  WARD_LABEL_LAYER,
  WARD_LABEL_SOURCE,
  WARD_LINE_LAYER,
  WARD_SOURCE,
  siteLayers,
  siteSources,
  wardLayers,
  wardSources,
  type SiteLayerParams,
} from '../web/src/map/layers/sites';
import {
  EXPOSURE_COLOURS,
  HUB_ICON,
  SCHOOL_ICON,
  ZERO_COLOUR,
  corridorWidth,
  daysLabel,
  drawnLine,
  exposureClasses,
  exposureColours,
  exposureLegend,
  guardianPoints,
  journeyBounds,
  legendLines,
  metresPerPixel,
  nearestSite,
  pinnedSchools,
  segmentCollection,
  siteIcon,
  termProblems,
  unknownTimeNotice,
} from '../web/src/map/prepare/journeys';
import { DEFAULT_JOURNEY_FILTERS, journeyQuery } from '../web/src/api/journeys';
import type { ExposureMeta, SegmentRow, SiteCollection } from '../contract/journeys';
import { formatJourneyView, parseJourneyView } from '../web/src/pages/journeys/journey-url';
import { can, canOpen } from '../web/src/lib/can';
import { capabilitiesOf } from '../contract/capabilities';
import { exposureQuery } from '../contract/journeys';

const seg = (route_id: number, seq: number, over: Partial<SegmentRow> = {}): SegmentRow => ({
  route_id,
  seq,
  length_m: 100,
  start_m: (seq - 1) * 100,
  end_m: seq * 100,
  route_name: `R${route_id}`,
  count: 0,
  unknown_time: 0,
  unknown_age: 0,
  excluded: 0,
  all: 0,
  harm: 0,
  rate_per_100m: 0,
  harm_per_100m: 0,
  ratio: null,
  harm_ratio: null,
  guardian_point: [-0.02 + seq * 0.001, 51.45],
  ...over,
});
const line = (coords: number[][]) => ({ type: 'LineString' as const, coordinates: coords as [number, number][] });
const answer = (rows: SegmentRow[]) => ({
  features: rows.map((p) => ({
    type: 'Feature' as const,
    id: `${p.route_id}:${p.seq}`,
    geometry: line([
      [p.seq, 0],
      [p.seq + 1, 0],
    ]),
    properties: p,
  })),
});

const META: ExposureMeta = {
  from: '2016-01-01',
  to: '2018-07-01',
  categories: ['robbery'],
  corridor_m: 50,
  windows: '07:30-09:30,14:30-18:30',
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  term_only: true,
  terms_in_window: 0,
  age_max: 17,
  weights: {
    name: 'count',
    label: 'Count',
    version: '1',
    source: '',
    derived: null,
    weighs: 'categories',
    mix: null,
    categories_without_weight: {},
  },
  rank_by: 'count',
  window_hours: 0,
  rules: {},
  warnings: [],
};

function params(over: Partial<RouteLayerParams> = {}): RouteLayerParams {
  const classes = exposureClasses([1, 2, 3, 5, 8, 13], 'count');
  return {
    classes,
    colours: exposureColours(classes),
    corridorWidth: corridorWidth(50, 51.45),
    selectedRouteId: 3,
    showGuardians: true,
    showProposals: true,
    dimmed: false,
    ...over,
  };
}

function style(
  p: RouteLayerParams,
  sites: SiteLayerParams = { showSchools: true, showHubs: true, showLabels: true, pinnedSchoolIds: [3] },
  wards = { showWards: true, showWardLabels: true },
  data: Parameters<typeof wardSources>[0] = {},
): StyleSpecification {
  return composeStyle(fallbackStyle(), { ...routeSources(), ...siteSources(), ...wardSources(data) }, [
    ...wardLayers(wards),
    ...routeLayers(p),
    ...siteLayers(sites),
  ]);
}

const LEWISHAM_WARDS = path.join('/work/shared/data', 'lewisham_wards_2022.geojson');
/** The shared Lewisham ward file as GET /api/areas?level=ward gives it (code and name). */
function lewishamWards(): AreaCollection {
  const raw = JSON.parse(fs.readFileSync(LEWISHAM_WARDS, 'utf8'));
  return {
    type: 'FeatureCollection',
    features: raw.features.map((f: any) => ({
      type: 'Feature',
      properties: { code: f.properties.WD22CD, name: f.properties.WD22NM },
      geometry: f.geometry,
    })),
  } as AreaCollection;
}

describe('route and site layer specs', () => {
  const cases: [string, RouteLayerParams][] = [
    ['classes, a selected route', params()],
    ['no classes yet (nothing counted), nothing selected', params({ classes: null, colours: [], selectedRouteId: null })],
    ['drawing: dimmed, guardians and proposals hidden', params({ dimmed: true, showGuardians: false, showProposals: false })],
    [
      'a single class',
      params({ classes: exposureClasses([4, 4], 'count'), colours: exposureColours(exposureClasses([4, 4], 'count')) }),
    ],
    [
      'harm values (decimals)',
      params({
        classes: exposureClasses([0.5, 1.25, 7.5, 30], 'harm'),
        colours: exposureColours(exposureClasses([0.5, 1.25, 7.5, 30], 'harm')),
      }),
    ],
  ];
  it.each(cases)('validates as a full style: %s', (_n, p) => {
    expect(validate(style(p))).toEqual([]);
  });

  it('validates with sites filtered (schools only, none, no labels, nothing pinned) and wards hidden', () => {
    for (const s of [
      { showSchools: true, showHubs: false, showLabels: true },
      { showSchools: false, showHubs: false, showLabels: false },
      { showSchools: true, showHubs: true, showLabels: true, pinnedSchoolIds: [] },
    ]) {
      expect(validate(style(params(), s))).toEqual([]);
    }
    expect(validate(style(params(), undefined, { showWards: false, showWardLabels: false }))).toEqual([]);
  });

  it.skipIf(!fs.existsSync(LEWISHAM_WARDS))(
    'the real Lewisham wards: outlines and one name label each, the ward sources and layers in a valid style',
    () => {
      const wards = lewishamWards();
      const labels = areaLabelPoints(wards);
      const s = style(params(), undefined, undefined, { wards, labels });
      expect(validate(s)).toEqual([]);
      expect(Object.keys(s.sources)).toEqual(expect.arrayContaining([WARD_SOURCE, WARD_LABEL_SOURCE]));
      const ids = s.layers.map((l) => l.id);
      expect(ids).toEqual(
        expect.arrayContaining([WARD_LINE_LAYER, WARD_LABEL_LAYER, SCHOOL_LABEL_LAYER, SCHOOL_PINNED_LABEL_LAYER]),
      );
      expect(labels.features.length).toBe(wards.features.length);
      expect(labels.features.map((f) => f.properties.name).sort()).toEqual(wards.features.map((f) => f.properties.name).sort());
      expect(labels.features.map((f) => f.properties.name)).toContain('Bellingham');
      const label = s.layers.find((l) => l.id === WARD_LABEL_LAYER) as any;
      expect(label.type).toBe('symbol');
      expect(label.source).toBe(WARD_LABEL_SOURCE);
      expect(label.layout['text-font']).toEqual(['Noto Sans Regular']);
      expect(label.layout['text-field']).toEqual(['get', 'name']);
    },
  );

  it('draws the ward outlines and names under the routes, school names on top; pinned schools always labelled', () => {
    const sites = siteLayers({ showSchools: true, showHubs: true, showLabels: true, pinnedSchoolIds: [7, 9] });
    const ids = [...wardLayers({ showWards: true, showWardLabels: true }), ...routeLayers(params()), ...sites].map((l) => l.id);
    expect(ids.indexOf(WARD_LINE_LAYER)).toBe(0);
    expect(ids.indexOf(WARD_LABEL_LAYER)).toBeLessThan(ids.indexOf(ROUTE_CORRIDOR_LAYER));
    expect(ids.indexOf(SCHOOL_LABEL_LAYER)).toBeGreaterThan(ids.indexOf(GUARDIAN_LAYER));
    const layer = (id: string) => sites.find((l) => l.id === id) as any;
    const passes = (id: string, properties: Record<string, unknown>) =>
      featureFilter(layer(id).filter, 'filter').filter({ zoom: 13 }, { type: 1, properties } as any);
    const school = (id: number) => ({ id, kind: 'school', name: `School ${id}` });
    // A pinned school is labelled by the pinned layer only (no doubled name); others by the colliding layer; hubs by neither.
    expect([passes(SCHOOL_LABEL_LAYER, school(7)), passes(SCHOOL_PINNED_LABEL_LAYER, school(7))]).toEqual([false, true]);
    expect([passes(SCHOOL_LABEL_LAYER, school(8)), passes(SCHOOL_PINNED_LABEL_LAYER, school(8))]).toEqual([true, false]);
    const hub = { id: 9, kind: 'hub', name: 'Lewisham' };
    expect([passes(SCHOOL_LABEL_LAYER, hub), passes(SCHOOL_PINNED_LABEL_LAYER, hub), passes(SITE_LABEL_LAYER, hub)]).toEqual([
      false,
      false,
      true,
    ]);
    // Colliding labels may hide (optional, no overlap); pinned ones always draw, at every zoom.
    expect(layer(SCHOOL_LABEL_LAYER).layout['text-allow-overlap']).toBeUndefined();
    expect(layer(SCHOOL_LABEL_LAYER).layout['text-optional']).toBe(true);
    expect(layer(SCHOOL_PINNED_LABEL_LAYER).layout['text-allow-overlap']).toBe(true);
    expect(layer(SCHOOL_PINNED_LABEL_LAYER).minzoom).toBeUndefined();
    expect(layer(SCHOOL_LABEL_LAYER).paint['text-halo-width']).toBeGreaterThan(0);
  });

  it("pins the selected route's school and the worst-ranked schools with something counted", () => {
    const ranked = [
      { school_id: 4, count: 9, all: 20 },
      { school_id: 2, count: 3, all: 30 },
      { school_id: 6, count: 1, all: 5 },
      { school_id: 5, count: 1, all: 1 },
      { school_id: 1, count: 0, all: 2 },
    ];
    expect(pinnedSchools(ranked, 'count', null)).toEqual([4, 2, 6]);
    expect(pinnedSchools(ranked, 'count', 1)).toEqual([1, 4, 2, 6]);
    expect(pinnedSchools(ranked, 'count', 2)).toEqual([4, 2, 6]);
    expect(pinnedSchools(ranked.slice(4), 'count', null)).toEqual([]);
    expect(pinnedSchools([{ school_id: 3, count: null }], 'count', null)).toEqual([]);
    expect(pinnedSchools(ranked, null, null)).toEqual([]);
  });

  it('draws corridor under routes, segments over them, and sites on top of the site layer list', () => {
    const ids = routeLayers(params()).map((l) => l.id);
    expect(ids.indexOf(ROUTE_CORRIDOR_LAYER)).toBe(0);
    expect(ids.indexOf(SEGMENT_LAYER)).toBeLessThan(ids.indexOf(ROUTE_SELECTED_LAYER));
    expect(ids.indexOf(GUARDIAN_LAYER)).toBeGreaterThan(ids.indexOf(PROPOSAL_LAYER));
    expect(siteLayers({ showSchools: true, showHubs: true, showLabels: true }).map((l) => l.id)).toEqual([
      SITE_ICON_LAYER,
      SITE_LABEL_LAYER,
      SCHOOL_LABEL_LAYER,
      SCHOOL_PINNED_LABEL_LAYER,
    ]);
  });

  it('colours segments: 0 grey, positive values by class; withheld in their own dashed layer', () => {
    const p = params();
    const colour = expression.createExpression(
      segmentColour(p),
      'layers[0].paint.line-color',
      latest.paint_line['line-color'] as any,
    );
    expect(colour.result).toBe('success');
    const at = (value: number) =>
      (colour as any).value.evaluate({ zoom: 14 }, { properties: { value }, type: 'LineString' }).toString();
    const hex = (h: string) => {
      const n = parseInt(h.slice(1), 16);
      return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},1)`;
    };
    expect(at(0)).toBe(hex(ZERO_COLOUR));
    expect(at(1)).toBe(hex(p.colours[0]));
    expect(at(13)).toBe(hex(p.colours[p.colours.length - 1]));
    const withheld = routeLayers(p).find((l) => l.id === SEGMENT_WITHHELD_LAYER)!;
    expect((withheld as any).filter).toEqual(['get', 'withheld']);
    expect((withheld as any).paint['line-dasharray']).toEqual([1, 1]);
  });
});

describe('segment exposure for the map', () => {
  it('takes the ranking measure as the value, withheld (null) apart, with unique ids', () => {
    const fc = segmentCollection(
      [
        answer([seg(1, 1, { count: 3, all: 9 }), seg(1, 2, { count: null, suppressed: true })]),
        answer([seg(2, 1, { count: 0, all: 4 })]),
      ],
      'count',
    );
    expect(fc.features.map((f) => [f.id, f.properties.value, f.properties.withheld])).toEqual([
      [100001, 3, false],
      [100002, null, true],
      [200001, 0, false],
    ]);
    expect(segmentCollection([answer([seg(1, 1, { count: 3, all: 9 })])], 'all').features[0].properties.value).toBe(9);
  });

  it('classes only positive values (0 has its own colour) and spreads the colour-blind-safe palette', () => {
    expect(exposureClasses([0, 0, null], 'count')).toBeNull();
    const c = exposureClasses([0, 1, 1, 2, 6, 7, 20], 'count')!;
    expect(c.min).toBe(1);
    expect(c.max).toBe(20);
    const colours = exposureColours(c);
    expect(colours.length).toBe(c.thresholds.length + 1);
    for (const col of colours) expect(EXPOSURE_COLOURS).toContain(col);
    const legend = exposureLegend(c, colours);
    expect(legend[0]).toEqual({ colour: ZERO_COLOUR, label: '0' });
    expect(legend[legend.length - 1].label).toMatch(/20$/);
    expect(exposureLegend(null, [])).toEqual([{ colour: ZERO_COLOUR, label: '0' }]);
  });

  it('numbers guardian points as the worst list and keeps their coordinates', () => {
    const fc = guardianPoints([seg(4, 7), seg(2, 1)]);
    expect(fc.features.map((f) => [f.properties.rank, f.properties.route_id, f.properties.seq, f.geometry.coordinates])).toEqual([
      [1, 4, 7, seg(4, 7).guardian_point],
      [2, 2, 1, seg(2, 1).guardian_point],
    ]);
  });
});

describe('corridor width', () => {
  it('is twice the corridor in pixels at both stops and exact in between (exponential base 2)', () => {
    const e = corridorWidth(50, 51.45) as any[];
    expect(e.slice(0, 3)).toEqual(['interpolate', ['exponential', 2], ['zoom']]);
    const [, , , z0, w0, z1, w1] = e;
    expect(w0).toBeCloseTo(100 / metresPerPixel(z0, 51.45), 2);
    expect(w1).toBeCloseTo(100 / metresPerPixel(z1, 51.45), 0);
    // Zoom 16 in Lewisham: ~0.744 m per pixel (Web Mercator, 512-pixel tiles), so 100 m is ~134 px.
    expect(metresPerPixel(16, 51.45)).toBeCloseTo(0.7443, 3);
    const compiled = expression.createExpression(e, 'layers[0].paint.line-width', latest.paint_line['line-width'] as any);
    expect(compiled.result).toBe('success');
    const at16 = (compiled as any).value.evaluate({ zoom: 16 });
    expect(at16).toBeCloseTo(100 / metresPerPixel(16, 51.45), 1);
  });
});

describe('drawing, sites and words', () => {
  it('cleans a drawn line: 7 decimals, repeated vertices dropped, < 2 vertices refused', () => {
    expect(
      drawnLine({
        type: 'LineString',
        coordinates: [
          [-0.012345678, 51.4512345678],
          [-0.012345678, 51.4512345678],
          [-0.01, 51.46],
        ],
      }),
    ).toEqual(
      line([
        [-0.0123457, 51.4512346],
        [-0.01, 51.46],
      ]),
    );
    expect(
      drawnLine({
        type: 'LineString',
        coordinates: [
          [0, 51],
          [0, 51],
        ],
      }),
    ).toBeNull();
    expect(drawnLine({ type: 'Polygon', coordinates: [] })).toBeNull();
    expect(drawnLine(null)).toBeNull();
  });

  const sites: SiteCollection = {
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        id: 1,
        geometry: { type: 'Point', coordinates: [-0.02, 51.45] },
        properties: { id: 1, kind: 'school', source_id: '100', name: 'A', attributes: null },
      },
      {
        type: 'Feature',
        id: 2,
        geometry: { type: 'Point', coordinates: [-0.01, 51.45] },
        properties: { id: 2, kind: 'hub', source_id: 'X', name: 'H', attributes: null },
      },
      {
        type: 'Feature',
        id: 3,
        geometry: { type: 'Point', coordinates: [-0.03, 51.45] },
        properties: { id: 3, kind: 'school', source_id: '101', name: 'B', attributes: null },
      },
    ],
  };
  it('suggests the nearest school/hub within 400 m of a line end', () => {
    expect(nearestSite(sites, [-0.0205, 51.4501], 'school')).toBe(1);
    expect(nearestSite(sites, [-0.0205, 51.4501], 'hub')).toBeNull(); // ~660 m away
    expect(nearestSite(sites, [-0.011, 51.45], 'hub')).toBe(2);
    expect(journeyBounds({ type: 'FeatureCollection', features: [] }, sites)).toEqual([-0.03, 51.45, -0.01, 51.45]);
  });

  it('draws site icons: a triangle (school) and a square with a bar (hub), transparent corners', () => {
    const s = siteIcon(SCHOOL_ICON, 1);
    const h = siteIcon(HUB_ICON, 1);
    expect(s.width).toBe(18);
    expect(s.data.length).toBe(18 * 18 * 4);
    const alpha = (ic: typeof s, x: number, y: number) => ic.data[(y * ic.width + x) * 4 + 3];
    const rgb = (ic: typeof s, x: number, y: number) => [...ic.data.slice((y * ic.width + x) * 4, (y * ic.width + x) * 4 + 3)];
    expect(alpha(s, 1, 1)).toBe(0); // top-left corner outside the triangle
    expect(alpha(s, 9, 12)).toBe(255);
    expect(rgb(s, 9, 12)).toEqual([33, 102, 172]);
    expect(alpha(h, 0, 0)).toBe(0);
    expect(rgb(h, 9, 9)).toEqual([255, 255, 255]); // the bar
    expect(rgb(h, 9, 5)).toEqual([27, 120, 55]);
  });

  it('states the measure, categories, windows and corridor for the legend', () => {
    const lines = legendLines(META, (s) => (s === 'robbery' ? 'Robbery' : s));
    const by = Object.fromEntries(lines.map((l) => [l.label, l.value]));
    expect(by.Measure).toBe('incidents in school-journey time, per segment');
    expect(by.Categories).toBe('Robbery');
    expect(by.Windows).toBe('07:30–09:30, 14:30–18:30 · Mon–Fri · term time only');
    expect(by.Corridor).toBe('50 m either side of the route');
    expect(daysLabel(['sat', 'mon', 'wed'])).toBe('Mon, Wed, Sat');
  });

  it('tells about unknown times (police.uk) and offers rank_by=all, not to partners', () => {
    const totals = { count: 0, unknown_time: 41, unknown_age: 0, excluded: 0, all: 41, harm: 0 };
    expect(unknownTimeNotice({ totals, meta: META })).toEqual({ unknownTime: 41, nothingCounted: true, offerAll: true });
    expect(unknownTimeNotice({ totals, meta: { ...META, rank_by: 'all' } })?.offerAll).toBe(false);
    expect(
      unknownTimeNotice({ totals: { ...totals, unknown_time: null }, meta: META, disclosure: { min_count: 5, rule: '' } }),
    ).toEqual({ unknownTime: null, nothingCounted: true, offerAll: false });
    expect(unknownTimeNotice({ totals: { ...totals, unknown_time: 0 }, meta: META })).toBeNull();
  });

  it('finds term-calendar problems the server would refuse', () => {
    expect(termProblems([{ name: 'A', starts_on: '2024-01-08', ends_on: '2024-02-09' }])).toEqual([]);
    expect(termProblems([{ name: 'A', starts_on: '2024-02-09', ends_on: '2024-01-08' }])).toEqual(['A: ends before it starts']);
    expect(termProblems([{ name: '', starts_on: '', ends_on: '2024-01-08' }])).toEqual(['term 1: give both dates']);
    expect(
      termProblems([
        { name: 'B', starts_on: '2024-02-01', ends_on: '2024-03-01' },
        { name: 'A', starts_on: '2024-01-08', ends_on: '2024-02-01' },
      ]),
    ).toEqual(['B overlaps A']);
  });
});

describe('the page URL and roles', () => {
  it('round-trips filters, the selected route and the camera; defaults give an empty query', () => {
    expect(formatJourneyView({ filters: DEFAULT_JOURNEY_FILTERS, routeId: null, camera: null })).toBe('');
    const v = {
      filters: {
        ...DEFAULT_JOURNEY_FILTERS,
        from: '2017-01',
        to: '2018-01',
        categories: ['robbery', 'theft-from-the-person'],
        windows: '08:00-09:00',
        days: 'mon,wed',
        termOnly: false,
        ageMax: null,
        corridor: 75,
        weights: 'ons-css',
        rankBy: 'all' as const,
        top: 20,
      },
      routeId: 12,
      camera: { zoom: 15, lat: 51.45, lng: -0.02 },
    };
    const s = formatJourneyView(v);
    expect(s).toBe(
      '?from=2017-01&to=2018-01&cat=robbery,theft-from-the-person&windows=08:00-09:00&days=mon,wed&term=all&age=none&corridor=75&weights=ons-css&rank=all&top=20&route=12&at=15.00/51.45000/-0.02000',
    );
    expect(parseJourneyView(s)).toEqual(v);
  });

  it('ignores bad values', () => {
    const v = parseJourneyView('?from=2017-13&corridor=9999&rank=worst&age=old&route=-1&windows=<script>&cat=a;b');
    expect(v).toEqual({ filters: DEFAULT_JOURNEY_FILTERS, routeId: null, camera: null });
  });

  it('sends every filter to the API (and the export body) as the query strings the server parses', () => {
    expect(journeyQuery(DEFAULT_JOURNEY_FILTERS)).toEqual({
      windows: '07:30-09:30,14:30-18:30',
      days: 'mon-fri',
      term_only: 'true',
      age_max: '17',
      corridor_m: '50',
      weights: 'count',
      rank_by: 'count',
      top: '10',
    });
  });

  it("passes the server's own query schema (api/journeys/params.ts) for defaults and a changed view", () => {
    const changed = parseJourneyView(
      '?from=2017-01&to=2018-01&cat=robbery&windows=08:00-09:00&days=mon,wed&term=all&age=none&corridor=75&rank=all&top=20',
    ).filters;
    for (const f of [DEFAULT_JOURNEY_FILTERS, changed]) {
      const r = exposureQuery.safeParse(journeyQuery(f));
      expect(r.error?.issues ?? []).toEqual([]);
    }
    expect(exposureQuery.parse(journeyQuery(changed))).toMatchObject({
      term_only: false,
      age_max: null,
      corridor_m: 75,
      rank_by: 'all',
      top: 20,
    });
  });

  it('opens the page for every role; only analysts and officers edit routes', () => {
    for (const role of ['admin', 'analyst', 'officer', 'partner'] as const)
      expect(canOpen({ capabilities: capabilitiesOf(role) }, 'journeys')).toBe(true);
    expect(
      (['admin', 'analyst', 'officer', 'partner'] as const).filter((role) =>
        can({ capabilities: capabilitiesOf(role) }, 'journeys.write'),
      ),
    ).toEqual(['analyst', 'officer']);
  });
});
