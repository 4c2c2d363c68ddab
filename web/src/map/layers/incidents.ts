// Incident points, clustered by MapLibre: cluster circles with counts, and single points.
import type { ExpressionSpecification, GeoJSONSourceSpecification, LayerSpecification } from '@maplibre/maplibre-gl-style-spec';
import type { FeatureCollection } from 'geojson';
import { EMPTY_FC, LABEL_FONT, visibility } from './common';

export const INCIDENT_SOURCE = 'sp-incidents';
export const INCIDENT_CLUSTER_LAYER = 'sp-incident-cluster';
export const INCIDENT_CLUSTER_COUNT_LAYER = 'sp-incident-cluster-count';
export const INCIDENT_POINT_LAYER = 'sp-incident-point';

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

export function incidentLayers(p: IncidentLayerParams): LayerSpecification[] {
  const vis = visibility(p.visible);
  return [
    {
      id: INCIDENT_CLUSTER_LAYER,
      type: 'circle',
      source: INCIDENT_SOURCE,
      filter: ['has', 'point_count'],
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
      layout: { visibility: vis },
      paint: {
        'circle-color': POINT_COLOUR,
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 12, 3.5, 17, 6] as ExpressionSpecification,
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 1.2,
      },
    },
  ];
}
