// Area (ward, LSOA...) layers: choropleth fill, outlines, selection outline and name labels.
// Values arrive as feature state (`count`, `rate`) keyed by the API's numeric feature id, so switching
// metric or filters never re-uploads the polygons.
import type { ExpressionSpecification, GeoJSONSourceSpecification, LayerSpecification } from '@maplibre/maplibre-gl-style-spec';
import type { FeatureCollection } from 'geojson';
import { stepColour, type Classes } from '../classify';
import { EMPTY_FC, LABEL_FONT, NO_DATA_COLOUR, NO_DATA_OPACITY, visibility } from './common';

export const AREA_SOURCE = 'sp-areas';
export const AREA_LABEL_SOURCE = 'sp-area-labels';
export const WARD_FILL_LAYER = 'sp-area-fill';
export const WARD_LINE_LAYER = 'sp-area-outline';
export const WARD_SELECTED_LAYER = 'sp-area-selected';
export const WARD_LABEL_LAYER = 'sp-area-label';

export type AreaMetric = 'count' | 'rate';

export interface AreaLayerParams {
  metric: AreaMetric;
  classes: Classes | null;
  colours: readonly string[];
  showFill: boolean;
  showOutlines: boolean;
  showLabels: boolean;
  /** Fade the fill so a layer drawn over it (hexagons) reads first. */
  dimmed: boolean;
  selectedCode: string | null;
  /** Fixed label size in px (presentation: readable across a room); absent: grows with the zoom. */
  labelSize?: number;
}

export function areaSources(
  areas: FeatureCollection = EMPTY_FC,
  labels: FeatureCollection = EMPTY_FC,
): Record<string, GeoJSONSourceSpecification> {
  return {
    [AREA_SOURCE]: { type: 'geojson', data: areas as GeoJSONSourceSpecification['data'] },
    [AREA_LABEL_SOURCE]: { type: 'geojson', data: labels as GeoJSONSourceSpecification['data'] },
  };
}

/** Fill colour: the class colour of the feature-state value, grey when it has none (e.g. no population). */
export function areaFillColour(p: Pick<AreaLayerParams, 'metric' | 'classes' | 'colours'>): ExpressionSpecification | string {
  if (!p.classes) return NO_DATA_COLOUR;
  const value: ExpressionSpecification = ['feature-state', p.metric];
  return [
    'case',
    ['==', ['typeof', value], 'number'],
    stepColour(['to-number', value], p.classes, p.colours),
    NO_DATA_COLOUR,
  ] as ExpressionSpecification;
}

/**
 * Fill opacity: the class colours at `opacity`, the no-data grey lighter (NO_DATA_OPACITY) so the basemap's
 * streets stay readable under areas without a value; never more than `opacity` (dimmed under hexagons).
 */
export function areaFillOpacity(
  p: Pick<AreaLayerParams, 'metric' | 'classes'>,
  opacity: number,
): ExpressionSpecification | number {
  const grey = Math.min(opacity, NO_DATA_OPACITY);
  if (!p.classes) return grey;
  return ['case', ['==', ['typeof', ['feature-state', p.metric]], 'number'], opacity, grey] as ExpressionSpecification;
}

/**
 * The fill stays on (transparent) while only the outlines are shown, so areas can still be hovered
 * and clicked.
 */
export function areaFillLayers(p: AreaLayerParams): LayerSpecification[] {
  return [
    {
      id: WARD_FILL_LAYER,
      type: 'fill',
      source: AREA_SOURCE,
      layout: { visibility: visibility(p.showFill || p.showOutlines) },
      paint: {
        'fill-color': areaFillColour(p),
        'fill-opacity': p.showFill ? areaFillOpacity(p, p.dimmed ? 0.3 : 0.78) : 0,
      },
    },
  ];
}

export function areaLineLayers(p: AreaLayerParams): LayerSpecification[] {
  return [
    {
      id: WARD_LINE_LAYER,
      type: 'line',
      source: AREA_SOURCE,
      layout: { visibility: visibility(p.showOutlines), 'line-join': 'round' },
      paint: {
        'line-color': '#263238',
        'line-opacity': 0.85,
        'line-width': ['case', ['boolean', ['feature-state', 'hover'], false], 2.5, 1] as ExpressionSpecification,
      },
    },
    {
      id: WARD_SELECTED_LAYER,
      type: 'line',
      source: AREA_SOURCE,
      filter: ['==', ['get', 'code'], p.selectedCode ?? ''],
      layout: { visibility: visibility(p.selectedCode !== null), 'line-join': 'round' },
      paint: { 'line-color': '#000000', 'line-width': 3.5 },
    },
  ];
}

export function areaLabelLayers(p: AreaLayerParams): LayerSpecification[] {
  return [
    {
      id: WARD_LABEL_LAYER,
      type: 'symbol',
      source: AREA_LABEL_SOURCE,
      minzoom: 10.5,
      layout: {
        visibility: visibility(p.showLabels),
        'text-field': ['get', 'name'],
        'text-font': LABEL_FONT,
        'text-size': p.labelSize ?? (['interpolate', ['linear'], ['zoom'], 11, 10, 14, 14] as ExpressionSpecification),
        'text-max-width': 7,
        'text-padding': 3,
      },
      paint: { 'text-color': '#1b1b1b', 'text-halo-color': 'rgba(255,255,255,0.9)', 'text-halo-width': 1.6 },
    },
  ];
}
