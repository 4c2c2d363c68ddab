// Schools and transport hubs as symbols (icons from prepare/journeys siteIcon, added by the page's map
// controller), with names from zoom 14.
import type { FilterSpecification, GeoJSONSourceSpecification, LayerSpecification } from '@maplibre/maplibre-gl-style-spec';
import type { FeatureCollection } from 'geojson';
import { EMPTY_FC, LABEL_FONT, visibility } from './common';
import { HUB_ICON, SCHOOL_ICON } from '../prepare/journeys';

export const SITE_SOURCE = 'sp-journey-sites';
export const SITE_ICON_LAYER = 'sp-journey-site-icon';
export const SITE_LABEL_LAYER = 'sp-journey-site-label';
export const SITE_ICONS = [SCHOOL_ICON, HUB_ICON] as const;

export interface SiteLayerParams {
  showSchools: boolean;
  showHubs: boolean;
  showLabels: boolean;
}

export function siteSources(data: FeatureCollection = EMPTY_FC): Record<string, GeoJSONSourceSpecification> {
  return { [SITE_SOURCE]: { type: 'geojson', data: data as GeoJSONSourceSpecification['data'] } };
}

/** Which kinds are shown, as a layer filter. */
function kindFilter(p: SiteLayerParams): FilterSpecification {
  const kinds = [...(p.showSchools ? ['school'] : []), ...(p.showHubs ? ['hub'] : [])];
  return ['in', ['get', 'kind'], ['literal', kinds]];
}

export function siteLayers(p: SiteLayerParams): LayerSpecification[] {
  const any = p.showSchools || p.showHubs;
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
      filter: kindFilter(p),
      minzoom: 14,
      layout: {
        visibility: visibility(any && p.showLabels),
        'text-field': ['get', 'name'],
        'text-font': LABEL_FONT,
        'text-size': 11,
        'text-offset': [0, 1.1],
        'text-anchor': 'top',
        'text-max-width': 10,
        'text-optional': true,
      },
      paint: { 'text-color': '#1b1b1b', 'text-halo-color': '#ffffff', 'text-halo-width': 1.4 },
    },
  ];
}
