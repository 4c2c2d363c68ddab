// School-journey routes: the corridor (shown for the hovered or selected route), the route lines, their
// segments coloured by exposure, withheld segments dashed, the selected route's outline, guardian
// points numbered as in the worst-segment list, and candidate routes from a walking network (dashed).
import type { ExpressionSpecification, GeoJSONSourceSpecification, LayerSpecification } from '@maplibre/maplibre-gl-style-spec';
import type { FeatureCollection } from 'geojson';
import { stepColour, type Classes } from '../classify';
import { EMPTY_FC, LABEL_FONT, visibility } from './common';
import { WITHHELD_COLOUR, ZERO_COLOUR } from '../prepare/journeys';

export const ROUTE_SOURCE = 'sp-journey-routes';
export const SEGMENT_SOURCE = 'sp-journey-segments';
export const GUARDIAN_SOURCE = 'sp-journey-guardians';
export const PROPOSAL_SOURCE = 'sp-journey-proposals';

export const ROUTE_CORRIDOR_LAYER = 'sp-journey-corridor';
export const ROUTE_CASING_LAYER = 'sp-journey-route-casing';
export const ROUTE_LINE_LAYER = 'sp-journey-route';
export const ROUTE_HIT_LAYER = 'sp-journey-route-hit';
export const ROUTE_SELECTED_LAYER = 'sp-journey-route-selected';
export const SEGMENT_LAYER = 'sp-journey-segment';
export const SEGMENT_WITHHELD_LAYER = 'sp-journey-segment-withheld';
export const GUARDIAN_LAYER = 'sp-journey-guardian';
export const GUARDIAN_LABEL_LAYER = 'sp-journey-guardian-label';
export const PROPOSAL_LAYER = 'sp-journey-proposal';

/** Layers hover and click look at (routes under the pointer). */
export const ROUTE_INTERACTIVE_LAYERS = [ROUTE_HIT_LAYER];

export interface RouteLayerParams {
  classes: Classes | null;
  colours: readonly string[];
  /** Corridor width in pixels by zoom (prepare/journeys corridorWidth). */
  corridorWidth: ExpressionSpecification | number;
  selectedRouteId: number | null;
  showGuardians: boolean;
  showProposals: boolean;
  /** While drawing or editing, the saved routes step back. */
  dimmed: boolean;
}

export function routeSources(
  data: {
    routes?: FeatureCollection;
    segments?: FeatureCollection;
    guardians?: FeatureCollection;
    proposals?: FeatureCollection;
  } = {},
): Record<string, GeoJSONSourceSpecification> {
  const src = (fc: FeatureCollection | undefined): GeoJSONSourceSpecification => ({
    type: 'geojson',
    data: (fc ?? EMPTY_FC) as GeoJSONSourceSpecification['data'],
  });
  return {
    [ROUTE_SOURCE]: src(data.routes),
    [SEGMENT_SOURCE]: src(data.segments),
    [GUARDIAN_SOURCE]: src(data.guardians),
    [PROPOSAL_SOURCE]: src(data.proposals),
  };
}

/** Segment colour: 0 grey, positive values by class. */
export function segmentColour(p: Pick<RouteLayerParams, 'classes' | 'colours'>): ExpressionSpecification | string {
  if (!p.classes || !p.colours.length) return ZERO_COLOUR;
  const v: ExpressionSpecification = ['to-number', ['get', 'value']];
  return ['case', ['>', v, 0], stepColour(v, p.classes, p.colours), ZERO_COLOUR] as ExpressionSpecification;
}

const hoverOrSelected: ExpressionSpecification = [
  'any',
  ['boolean', ['feature-state', 'hover'], false],
  ['boolean', ['feature-state', 'selected'], false],
];
const lineWidth = (z12: number, z17: number): ExpressionSpecification => ['interpolate', ['linear'], ['zoom'], 12, z12, 17, z17];

export function routeLayers(p: RouteLayerParams): LayerSpecification[] {
  const opacity = p.dimmed ? 0.35 : 1;
  const sel = p.selectedRouteId ?? -1;
  return [
    {
      id: ROUTE_CORRIDOR_LAYER,
      type: 'line',
      source: ROUTE_SOURCE,
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: {
        'line-color': '#3182bd',
        'line-width': p.corridorWidth,
        'line-opacity': ['case', hoverOrSelected, 0.2, 0] as ExpressionSpecification,
      },
    },
    {
      id: ROUTE_CASING_LAYER,
      type: 'line',
      source: ROUTE_SOURCE,
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': '#1b1b1b', 'line-width': lineWidth(5, 9), 'line-opacity': 0.75 * opacity },
    },
    {
      id: ROUTE_LINE_LAYER,
      type: 'line',
      source: ROUTE_SOURCE,
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': '#ffffff', 'line-width': lineWidth(3, 6), 'line-opacity': opacity },
    },
    {
      id: SEGMENT_LAYER,
      type: 'line',
      source: SEGMENT_SOURCE,
      filter: ['!', ['get', 'withheld']],
      layout: { 'line-cap': 'butt', 'line-join': 'round' },
      paint: { 'line-color': segmentColour(p), 'line-width': lineWidth(3, 6), 'line-opacity': opacity },
    },
    {
      id: SEGMENT_WITHHELD_LAYER,
      type: 'line',
      source: SEGMENT_SOURCE,
      filter: ['get', 'withheld'],
      layout: { 'line-cap': 'butt', 'line-join': 'round' },
      paint: { 'line-color': WITHHELD_COLOUR, 'line-width': lineWidth(3, 6), 'line-dasharray': [1, 1], 'line-opacity': opacity },
    },
    {
      id: ROUTE_SELECTED_LAYER,
      type: 'line',
      source: ROUTE_SOURCE,
      filter: ['==', ['id'], sel],
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': '#08519c', 'line-width': 2.5, 'line-gap-width': lineWidth(5, 9), 'line-opacity': opacity },
    },
    {
      id: ROUTE_HIT_LAYER,
      type: 'line',
      source: ROUTE_SOURCE,
      paint: { 'line-color': '#000000', 'line-width': 16, 'line-opacity': 0 },
    },
    {
      id: PROPOSAL_LAYER,
      type: 'line',
      source: PROPOSAL_SOURCE,
      layout: { visibility: visibility(p.showProposals), 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': '#6a3d9a', 'line-width': 3, 'line-dasharray': [2, 1.5] },
    },
    {
      id: GUARDIAN_LAYER,
      type: 'circle',
      source: GUARDIAN_SOURCE,
      layout: { visibility: visibility(p.showGuardians) },
      paint: { 'circle-color': '#ffffff', 'circle-radius': 9, 'circle-stroke-color': '#08306b', 'circle-stroke-width': 2.5 },
    },
    {
      id: GUARDIAN_LABEL_LAYER,
      type: 'symbol',
      source: GUARDIAN_SOURCE,
      layout: {
        visibility: visibility(p.showGuardians),
        'text-field': ['get', 'label'],
        'text-font': LABEL_FONT,
        'text-size': 11,
        'text-allow-overlap': true,
        'text-ignore-placement': true,
      },
      paint: { 'text-color': '#08306b' },
    },
  ];
}
