// The intervention register: polygons (tinted fill and outline) and points (circles), coloured by type
// from the colour-blind-safe palette in prepare/planning; ended interventions dashed/hollow, planned ones
// faint; the selected one outlined in black; names from zoom 14.
import type { ExpressionSpecification, GeoJSONSourceSpecification, LayerSpecification } from '@maplibre/maplibre-gl-style-spec';
import type { FeatureCollection } from 'geojson';
import { EMPTY_FC, LABEL_FONT, visibility } from './common';
import type { TypeStyle } from '../prepare/planning';

export const INTERVENTION_SOURCE = 'sp-interventions';
export const INTERVENTION_FILL_LAYER = 'sp-intervention-fill';
export const INTERVENTION_LINE_LAYER = 'sp-intervention-line';
export const INTERVENTION_POINT_LAYER = 'sp-intervention-point';
export const INTERVENTION_SELECTED_LAYER = 'sp-intervention-selected';
export const INTERVENTION_SELECTED_POINT_LAYER = 'sp-intervention-selected-point';
export const INTERVENTION_LABEL_LAYER = 'sp-intervention-label';

/** Layers clicks look at. */
export const INTERVENTION_INTERACTIVE_LAYERS = [INTERVENTION_POINT_LAYER, INTERVENTION_FILL_LAYER];

/** Colour for a type the style list does not know (e.g. added since the list was loaded). */
export const UNKNOWN_TYPE_COLOUR = '#666666';

export interface InterventionLayerParams {
  visible: boolean;
  types: readonly TypeStyle[];
  /** Show ended interventions too (dashed / hollow). */
  showEnded: boolean;
  selectedId: number | null;
  /** While drawing, the register steps back. */
  dimmed: boolean;
}

export function interventionSources(data: FeatureCollection = EMPTY_FC): Record<string, GeoJSONSourceSpecification> {
  return { [INTERVENTION_SOURCE]: { type: 'geojson', data: data as GeoJSONSourceSpecification['data'] } };
}

/** `['match', type, slug, colour, ..., fallback]`, or the fallback alone when no types are known. */
export function typeColour(types: readonly TypeStyle[]): ExpressionSpecification | string {
  if (types.length === 0) return UNKNOWN_TYPE_COLOUR;
  return [
    'match',
    ['get', 'type'],
    ...types.flatMap((t) => [t.slug, t.colour]),
    UNKNOWN_TYPE_COLOUR,
  ] as unknown as ExpressionSpecification;
}

const isPolygon: ExpressionSpecification = ['==', ['geometry-type'], 'Polygon'];
const isPoint: ExpressionSpecification = ['==', ['geometry-type'], 'Point'];
const ended: ExpressionSpecification = ['==', ['get', 'status'], 'ended'];
const planned: ExpressionSpecification = ['==', ['get', 'status'], 'planned'];

function statusFilter(p: InterventionLayerParams, geom: ExpressionSpecification): ExpressionSpecification {
  return p.showEnded ? geom : ['all', geom, ['!', ended]];
}

export function interventionLayers(p: InterventionLayerParams): LayerSpecification[] {
  const colour = typeColour(p.types);
  const fade = p.dimmed ? 0.5 : 1;
  const selected: ExpressionSpecification = ['==', ['get', 'id'], p.selectedId ?? -1];
  return [
    {
      id: INTERVENTION_FILL_LAYER,
      type: 'fill',
      source: INTERVENTION_SOURCE,
      filter: statusFilter(p, isPolygon),
      layout: { visibility: visibility(p.visible) },
      paint: {
        'fill-color': colour,
        'fill-opacity': ['case', ended, 0.08 * fade, planned, 0.12 * fade, 0.3 * fade] as ExpressionSpecification,
      },
    },
    {
      id: INTERVENTION_LINE_LAYER,
      type: 'line',
      source: INTERVENTION_SOURCE,
      filter: statusFilter(p, isPolygon),
      layout: { visibility: visibility(p.visible), 'line-join': 'round' },
      paint: { 'line-color': colour, 'line-width': 2.5, 'line-opacity': fade },
    },
    {
      id: INTERVENTION_POINT_LAYER,
      type: 'circle',
      source: INTERVENTION_SOURCE,
      filter: statusFilter(p, isPoint),
      layout: { visibility: visibility(p.visible) },
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 11, 5, 16, 9] as ExpressionSpecification,
        // Ended: hollow (white fill, type-coloured ring); active and planned: filled.
        'circle-color': ['case', ended, '#ffffff', colour] as ExpressionSpecification,
        'circle-stroke-color': ['case', ended, colour, '#1d2329'] as ExpressionSpecification,
        'circle-stroke-width': ['case', ended, 2.5, 1.2] as ExpressionSpecification,
        'circle-opacity': ['case', planned, 0.5 * fade, fade] as ExpressionSpecification,
        'circle-stroke-opacity': fade,
      },
    },
    {
      id: INTERVENTION_SELECTED_LAYER,
      type: 'line',
      source: INTERVENTION_SOURCE,
      filter: ['all', isPolygon, selected],
      layout: { visibility: visibility(p.visible && p.selectedId !== null), 'line-join': 'round' },
      paint: { 'line-color': '#000000', 'line-width': 4 },
    },
    {
      id: INTERVENTION_SELECTED_POINT_LAYER,
      type: 'circle',
      source: INTERVENTION_SOURCE,
      filter: ['all', isPoint, selected],
      layout: { visibility: visibility(p.visible && p.selectedId !== null) },
      paint: { 'circle-radius': 13, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': '#000000', 'circle-stroke-width': 3 },
    },
    {
      id: INTERVENTION_LABEL_LAYER,
      type: 'symbol',
      source: INTERVENTION_SOURCE,
      filter: p.showEnded ? ['boolean', true] : ['!', ended],
      minzoom: 14,
      layout: {
        visibility: visibility(p.visible),
        'text-field': ['get', 'name'],
        'text-font': LABEL_FONT,
        'text-size': 11,
        'text-offset': [0, 1.2],
        'text-anchor': 'top',
        'text-max-width': 10,
        'text-optional': true,
      },
      paint: { 'text-color': '#1b1b1b', 'text-halo-color': '#ffffff', 'text-halo-width': 1.4 },
    },
  ];
}
