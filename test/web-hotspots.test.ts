// Hotspot map layers and data preparation (issue 4, web): the Gi*, emerging and change layer specs are
// valid MapLibre styles in every mode (checked by the style-spec validator) and colour units as the
// legend says (expressions evaluated on features); API rows become the expected GeoJSON; the fixed
// playback scale, change classes, legend statements, period labels, chart geometry and the hotspot URL
// keys (round trip through the map page's URL).
import { describe, expect, it } from 'vitest';
import {
  expression,
  featureFilter,
  latest,
  validateStyleMin as validate,
  type StyleSpecification,
} from '@maplibre/maplibre-gl-style-spec';
import { fallbackStyle } from '../web/src/map/base-style';
import {
  CHANGE_COLOURS,
  CHANGE_FILL_LAYER,
  EMERGING_COLOURS,
  EMERGING_FILL_LAYER,
  HOT_COLD_COLOURS,
  HOTSPOT_FILL_LAYER,
  HOTSPOT_LINE_LAYER,
  HOTSPOT_PARTIAL_LINE_LAYER,
  HOTSPOT_SELECTED_LAYER,
  HOTSPOT_SOURCE,
  composeStyle,
  hotspotSources,
  overlayLayers,
  overlaySources,
  type HotspotLayerParams,
  type OverlayParams,
} from '../web/src/map/layers';
import {
  areaGeometries,
  changeClass,
  changeFeatures,
  emergingFeatures,
  heatCells,
  hotspotFeatures,
  methodStatement,
  monthlyBars,
  partialCount,
  periodLabel,
  playbackScale,
  tally,
  unitBbox,
} from '../web/src/map/prepare/hotspots';
import type { ChangeRow, EmergingRow, HotspotRow } from '../contract/hotspots';
import type { AreaCollection } from '../contract/aggregates';
import { formatView, parseView } from '../web/src/state/url-state';
import { DEFAULT_HOTSPOT_VIEW, parseHotspotView, writeHotspotView } from '../web/src/pages/map/hotspots/hotspot-url';
import { periodsForPrecision } from '../geodata/stats/periods';
import { changeLists, giClassText, openList, patternGroups, SIDE_LISTS, signed } from '../web/src/pages/map/hotspots/side-lists';

const CELL_A = '89194ad0577ffff';
const CELL_B = '89194ad0573ffff';

function overlay(h: HotspotLayerParams | undefined): OverlayParams {
  return {
    areas: {
      metric: 'count',
      classes: null,
      colours: [],
      showFill: false,
      showOutlines: true,
      showLabels: true,
      dimmed: false,
      selectedCode: null,
    },
    hexes: { visible: false, classes: null, colours: [], selectedH3: null },
    incidents: { visible: false },
    hotspots: h,
  };
}
const hp = (over: Partial<HotspotLayerParams> = {}): HotspotLayerParams => ({
  mode: 'gi',
  step: null,
  zScale: null,
  vs: 'previous',
  selectedId: null,
  ...over,
});
const style = (p: OverlayParams): StyleSpecification =>
  composeStyle(fallbackStyle(), { ...overlaySources(), ...hotspotSources() }, overlayLayers(p));
const layer = (p: HotspotLayerParams, id: string) => overlayLayers(overlay(p)).find((l) => l.id === id) as any;

/** Evaluates a layer's fill-color for a feature's properties, as a CSS hex colour. */
function fillOf(p: HotspotLayerParams, id: string, properties: Record<string, unknown>): string {
  const spec = layer(p, id).paint['fill-color'];
  const e = (expression.createExpression as any)(spec, 'fill-color', latest.paint_fill['fill-color']);
  if (e.result !== 'success') throw new Error(JSON.stringify(e.value));
  const c = e.value.evaluate({ zoom: 12 }, { type: 'Polygon', properties } as any) as { r: number; g: number; b: number };
  const hex = (v: number) =>
    Math.round(v * 255)
      .toString(16)
      .padStart(2, '0');
  return `#${hex(c.r)}${hex(c.g)}${hex(c.b)}`;
}

