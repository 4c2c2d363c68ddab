// The kernel density surface: grid squares coloured continuously from pale yellow to dark red by their
// density (incidents per km²), scaled to the highest density shown; no outline.
import type { ExpressionSpecification, GeoJSONSourceSpecification, LayerSpecification } from '@maplibre/maplibre-gl-style-spec';
import type { FeatureCollection } from 'geojson';
import { EMPTY_FC, visibility } from './common';

export const KDE_SOURCE = 'sp-kde';
export const KDE_FILL_LAYER = 'sp-kde-fill';

/** Colour stops as shares of the highest density (ColorBrewer YlOrRd). */
export const KDE_STOPS: readonly [number, string][] = [
  [0, '#ffffb2'],
  [0.25, '#fecc5c'],
  [0.5, '#fd8d3c'],
  [0.75, '#f03b20'],
  [1, '#bd0026'],
];

export interface KdeLayerParams {
  visible: boolean;
  /** Highest density drawn (incidents per km²); null: nothing loaded. */
  max: number | null;
}

export function kdeSources(data: FeatureCollection = EMPTY_FC): Record<string, GeoJSONSourceSpecification> {
  return { [KDE_SOURCE]: { type: 'geojson', data: data as GeoJSONSourceSpecification['data'] } };
}

export function kdeLayers(p: KdeLayerParams): LayerSpecification[] {
  const max = p.max && p.max > 0 ? p.max : 1;
  const colour = [
    'interpolate',
    ['linear'],
    ['get', 'd'],
    ...KDE_STOPS.flatMap(([s, c]) => [s * max, c]),
  ] as unknown as ExpressionSpecification;
  return [
    {
      id: KDE_FILL_LAYER,
      type: 'fill',
      source: KDE_SOURCE,
      layout: { visibility: visibility(p.visible && p.max !== null) },
      paint: { 'fill-color': colour, 'fill-opacity': 0.75, 'fill-antialias': false },
    },
  ];
}
