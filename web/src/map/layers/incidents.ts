// Incident points: below zoom 14 fetched as GeoJSON and clustered by MapLibre (cluster circles with counts,
// and single points); from zoom 14 read from the vector tiles of /api/tiles/incidents (issue 16), so a
// close view never downloads thousands of points at once.
import type {
  ExpressionSpecification,
  GeoJSONSourceSpecification,
  LayerSpecification,
  VectorSourceSpecification,
} from '@maplibre/maplibre-gl-style-spec';
import type { FeatureCollection } from 'geojson';
import { INCIDENT_TILE_LAYER, POINT_MIN_ZOOM } from '../../../../contract/tiles';
import { EMPTY_FC, LABEL_FONT, visibility } from './common';

export const INCIDENT_SOURCE = 'sp-incidents';
export const INCIDENT_CLUSTER_LAYER = 'sp-incident-cluster';
export const INCIDENT_CLUSTER_COUNT_LAYER = 'sp-incident-cluster-count';
export const INCIDENT_POINT_LAYER = 'sp-incident-point';
export const INCIDENT_TILE_SOURCE = 'sp-incident-tiles';
export const INCIDENT_TILE_POINT_LAYER = 'sp-incident-tile-point';
/** From this zoom the points come from vector tiles; below it from GET /incidents. */
export const INCIDENT_TILE_MIN_ZOOM = POINT_MIN_ZOOM;
/** Tiles are fetched up to this zoom and over-zoomed beyond (a z16 tile is ~600 m across in London). */
export const INCIDENT_TILE_MAX_ZOOM = 16;

/** The tile URL template for the filters (absolute: MapLibre's workers fetch it). */
export function incidentTileUrl(origin: string, query: Record<string, string | undefined>): string {
  const q = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined)).toString();
  return `${origin}/api/tiles/incidents/{z}/{x}/{y}.mvt${q ? `?${q}` : ''}`;
}

export function incidentTileSource(url: string): Record<string, VectorSourceSpecification> {
  return {
    [INCIDENT_TILE_SOURCE]: { type: 'vector', tiles: [url], minzoom: INCIDENT_TILE_MIN_ZOOM, maxzoom: INCIDENT_TILE_MAX_ZOOM },
  };
}

/** Clustering stops above this zoom: police.uk points share snap points, so they stay stacked at any zoom. */
export const INCIDENT_CLUSTER_MAX_ZOOM = 15;

export interface IncidentLayerParams {
  visible: boolean;
}

export function incidentSources(data: FeatureCollection = EMPTY_FC): Record<string, GeoJSONSourceSpecification> {
  return {
    [INCIDENT_SOURCE]: {
      type: 'geojson',
      data: data as GeoJSONSourceSpecification['data'],
      cluster: true,
      clusterRadius: 40,
      clusterMaxZoom: INCIDENT_CLUSTER_MAX_ZOOM,
    },
  };
}

const POINT_COLOUR = '#3f007d';
const POINT_PAINT = {
  'circle-color': POINT_COLOUR,
  'circle-radius': ['interpolate', ['linear'], ['zoom'], 12, 3.5, 17, 6] as ExpressionSpecification,
  'circle-stroke-color': '#ffffff',
  'circle-stroke-width': 1.2,
};

export function incidentLayers(p: IncidentLayerParams): LayerSpecification[] {
  const vis = visibility(p.visible);
  return [
    {
      id: INCIDENT_CLUSTER_LAYER,
      type: 'circle',
      source: INCIDENT_SOURCE,
      filter: ['has', 'point_count'],
      maxzoom: INCIDENT_TILE_MIN_ZOOM,
      layout: { visibility: vis },
      paint: {
        'circle-color': POINT_COLOUR,
        'circle-opacity': 0.75,
        'circle-radius': ['step', ['get', 'point_count'], 11, 50, 15, 250, 20, 1000, 26] as ExpressionSpecification,
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 1.5,
      },
    },
    {
      id: INCIDENT_CLUSTER_COUNT_LAYER,
      type: 'symbol',
      source: INCIDENT_SOURCE,
      filter: ['has', 'point_count'],
      maxzoom: INCIDENT_TILE_MIN_ZOOM,
      layout: {
        visibility: vis,
        'text-field': ['get', 'point_count_abbreviated'],
        'text-font': LABEL_FONT,
        'text-size': 11,
        'text-allow-overlap': true,
      },
      paint: { 'text-color': '#ffffff' },
    },
    {
      id: INCIDENT_POINT_LAYER,
      type: 'circle',
      source: INCIDENT_SOURCE,
      filter: ['!', ['has', 'point_count']],
      maxzoom: INCIDENT_TILE_MIN_ZOOM,
      layout: { visibility: vis },
      paint: POINT_PAINT,
    },
    {
      id: INCIDENT_TILE_POINT_LAYER,
      type: 'circle',
      source: INCIDENT_TILE_SOURCE,
      'source-layer': INCIDENT_TILE_LAYER,
      minzoom: INCIDENT_TILE_MIN_ZOOM,
      layout: { visibility: vis },
      paint: POINT_PAINT,
    },
  ];
}