describe('hotspot layer specs', () => {
  const cases: [string, HotspotLayerParams | undefined][] = [
    ['no hotspot params (other pages)', undefined],
    ['count/rate maps (mode null)', hp({ mode: null })],
    ['Gi* with a selection', hp({ selectedId: CELL_A })],
    ['emerging pattern', hp({ mode: 'emerging' })],
    ['emerging playback, fixed z scale', hp({ mode: 'emerging', step: 3, zScale: [-4.2, 4.2] })],
    ['emerging playback, partner classes', hp({ mode: 'emerging', step: 0 })],
    ['change vs previous', hp({ mode: 'change' })],
    ['change vs a year ago', hp({ mode: 'change', vs: 'year_ago' })],
  ];
  it.each(cases)('validates as a full style: %s', (_n, p) => {
    expect(validate(style(overlay(p)))).toEqual([]);
  });

  it('the validator catches a broken hotspot layer (the check is live)', () => {
    const s = style(overlay(hp()));
    (s.layers.find((l) => l.id === HOTSPOT_FILL_LAYER) as any).paint['fill-color'] = ['match', ['get', 'class']];
    expect(validate(s).length).toBeGreaterThan(0);
  });

  it('shows exactly the fill of the mode, drawn between hexagons and area outlines', () => {
    const ids = overlayLayers(overlay(hp({ mode: 'emerging' }))).map((l) => l.id);
    expect(ids.indexOf(HOTSPOT_FILL_LAYER)).toBeGreaterThan(ids.indexOf('sp-hex-selected'));
    expect(ids.indexOf(HOTSPOT_SELECTED_LAYER)).toBeLessThan(ids.indexOf('sp-area-outline'));
    for (const [mode, id] of [
      ['gi', HOTSPOT_FILL_LAYER],
      ['emerging', EMERGING_FILL_LAYER],
      ['change', CHANGE_FILL_LAYER],
    ] as const) {
      const shown = overlayLayers(overlay(hp({ mode }))).filter(
        (l) => l.id.endsWith('-fill') && (l as any).source === HOTSPOT_SOURCE && l.layout?.visibility === 'visible',
      );
      expect(shown.map((l) => l.id)).toEqual([id]);
    }
    expect(overlayLayers(overlay(undefined)).some((l) => (l as any).source === HOTSPOT_SOURCE)).toBe(false);
  });

  it('outlines partial cells (cut by the study area boundary) dashed, every other unit with the thin line, in every mode', () => {
    for (const mode of ['gi', 'emerging', 'change'] as const) {
      const [plain, partial] = [layer(hp({ mode }), HOTSPOT_LINE_LAYER), layer(hp({ mode }), HOTSPOT_PARTIAL_LINE_LAYER)];
      expect([plain.layout.visibility, partial.layout.visibility]).toEqual(['visible', 'visible']);
      const drawn = (l: any, properties: Record<string, unknown>) =>
        featureFilter(l.filter, 'layers[0].filter').filter({ zoom: 12 }, { type: 3, properties } as any);
      for (const props of [{ h3: CELL_A, partial: true }, { h3: CELL_A, partial: false }, { code: 'E05013714' }]) {
        expect([drawn(plain, props), drawn(partial, props)]).toEqual(props.partial ? [false, true] : [true, false]);
      }
      expect(partial.paint['line-dasharray']).toBeDefined();
      expect(plain.paint['line-dasharray']).toBeUndefined();
    }
    expect(layer(hp({ mode: null }), HOTSPOT_PARTIAL_LINE_LAYER).layout.visibility).toBe('none');
  });

  it('colours Gi* units by class (RdBu), emerging by pattern, change by direction and significance', () => {
    expect(fillOf(hp(), HOTSPOT_FILL_LAYER, { class: 'hot_99' })).toBe(HOT_COLD_COLOURS.hot_99);
    expect(fillOf(hp(), HOTSPOT_FILL_LAYER, { class: 'cold_95' })).toBe(HOT_COLD_COLOURS.cold_95);
    expect(fillOf(hp(), HOTSPOT_FILL_LAYER, { class: 'not_significant' })).toBe(HOT_COLD_COLOURS.not_significant);
    expect(fillOf(hp({ mode: 'emerging' }), EMERGING_FILL_LAYER, { pattern: 'intensifying_hot' })).toBe(
      EMERGING_COLOURS.intensifying_hot,
    );
    expect(fillOf(hp({ mode: 'change' }), CHANGE_FILL_LAYER, { vs_prev: 'up_sig', vs_year: 'down' })).toBe(CHANGE_COLOURS.up_sig);
    expect(fillOf(hp({ mode: 'change', vs: 'year_ago' }), CHANGE_FILL_LAYER, { vs_prev: 'up_sig', vs_year: 'down' })).toBe(
      CHANGE_COLOURS.down,
    );
    expect(fillOf(hp({ mode: 'change' }), CHANGE_FILL_LAYER, { vs_prev: 'withheld' })).toBe(CHANGE_COLOURS.withheld);
  });

  it('playback: a z keeps its colour in every period (fixed scale); partners by the period class', () => {
    const scale: [number, number] = [-5, 5];
    const props = { z0: 5, z1: 2.5, z4: 5, c0: 'hot_99', c4: 'cold_90' };
    const at = (step: number, p: Record<string, unknown> = props) =>
      fillOf(hp({ mode: 'emerging', step, zScale: scale }), EMERGING_FILL_LAYER, p);
    expect(at(0)).toBe(HOT_COLD_COLOURS.hot_99); // +max -> the darkest red
    expect(at(4)).toBe(at(0)); // same z in another period: same colour
    expect(at(1)).not.toBe(at(0));
    expect(at(2, {})).toBe('#f7f7f7'); // no z (undefined unit) -> neutral
    expect(layer(hp({ mode: 'emerging', step: 4, zScale: scale }), EMERGING_FILL_LAYER).paint['fill-color']).toContainEqual([
      'to-number',
      ['get', 'z4'],
      0,
    ]);
    const partner = (step: number) => fillOf(hp({ mode: 'emerging', step }), EMERGING_FILL_LAYER, props);
    expect(partner(0)).toBe(HOT_COLD_COLOURS.hot_99);
    expect(partner(4)).toBe(HOT_COLD_COLOURS.cold_90);
  });
});

