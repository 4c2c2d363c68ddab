// H3 hexagon layers: hexagons coloured by incident count, thin outlines and the selected hexagon.
import type { ExpressionSpecification, GeoJSONSourceSpecification, LayerSpecification } from '@maplibre/maplibre-gl-style-spec';
import type { FeatureCollection } from 'geojson';
import { stepColour, type Classes } from '../classify';
import { EMPTY_FC, NO_DATA_COLOUR, NO_DATA_OPACITY, visibility } from './common';

export const HEX_SOURCE = 'sp-hexes';
export const HEX_FILL_LAYER = 'sp-hex-fill';
export const HEX_LINE_LAYER = 'sp-hex-outline';
export const HEX_SELECTED_LAYER = 'sp-hex-selected';

export interface HexLayerParams {
  visible: boolean;
  classes: Classes | null;
  colours: readonly string[];
  selectedH3: string | null;
}

export function hexSources(data: FeatureCollection = EMPTY_FC): Record<string, GeoJSONSourceSpecification> {
  return { [HEX_SOURCE]: { type: 'geojson', data: data as GeoJSONSourceSpecification['data'] } };
}

export function hexLayers(p: HexLayerParams): LayerSpecification[] {
  // Withheld counts (partners) have count null: the no-data grey, never a class colour.
  const count: ExpressionSpecification = ['get', 'count'];
  const fill = p.classes
    ? ([
        'case',
        ['==', ['typeof', count], 'number'],
        stepColour(['to-number', count], p.classes, p.colours),
        NO_DATA_COLOUR,
      ] as ExpressionSpecification)
    : NO_DATA_COLOUR;
  return [
    {
      id: HEX_FILL_LAYER,
      type: 'fill',
      source: HEX_SOURCE,
      layout: { visibility: visibility(p.visible) },
      paint: {
        'fill-color': fill,
        // The no-data grey lighter, so a basemap's streets read through withheld cells.
        'fill-opacity': p.classes
          ? (['case', ['==', ['typeof', count], 'number'], 0.8, NO_DATA_OPACITY] as ExpressionSpecification)
          : NO_DATA_OPACITY,
      },
    },
    {
      id: HEX_LINE_LAYER,
      type: 'line',
      source: HEX_SOURCE,
      layout: { visibility: visibility(p.visible) },
      paint: { 'line-color': '#ffffff', 'line-opacity': 0.7, 'line-width': 0.6 },
    },
    {
      id: HEX_SELECTED_LAYER,
      type: 'line',
      source: HEX_SOURCE,
      filter: ['==', ['get', 'h3'], p.selectedH3 ?? ''],
      layout: { visibility: visibility(p.visible && p.selectedH3 !== null) },
      paint: { 'line-color': '#000000', 'line-width': 3 },
    },
  ];
}
