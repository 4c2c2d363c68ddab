// Map layer specs: every combination of parameters gives a style the MapLibre style-spec validator
// (validateStyleMin, the style-level validate()) accepts.
import { describe, expect, it } from 'vitest';
import {
  createPropertyExpression,
  latest,
  validateStyleMin as validate,
  type StyleSpecification,
} from '@maplibre/maplibre-gl-style-spec';
import { fallbackStyle, looksLikeStyle } from '../web/src/map/base-style';
import { classBreaks, classColours } from '../web/src/map/classify';
import {
  AREA_LABEL_SOURCE,
  AREA_SOURCE,
  HEX_FILL_LAYER,
  HEX_SOURCE,
  KDE_SOURCE,
  INCIDENT_CLUSTER_LAYER,
  INCIDENT_POINT_LAYER,
  INCIDENT_SOURCE,
  INCIDENT_TILE_POINT_LAYER,
  INCIDENT_TILE_SOURCE,
  incidentTileUrl,
  WARD_FILL_LAYER,
  WARD_LABEL_LAYER,
  WARD_LINE_LAYER,
  areaFillColour,
  composeStyle,
  overlayLayers,
  overlaySources,
  type OverlayParams,
} from '../web/src/map/layers';
import { NO_DATA_COLOUR, NO_DATA_OPACITY } from '../web/src/map/layers/common';

const counts = [278, 302, 317, 324, 326, 355, 357, 371, 405, 410, 430, 458, 459, 510, 541, 549, 625, 728, 760];
const areaClasses = classBreaks(counts, 'jenks', 'count')!;
const hexClasses = classBreaks([1, 2, 3, 5, 8, 13, 40, 41, 90], 'quantile', 'count')!;

function params(
  over: Partial<{ metric: 'count' | 'rate'; all: boolean; selected: boolean; classes: boolean }> = {},
): OverlayParams {
  const on = over.all ?? true;
  const withClasses = over.classes ?? true;
  return {
    areas: {
      metric: over.metric ?? 'count',
      classes: withClasses ? areaClasses : null,
      colours: classColours(areaClasses, 'Blues'),
      showFill: on,
      showOutlines: on,
      showLabels: on,
      dimmed: on,
      selectedCode: over.selected ? 'E05013719' : null,
    },
    hexes: {
      visible: on,
      classes: withClasses ? hexClasses : null,
      colours: classColours(hexClasses, 'YlOrRd'),
      selectedH3: over.selected ? '89194ad0577ffff' : null,
    },
    incidents: { visible: on },
    kde: { visible: on, max: 50 },
  };
}

function fullStyle(p: OverlayParams): StyleSpecification {
  return composeStyle(fallbackStyle(), overlaySources(), overlayLayers(p));
}

