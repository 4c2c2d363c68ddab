// Planning outputs over the register: uncovered significant hotspot cells (coverage gaps), proposed patrol
// boxes with their rank, and chosen outreach sites numbered in the order they were added.
import type { ExpressionSpecification, GeoJSONSourceSpecification, LayerSpecification } from '@maplibre/maplibre-gl-style-spec';
import type { FeatureCollection } from 'geojson';
import { EMPTY_FC, LABEL_FONT, visibility } from './common';

export const GAP_SOURCE = 'sp-coverage-gaps';
export const PATROL_SOURCE = 'sp-patrol-boxes';
export const OUTREACH_SOURCE = 'sp-outreach-sites';

export const GAP_FILL_LAYER = 'sp-gap-fill';
export const GAP_LINE_LAYER = 'sp-gap-line';
export const PATROL_FILL_LAYER = 'sp-patrol-fill';
export const PATROL_LINE_LAYER = 'sp-patrol-line';
export const PATROL_LABEL_LAYER = 'sp-patrol-label';
export const OUTREACH_POINT_LAYER = 'sp-outreach-point';
export const OUTREACH_LABEL_LAYER = 'sp-outreach-label';

/** Vermillion for gaps, dark blue for patrol boxes, reddish purple for outreach (Okabe–Ito, distinct from each other). */
export const GAP_COLOUR = '#D55E00';
export const PATROL_COLOUR = '#08306b';
export const OUTREACH_COLOUR = '#7a0177';

export interface PlanOutputParams {
  showGaps: boolean;
  showPatrol: boolean;
  showOutreach: boolean;
}

export function planOutputSources(
  data: { gaps?: FeatureCollection; patrol?: FeatureCollection; outreach?: FeatureCollection } = {},
): Record<string, GeoJSONSourceSpecification> {
  const src = (fc?: FeatureCollection): GeoJSONSourceSpecification => ({
    type: 'geojson',
    data: (fc ?? EMPTY_FC) as GeoJSONSourceSpecification['data'],
  });
  return { [GAP_SOURCE]: src(data.gaps), [PATROL_SOURCE]: src(data.patrol), [OUTREACH_SOURCE]: src(data.outreach) };
}

const label = (size: number): LayerSpecification['layout'] => ({
  'text-field': ['get', 'label'],
  'text-font': LABEL_FONT,
  'text-size': size,
  'text-allow-overlap': true,
  'text-ignore-placement': true,
});

export function planOutputLayers(p: PlanOutputParams): LayerSpecification[] {
  return [
    {
      id: GAP_FILL_LAYER,
      type: 'fill',
      source: GAP_SOURCE,
      layout: { visibility: visibility(p.showGaps) },
      paint: { 'fill-color': GAP_COLOUR, 'fill-opacity': 0.28 },
    },
    {
      id: GAP_LINE_LAYER,
      type: 'line',
      source: GAP_SOURCE,
      layout: { visibility: visibility(p.showGaps) },
      paint: { 'line-color': GAP_COLOUR, 'line-width': 1.5, 'line-dasharray': [2, 1] },
    },
    {
      id: PATROL_FILL_LAYER,
      type: 'fill',
      source: PATROL_SOURCE,
      layout: { visibility: visibility(p.showPatrol) },
      paint: { 'fill-color': PATROL_COLOUR, 'fill-opacity': 0.25 },
    },
    {
      id: PATROL_LINE_LAYER,
      type: 'line',
      source: PATROL_SOURCE,
      layout: { visibility: visibility(p.showPatrol), 'line-join': 'miter' },
      paint: {
        'line-color': PATROL_COLOUR,
        'line-width': ['interpolate', ['linear'], ['zoom'], 11, 1.5, 16, 3] as ExpressionSpecification,
      },
    },
    {
      id: PATROL_LABEL_LAYER,
      type: 'symbol',
      source: PATROL_SOURCE,
      layout: { visibility: visibility(p.showPatrol), ...label(13) },
      paint: { 'text-color': '#ffffff', 'text-halo-color': PATROL_COLOUR, 'text-halo-width': 2.2 },
    },
    {
      id: OUTREACH_POINT_LAYER,
      type: 'circle',
      source: OUTREACH_SOURCE,
      layout: { visibility: visibility(p.showOutreach) },
      paint: { 'circle-radius': 10, 'circle-color': OUTREACH_COLOUR, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2 },
    },
    {
      id: OUTREACH_LABEL_LAYER,
      type: 'symbol',
      source: OUTREACH_SOURCE,
      layout: { visibility: visibility(p.showOutreach), ...label(12) },
      paint: { 'text-color': '#ffffff' },
    },
  ];
}