const AREAS: AreaCollection = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      id: 1,
      properties: { code: 'E05013714', name: 'Bellingham', population: null, population_source: null },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [-0.03, 51.43],
            [-0.01, 51.43],
            [-0.01, 51.44],
            [-0.03, 51.43],
          ],
        ],
      },
    },
  ],
};

describe('preparing hotspot rows', () => {
  const giRows: HotspotRow[] = [
    { h3: CELL_A, partial: true, count: 12, value: 12, gi_z: 3.1, p: 0.002, p_adjusted: 0.01, class: 'hot_95' },
    { h3: CELL_B, count: null, value: null, gi_z: null, p: null, p_adjusted: null, class: 'not_significant', suppressed: true },
    { h3: 'not-a-cell', count: 1, value: 1, gi_z: 0, p: 1, p_adjusted: 1, class: 'not_significant' },
  ];

  it('Gi* cells: hexagon polygons (closed, GeoJSON order) with class, counts, z when given; partners withheld without z', () => {
    const fc = hotspotFeatures(giRows, areaGeometries(null));
    expect(fc.features).toHaveLength(2); // the invalid id is skipped
    const [a, b] = fc.features;
    expect(a.properties).toEqual({
      id: CELL_A,
      h3: CELL_A,
      partial: true,
      class: 'hot_95',
      count: 12,
      value: 12,
      gi_z: 3.1,
      suppressed: false,
    });
    const ring = (a.geometry as any).coordinates[0];
    expect(ring).toHaveLength(7);
    expect(ring[0]).toEqual(ring[6]);
    expect(ring[0][0]).toBeLessThan(0); // longitude first (Lewisham)
    expect(b.properties).toEqual({
      id: CELL_B,
      h3: CELL_B,
      partial: false,
      class: 'not_significant',
      count: null,
      value: null,
      suppressed: true,
    });
    expect(partialCount(giRows)).toBe(1);
  });

  it('areas take their polygons from the boundaries by code; unknown codes are left out', () => {
    const fc = hotspotFeatures(
      [
        {
          code: 'E05013714',
          name: 'Bellingham',
          count: 40,
          value: 40,
          gi_z: -2,
          p: 0.04,
          p_adjusted: 0.2,
          class: 'not_significant',
        },
        { code: 'E0XXXXXXX', name: 'Nowhere', count: 1, value: 1, gi_z: 0, p: 1, p_adjusted: 1, class: 'not_significant' },
      ],
      areaGeometries(AREAS),
    );
    expect(fc.features.map((f) => f.properties!.id)).toEqual(['E05013714']);
    expect(fc.features[0].geometry).toBe(AREAS.features[0].geometry);
    expect(unitBbox({ code: 'E05013714' }, areaGeometries(AREAS))).toEqual([-0.03, 51.43, -0.01, 51.44]);
  });

  it('emerging: pattern plus c{i} and z{i} per period (no z for partners)', () => {
    const row: EmergingRow = {
      h3: CELL_A,
      pattern: 'new_hot',
      trend: { z: 1, p: 0.3, tau: 0.2, s: 3 },
      hot_share: 0.25,
      cold_share: 0,
      final: { gi_z: 3, class: 'hot_99' },
      z: [0.1, -0.5, Number.NaN, 3],
      class: ['not_significant', 'not_significant', 'not_significant', 'hot_99'],
    };
    const [f] = emergingFeatures([row], new Map()).features;
    expect(f.properties).toMatchObject({
      pattern: 'new_hot',
      final_class: 'hot_99',
      c0: 'not_significant',
      c3: 'hot_99',
      z0: 0.1,
      z1: -0.5,
      z3: 3,
    });
    expect(f.properties).not.toHaveProperty('z2');
    const [p] = emergingFeatures([{ ...row, z: null }], new Map()).features;
    expect(Object.keys(p.properties!).filter((k) => /^z\d/.test(k))).toEqual([]);
    expect(p.properties!.c3).toBe('hot_99');
  });

  it('change classes: direction and C-test significance; withheld counts are withheld, not "no change"', () => {
    expect(changeClass({ p: 0.001, rate_ratio: 2, direction: 'up' }, false)).toBe('up_sig');
    expect(changeClass({ p: 0.2, rate_ratio: 1.2, direction: 'up' }, false)).toBe('up');
    expect(changeClass({ p: 0.049, rate_ratio: 0.5, direction: 'down' }, false)).toBe('down_sig');
    expect(changeClass({ p: 1, rate_ratio: 1, direction: 'none' }, false)).toBe('none');
    expect(changeClass(null, true)).toBe('withheld');
    const rows: ChangeRow[] = [
      {
        h3: CELL_A,
        current: 10,
        previous: 2,
        year_ago: 9,
        change: 8,
        change_year: 1,
        value: 10,
        value_previous: 2,
        value_year_ago: 9,
        vs_previous: { p: 0.03, rate_ratio: 5, direction: 'up' },
        vs_year_ago: { p: 0.8, rate_ratio: 1.1, direction: 'up' },
      },
      {
        h3: CELL_B,
        current: null,
        previous: 7,
        year_ago: null,
        change: null,
        change_year: null,
        value: null,
        value_previous: 7,
        value_year_ago: null,
        vs_previous: null,
        vs_year_ago: null,
        suppressed: { current: true, previous: false, year_ago: true },
      },
    ];
    const fc = changeFeatures(rows, new Map());
    expect(fc.features.map((f) => [f.properties!.vs_prev, f.properties!.vs_year])).toEqual([
      ['up_sig', 'up'],
      ['withheld', 'withheld'],
    ]);
    expect(tally(fc.features.map((f) => f.properties!.vs_prev))).toEqual({ up_sig: 1, withheld: 1 });
  });

  it('the playback scale is symmetric about 0 over the whole series; none without z (partners)', () => {
    expect(playbackScale([-1.5, 4.25])).toEqual([-4.25, 4.25]);
    expect(playbackScale([-6, 2])).toEqual([-6, 6]);
    expect(playbackScale(null)).toBeNull();
    expect(playbackScale([0, 0])).toBeNull();
  });

  it('the method statement names method, neighbourhood, correction and harm scheme', () => {
    const lines = methodStatement({
      method: 'Getis-Ord Gi*',
      neighbourhood: { type: 'k-ring', k: 2, weights: 'binary', self: true },
      correction: 'fdr',
      scheme: { name: 'ons-css', label: 'ONS Crime Severity Score', version: '2024', source: 'ONS' },
    });
    expect(lines).toEqual([
      'Method: Getis-Ord Gi*',
      'Neighbourhood: k-ring k = 2, binary weights, self included',
      'Correction: false discovery rate (Benjamini–Hochberg)',
      'Harm scheme: ONS Crime Severity Score (ons-css 2024)',
    ]);
    const study = "H3 res 8 cells overlapping a ward polygon (78); 49 cut by the boundary of the wards' union are marked partial";
    expect(
      methodStatement({
        method: 'Getis-Ord Gi*',
        neighbourhood: { type: 'k-ring', k: 1, weights: 'binary', self: true, study_area: study },
        scheme: { name: 'count', label: 'Count', version: '1', source: '-' },
      }),
    ).toContain(`Study area: ${study}`);
    expect(
      methodStatement({
        method: 'Getis-Ord Gi*',
        neighbourhood: { type: 'queen contiguity', weights: 'binary', self: true },
        correction: 'holm',
        scheme: { name: 'count', label: 'Count', version: '1', source: '-' },
      })[1],
    ).toBe('Neighbourhood: queen contiguity, binary weights, self included');
  });

  it('labels periods by kind', () => {
    expect(periodLabel({ index: 0, start: '2018-03-01', end: '2018-04-01' }, 'month')).toBe('Mar 2018');
    expect(periodLabel({ index: 0, start: '2018-04-01', end: '2018-07-01' }, 'quarter')).toBe('Q2 2018');
    expect(periodLabel({ index: 0, start: '2018-02-05', end: '2018-03-05' }, '28d')).toBe('5 Feb 2018 – 4 Mar 2018');
  });

  it('time-profile charts: bars scaled to the largest month, withheld months without a bar; hour-of-week shades', () => {
    const { bars, max } = monthlyBars(
      [
        { month: '2018-01', count: 2 },
        { month: '2018-02', count: null },
        { month: '2018-03', count: 4 },
      ],
      300,
      40,
    );
    expect(max).toBe(4);
    expect(bars.map((b) => b.height)).toEqual([20, 0, 40]);
    expect(bars[1].count).toBeNull();
    const m = Array.from({ length: 7 }, () => new Array<number | null>(24).fill(0));
    m[4][22] = 8;
    m[0][0] = null;
    const cells = heatCells(m);
    expect(cells).toHaveLength(168);
    expect(cells.find((c) => c.day === 4 && c.hour === 22)!.shade).toBe(1);
    expect(cells[0].shade).toBeNull();
  });
});

