// Wards and Clear-Hold-Build regions. Ward outlines are the planning maps' backdrop; on the CHB page the
// wards chosen for the area or the control are tinted. A saved CHB area shows its area, displacement
// buffer ring and control area in three distinct (colour-blind-safe) colours.
import type { ExpressionSpecification, GeoJSONSourceSpecification, LayerSpecification } from '@maplibre/maplibre-gl-style-spec';
import type { FeatureCollection } from 'geojson';
import { EMPTY_FC, LABEL_FONT, visibility } from './common';

export const PLAN_WARD_SOURCE = 'sp-plan-wards';
export const PLAN_WARD_LABEL_SOURCE = 'sp-plan-ward-labels';
export const CHB_SOURCE = 'sp-chb-regions';

export const PLAN_WARD_FILL_LAYER = 'sp-plan-ward-fill';
export const PLAN_WARD_LINE_LAYER = 'sp-plan-ward-line';
export const PLAN_WARD_LABEL_LAYER = 'sp-plan-ward-label';
export const CHB_FILL_LAYER = 'sp-chb-fill';
export const CHB_LINE_LAYER = 'sp-chb-line';

export const CHB_COLOURS = { area: '#0072B2', buffer: '#E69F00', control: '#009E73' } as const;

export interface ChbLayerParams {
  showWardLabels: boolean;
  /** Ward codes picked for the area and for the control (tinted). */
  areaWards: readonly string[];
  controlWards: readonly string[];
  showRegions: boolean;
}

export function chbSources(
  data: { wards?: FeatureCollection; wardLabels?: FeatureCollection; regions?: FeatureCollection } = {},
): Record<string, GeoJSONSourceSpecification> {
  const src = (fc?: FeatureCollection): GeoJSONSourceSpecification => ({
    type: 'geojson',
    data: (fc ?? EMPTY_FC) as GeoJSONSourceSpecification['data'],
  });
  return { [PLAN_WARD_SOURCE]: src(data.wards), [PLAN_WARD_LABEL_SOURCE]: src(data.wardLabels), [CHB_SOURCE]: src(data.regions) };
}

/** Area wards blue, control wards green, others transparent (the fill stays for clicks). */
export function wardPickColour(p: Pick<ChbLayerParams, 'areaWards' | 'controlWards'>): ExpressionSpecification {
  return [
    'case',
    ['in', ['get', 'code'], ['literal', [...p.areaWards]]],
    CHB_COLOURS.area,
    ['in', ['get', 'code'], ['literal', [...p.controlWards]]],
    CHB_COLOURS.control,
    'rgba(0,0,0,0)',
  ] as ExpressionSpecification;
}

const regionColour: ExpressionSpecification = [
  'match',
  ['get', 'region'],
  'area',
  CHB_COLOURS.area,
  'buffer',
  CHB_COLOURS.buffer,
  CHB_COLOURS.control,
];

/** Ward fill and outlines (bottom), drawn under everything else. */
export function wardLayers(p: ChbLayerParams): LayerSpecification[] {
  return [
    {
      id: PLAN_WARD_FILL_LAYER,
      type: 'fill',
      source: PLAN_WARD_SOURCE,
      paint: { 'fill-color': wardPickColour(p), 'fill-opacity': 0.35 },
    },
    {
      id: PLAN_WARD_LINE_LAYER,
      type: 'line',
      source: PLAN_WARD_SOURCE,
      layout: { 'line-join': 'round' },
      paint: { 'line-color': '#37474f', 'line-width': 1, 'line-opacity': 0.8 },
    },
  ];
}

export function wardLabelLayers(p: ChbLayerParams): LayerSpecification[] {
  return [
    {
      id: PLAN_WARD_LABEL_LAYER,
      type: 'symbol',
      source: PLAN_WARD_LABEL_SOURCE,
      minzoom: 11,
      layout: {
        visibility: visibility(p.showWardLabels),
        'text-field': ['get', 'name'],
        'text-font': LABEL_FONT,
        'text-size': 11,
        'text-max-width': 7,
        'text-padding': 3,
      },
      paint: { 'text-color': '#37474f', 'text-halo-color': 'rgba(255,255,255,0.9)', 'text-halo-width': 1.4 },
    },
  ];
}

/** The saved CHB area's regions: buffer ring hatched-looking (dashed outline), area and control filled. */
export function chbRegionLayers(p: ChbLayerParams): LayerSpecification[] {
  return [
    {
      id: CHB_FILL_LAYER,
      type: 'fill',
      source: CHB_SOURCE,
      layout: { visibility: visibility(p.showRegions) },
      paint: {
        'fill-color': regionColour,
        'fill-opacity': ['match', ['get', 'region'], 'buffer', 0.25, 0.35] as ExpressionSpecification,
      },
    },
    {
      id: CHB_LINE_LAYER,
      type: 'line',
      source: CHB_SOURCE,
      layout: { visibility: visibility(p.showRegions), 'line-join': 'round' },
      paint: { 'line-color': regionColour, 'line-width': 2.5 },
    },
  ];
}