describe('overlay layer specs', () => {
  const cases: [string, OverlayParams][] = [
    ['all layers on, counts, no selection', params()],
    ['all layers off', params({ all: false })],
    ['rate metric with a selection', params({ metric: 'rate', selected: true })],
    ['before any statistics arrive (no classes)', params({ classes: false })],
  ];
  it.each(cases)('validates as a full style: %s', (_name, p) => {
    expect(validate(fullStyle(p))).toEqual([]);
  });

  it('a deliberately broken layer is caught by the validator (the check is live)', () => {
    const style = fullStyle(params());
    (style.layers[1] as any).paint['fill-color'] = ['step', ['get', 'count']];
    expect(validate(style).length).toBeGreaterThan(0);
  });

  it('draws in order: area fill, hexagons, outlines, incidents, labels on top', () => {
    const ids = overlayLayers(params()).map((l) => l.id);
    expect(new Set(ids).size).toBe(ids.length);
    const at = (id: string) => ids.indexOf(id);
    expect(at(WARD_FILL_LAYER)).toBeLessThan(at(HEX_FILL_LAYER));
    expect(at(HEX_FILL_LAYER)).toBeLessThan(at(WARD_LINE_LAYER));
    expect(at(WARD_LINE_LAYER)).toBeLessThan(at(INCIDENT_CLUSTER_LAYER));
    expect(at(INCIDENT_POINT_LAYER)).toBeLessThan(at(WARD_LABEL_LAYER));
    expect(ids[ids.length - 1]).toBe(WARD_LABEL_LAYER);
  });

  it('uses the exported source ids and clusters the incident source', () => {
    const sources = overlaySources();
    expect(Object.keys(sources).sort()).toEqual(
      [AREA_LABEL_SOURCE, AREA_SOURCE, HEX_SOURCE, KDE_SOURCE, INCIDENT_SOURCE, INCIDENT_TILE_SOURCE].sort(),
    );
    expect(sources[INCIDENT_SOURCE]).toMatchObject({ type: 'geojson', cluster: true });
    // From z14 the points come from the vector tiles; the clustered GeoJSON layers stop there.
    expect(sources[INCIDENT_TILE_SOURCE]).toMatchObject({
      type: 'vector',
      tiles: ['http://localhost/api/tiles/incidents/{z}/{x}/{y}.mvt'],
      minzoom: 14,
    });
    const layers = overlayLayers(params());
    const byId = (id: string) => layers.find((l) => l.id === id)!;
    expect(byId(INCIDENT_TILE_POINT_LAYER)).toMatchObject({
      source: INCIDENT_TILE_SOURCE,
      'source-layer': 'incidents',
      minzoom: 14,
    });
    for (const id of [INCIDENT_CLUSTER_LAYER, INCIDENT_POINT_LAYER]) expect(byId(id).maxzoom).toBe(14);
    expect(incidentTileUrl('https://sp.example', { from: '2024-01-01', to: undefined, category: 'burglary' })).toBe(
      'https://sp.example/api/tiles/incidents/{z}/{x}/{y}.mvt?from=2024-01-01&category=burglary',
    );
    for (const l of overlayLayers(params())) expect(Object.keys(sources)).toContain((l as { source: string }).source);
  });

  it('toggles layers with layout visibility, keeping the layer list stable', () => {
    const on = overlayLayers(params());
    const off = overlayLayers(params({ all: false }));
    expect(off.map((l) => l.id)).toEqual(on.map((l) => l.id));
    expect(off.every((l) => l.layout?.visibility === 'none')).toBe(true);
    expect(
      on
        .filter((l) => l.id !== 'sp-area-selected' && l.id !== 'sp-hex-selected')
        .every((l) => l.layout?.visibility === 'visible'),
    ).toBe(true);
  });

  it('keeps the transparent area fill for clicks when only outlines are shown', () => {
    const p = params();
    p.areas.showFill = false;
    const fill = overlayLayers(p).find((l) => l.id === WARD_FILL_LAYER)!;
    expect(fill.layout?.visibility).toBe('visible');
    expect((fill as any).paint['fill-opacity']).toBe(0);
    p.areas.showOutlines = false;
    expect(overlayLayers(p).find((l) => l.id === WARD_FILL_LAYER)!.layout?.visibility).toBe('none');
  });

  it('colours areas from feature state by class, grey without a value', () => {
    const colours = classColours(areaClasses, 'Blues');
    const expr = areaFillColour({ metric: 'rate', classes: areaClasses, colours }) as unknown[];
    expect(expr[0]).toBe('case');
    expect(JSON.stringify(expr)).toContain('["feature-state","rate"]');
    expect(expr[expr.length - 1]).toBe(NO_DATA_COLOUR);
    const step = expr[2] as unknown[];
    expect(step[0]).toBe('step');
    expect(step[2]).toBe(colours[0]);
    expect(step.slice(3).filter((_, i) => i % 2 === 0)).toEqual(areaClasses.thresholds);
    expect(areaFillColour({ metric: 'count', classes: null, colours: [] })).toBe(NO_DATA_COLOUR);
  });

  it('draws the no-data grey lighter than the class colours, so basemap streets read through it', () => {
    // The fill-opacity as MapLibre evaluates it, for an area with a value and one without.
    const opacity = (p: OverlayParams, layer: string, state: Record<string, unknown>, props: Record<string, unknown> = {}) => {
      const spec = (overlayLayers(p).find((l) => l.id === layer) as any).paint['fill-opacity'];
      const e = createPropertyExpression(spec, 'fill-opacity', (latest as any).paint_fill['fill-opacity']);
      if (e.result !== 'success') throw new Error(JSON.stringify(e.value));
      return e.value.evaluate({ zoom: 12 }, { type: 'Polygon', properties: props } as any, state as any);
    };
    const p = params({ metric: 'rate' });
    p.areas.dimmed = false;
    expect(opacity(p, WARD_FILL_LAYER, { rate: 4.2 })).toBe(0.78);
    expect(opacity(p, WARD_FILL_LAYER, {})).toBe(NO_DATA_OPACITY);
    expect(NO_DATA_OPACITY).toBeLessThan(0.5);
    // Dimmed under hexagons: the grey is never darker than the class colours.
    p.areas.dimmed = true;
    expect(opacity(p, WARD_FILL_LAYER, { rate: 4.2 })).toBe(0.3);
    expect(opacity(p, WARD_FILL_LAYER, {})).toBe(0.3);
    // No classes at all (nothing to colour by): every area is the light grey.
    const none = params({ classes: false });
    none.areas.dimmed = false;
    expect(opacity(none, WARD_FILL_LAYER, { count: 3 })).toBe(NO_DATA_OPACITY);
    // Withheld hexagons (count null) likewise.
    expect(opacity(params(), HEX_FILL_LAYER, {}, { count: 12 })).toBe(0.8);
    expect(opacity(params(), HEX_FILL_LAYER, {}, { count: null })).toBe(NO_DATA_OPACITY);
  });

  it('recognises a style document', () => {
    expect(looksLikeStyle(fallbackStyle())).toBe(true);
    expect(looksLikeStyle({ version: 8 })).toBe(false);
    expect(looksLikeStyle('<html>')).toBe(false);
  });
});