describe('hotspot state in the URL', () => {
  it('round-trips every hotspot key through the map page URL and writes nothing at the defaults', () => {
    const url = '/?hs=emerging&hsunit=area&weights=ons-css&k=2&corr=holm&period=quarter&step=4&vs=year&top=50&hslist=persistent';
    const v = parseView('/', url.slice(1));
    expect(v.hotspot).toEqual({
      mode: 'emerging',
      unit: 'area',
      weights: 'ons-css',
      k: 2,
      correction: 'holm',
      period: 'quarter',
      step: 4,
      vs: 'year_ago',
      top: 50,
      list: 'persistent',
    });
    expect(parseView('/', formatView(v).slice(1))).toEqual(v);
    expect(formatView(parseView('/', ''))).toBe('/');
    expect(parseView('/', '').hotspot).toEqual(DEFAULT_HOTSPOT_VIEW);
  });

  it('opening Emerging on police.uk data (month precision) asks for periods the API forms: whole months', () => {
    // The API's own rule (api/hotspots/handlers.ts periodsFor): month-precision data refuse 28-day and weekly periods.
    const opened = parseHotspotView(new URLSearchParams('hs=emerging'));
    expect(opened.mode).toBe('emerging');
    const periods = periodsForPrecision('2017-07-01', '2018-07-01', opened.period, 'month');
    expect(periods.periods).toHaveLength(12);
    expect(periods.periods[0]).toMatchObject({ start: '2017-07-01', end: '2017-08-01' });
    // 28 days stays a choice (dated records), written in the URL.
    const q = new URLSearchParams();
    writeHotspotView(q, { ...opened, period: '28d' });
    expect(q.get('period')).toBe('28d');
    expect(() => periodsForPrecision('2017-07-01', '2018-07-01', '28d', 'month')).toThrow(/month precision/);
  });

  it('ignores bad values', () => {
    const h = parseHotspotView(
      new URLSearchParams('hs=kde&k=9&corr=bonferroni&period=day&step=-1&weights=Bad%20Name&top=7&hslist=Bad%20List'),
    );
    expect(h).toEqual(DEFAULT_HOTSPOT_VIEW);
  });
});

