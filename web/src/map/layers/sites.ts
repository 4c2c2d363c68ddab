// Schools and transport hubs as symbols (icons from prepare/journeys siteIcon, added by the page's map
// controller) with their names, and the ward outlines with ward names underneath (issue 14).
// School names sit beside the school symbols from zoom 11 and give way to each other where they collide
// (some hide at low zoom); the "pinned" schools (the selected route's school, the worst-ranked schools)
// are always labelled. Hub names show from zoom 14. Wards: a thin outline and the name, under the routes.
import type {
  ExpressionSpecification,
  FilterSpecification,
  GeoJSONSourceSpecification,
  LayerSpecification,
} from '@maplibre/maplibre-gl-style-spec';
import type { FeatureCollection } from 'geojson';
import { EMPTY_FC, LABEL_FONT, visibility } from './common';
import { HUB_ICON, SCHOOL_ICON } from '../prepare/journeys';

export const SITE_SOURCE = 'sp-journey-sites';
export const SITE_ICON_LAYER = 'sp-journey-site-icon';
/** Hub names (zoom 14 and closer). */
export const SITE_LABEL_LAYER = 'sp-journey-site-label';
/** School names beside the symbols; collide with each other (some hidden at low zoom). */
export const SCHOOL_LABEL_LAYER = 'sp-journey-school-label';
/** Names of the pinned schools (selected / worst-ranked): always drawn. */
export const SCHOOL_PINNED_LABEL_LAYER = 'sp-journey-school-label-pinned';
export const SITE_ICONS = [SCHOOL_ICON, HUB_ICON] as const;

export const WARD_SOURCE = 'sp-journey-wards';
export const WARD_LABEL_SOURCE = 'sp-journey-ward-labels';
export const WARD_LINE_LAYER = 'sp-journey-ward-line';
export const WARD_LABEL_LAYER = 'sp-journey-ward-label';

export interface SiteLayerParams {
  showSchools: boolean;
  showHubs: boolean;
  showLabels: boolean;
  /** Schools whose names are always shown (selected route's school, the worst-ranked schools). */
  pinnedSchoolIds?: readonly number[];
}

export interface WardLayerParams {
  showWards: boolean;
  showWardLabels: boolean;
}

export function siteSources(data: FeatureCollection = EMPTY_FC): Record<string, GeoJSONSourceSpecification> {
  return { [SITE_SOURCE]: { type: 'geojson', data: data as GeoJSONSourceSpecification['data'] } };
}

export function wardSources(
  data: { wards?: FeatureCollection; labels?: FeatureCollection } = {},
): Record<string, GeoJSONSourceSpecification> {
  const src = (fc: FeatureCollection | undefined): GeoJSONSourceSpecification => ({
    type: 'geojson',
    data: (fc ?? EMPTY_FC) as GeoJSONSourceSpecification['data'],
  });
  return { [WARD_SOURCE]: src(data.wards), [WARD_LABEL_SOURCE]: src(data.labels) };
}

/** Which kinds are shown, as a layer filter. */
function kindFilter(p: SiteLayerParams): FilterSpecification {
  const kinds = [...(p.showSchools ? ['school'] : []), ...(p.showHubs ? ['hub'] : [])];
  return ['in', ['get', 'kind'], ['literal', kinds]];
}

const pinned = (p: SiteLayerParams): ExpressionSpecification => [
  'in',
  ['to-number', ['get', 'id']],
  ['literal', [...(p.pinnedSchoolIds ?? [])]],
];

const HALO = { 'text-color': '#1b1b1b', 'text-halo-color': '#ffffff', 'text-halo-width': 1.6 } as const;

/** A school's name to the right of its symbol (or left, above, below where that collides). */
function schoolLabelLayout(p: SiteLayerParams, always: boolean): LayerSpecification['layout'] {
  return {
    visibility: visibility(p.showSchools && p.showLabels),
    'text-field': ['get', 'name'],
    'text-font': LABEL_FONT,
    'text-size': ['interpolate', ['linear'], ['zoom'], 11, 10.5, 15, 12.5],
    'text-variable-anchor': ['left', 'right', 'top', 'bottom'],
    'text-radial-offset': 0.9,
    'text-justify': 'auto',
    'text-max-width': 9,
    'text-padding': 2,
    ...(always ? { 'text-allow-overlap': true, 'text-ignore-placement': true } : { 'text-optional': true }),
  } as LayerSpecification['layout'];
}

export function siteLayers(p: SiteLayerParams): LayerSpecification[] {
  const any = p.showSchools || p.showHubs;
  const school: FilterSpecification = ['==', ['get', 'kind'], 'school'];
  return [
    {
      id: SITE_ICON_LAYER,
      type: 'symbol',
      source: SITE_SOURCE,
      filter: kindFilter(p),
      layout: {
        visibility: visibility(any),
        'icon-image': ['match', ['get', 'kind'], 'school', SCHOOL_ICON, HUB_ICON],
        'icon-size': ['interpolate', ['linear'], ['zoom'], 11, 0.7, 15, 1],
        'icon-allow-overlap': true,
        'icon-ignore-placement': true,
      },
    },
    {
      id: SITE_LABEL_LAYER,
      type: 'symbol',
      source: SITE_SOURCE,
      filter: ['==', ['get', 'kind'], 'hub'],
      minzoom: 14,
      layout: {
        visibility: visibility(p.showHubs && p.showLabels),
        'text-field': ['get', 'name'],
        'text-font': LABEL_FONT,
        'text-size': 11,
        'text-offset': [0, 1.1],
        'text-anchor': 'top',
        'text-max-width': 10,
        'text-optional': true,
      },
      paint: { ...HALO, 'text-color': '#1b5e20' },
    },
    {
      id: SCHOOL_LABEL_LAYER,
      type: 'symbol',
      source: SITE_SOURCE,
      filter: ['all', school, ['!', pinned(p)]],
      minzoom: 11,
      layout: schoolLabelLayout(p, false),
      paint: { ...HALO },
    },
    {
      id: SCHOOL_PINNED_LABEL_LAYER,
      type: 'symbol',
      source: SITE_SOURCE,
      filter: ['all', school, pinned(p)],
      layout: schoolLabelLayout(p, true),
      paint: { ...HALO, 'text-color': '#08306b' },
    },
  ];
}

/** Ward outlines (thin, under the routes) and ward names (lighter than the school names). */
export function wardLayers(p: WardLayerParams): LayerSpecification[] {
  return [
    {
      id: WARD_LINE_LAYER,
      type: 'line',
      source: WARD_SOURCE,
      layout: { visibility: visibility(p.showWards), 'line-join': 'round' },
      paint: {
        'line-color': '#546e7a',
        'line-width': ['interpolate', ['linear'], ['zoom'], 10, 0.6, 15, 1.4],
        'line-opacity': 0.7,
        'line-dasharray': [3, 1.5],
      },
    },
    {
      id: WARD_LABEL_LAYER,
      type: 'symbol',
      source: WARD_LABEL_SOURCE,
      minzoom: 10,
      layout: {
        visibility: visibility(p.showWards && p.showWardLabels),
        'text-field': ['get', 'name'],
        'text-font': LABEL_FONT,
        'text-size': ['interpolate', ['linear'], ['zoom'], 10, 9.5, 15, 12],
        // Capitals set ward names apart from the school names (one font is served).
        'text-transform': 'uppercase',
        'text-letter-spacing': 0.06,
        'text-max-width': 7,
        'text-padding': 4,
      },
      paint: { 'text-color': '#455a64', 'text-halo-color': 'rgba(255,255,255,0.9)', 'text-halo-width': 1.4 },
    },
  ];
}