describe('side lists per mode (issue 14)', () => {
  const cmp = (p: number | null, direction: 'up' | 'down' | 'none') => ({ p, rate_ratio: null, direction });
  const change = (code: string, current: number | null, previous: number | null, p: number | null): ChangeRow => ({
    code,
    name: code,
    current,
    previous,
    year_ago: null,
    change: current !== null && previous !== null ? current - previous : null,
    change_year: null,
    value: current,
    value_previous: previous,
    value_year_ago: null,
    vs_previous:
      current === null || previous === null ? null : cmp(p, current > previous ? 'up' : current < previous ? 'down' : 'none'),
    vs_year_ago: null,
  });

  it('Change: the biggest significant increases and decreases, two lists, never a change within chance or a withheld count', () => {
    const rows = [
      change('A', 30, 10, 0.001),
      change('B', 12, 2, 0.01),
      change('C', 50, 45, 0.6), // up, within chance
      change('D', 3, 20, 0.002),
      change('E', 0, 9, 0.01),
      change('F', null, 9, 0.01), // withheld
      change('G', 5, 5, 1),
    ];
    const { increases, decreases } = changeLists(rows, 'previous', 20);
    expect(increases.map((i) => [i.row.code, i.change])).toEqual([
      ['A', 20],
      ['B', 10],
    ]);
    expect(decreases.map((i) => [i.row.code, i.change])).toEqual([
      ['D', -17],
      ['E', -9],
    ]);
    expect(decreases[0].p).toBe(0.002);
    expect(changeLists(rows, 'previous', 1).increases).toHaveLength(1);
    // A year ago not covered: nothing to list against it.
    expect(changeLists(rows, 'year_ago', 20)).toEqual({ increases: [], decreases: [] });
    expect(signed(-17)).toBe('−17');
    expect(signed(20)).toBe('+20');
  });

  it('Gi*: a hot unit with no incident of its own says it is hot through its neighbours', () => {
    expect(giClassText('hot_99', 0)).toBe('hot 99%, hot through its neighbours (0 here)');
    expect(giClassText('hot_99', 4)).toBe('hot 99%');
    expect(giClassText('cold_95', 0)).toBe('cold 95%');
    expect(giClassText('hot_90', null)).toBe('hot 90%'); // withheld: not known to be 0
  });

  it('Emerging: units grouped by pattern in the legend order, largest last z first; the open list falls back to the first', () => {
    const em = (h3: string, pattern: EmergingRow['pattern'], z: number | null): EmergingRow => ({
      h3,
      pattern,
      trend: { z: null, p: null, tau: null, s: null },
      hot_share: 0.5,
      cold_share: 0,
      final: { gi_z: z, class: 'not_significant' },
    });
    const groups = patternGroups([
      em('a', 'persistent_hot', 2),
      em('b', 'new_hot', 3),
      em('c', 'persistent_hot', 4),
      em('d', 'no_pattern', 9),
      em('e', 'persistent_hot', null),
    ]);
    expect(groups.map((g) => [g.pattern, g.rows.map((r) => r.h3)])).toEqual([
      ['new_hot', ['b']],
      ['persistent_hot', ['c', 'a', 'e']],
    ]);
    expect(groups[1].label).toBe('Persistent hot spot');
    const present = groups.map((g) => g.pattern);
    expect(openList('emerging', 'persistent_hot', present)).toBe('persistent_hot');
    expect(openList('emerging', 'sporadic_cold', present)).toBe('new_hot');
    expect(openList('change', null)).toBe('increases');
    expect(openList('change', 'decreases')).toBe('decreases');
    expect(openList('gi', 'decreases')).toBe('hot');
    expect(openList(null, 'x')).toBeNull();
    expect(SIDE_LISTS.emerging.some((l) => l.id === 'no_pattern')).toBe(false);
  });
});
