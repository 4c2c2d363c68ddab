// Hotspot statistics on the map (issue 4): one GeoJSON source holding the units of the current statistic
// (H3 cells or area polygons, prepare/hotspots.ts), the Gi* fill coloured by hot/cold class, and the
// outline and selection drawn over whichever statistic is shown. The emerging and change fills on the
// same source are in emerging.ts and change.ts.
import type { ExpressionSpecification, GeoJSONSourceSpecification, LayerSpecification } from '@maplibre/maplibre-gl-style-spec';
import type { FeatureCollection } from 'geojson';
import { HOT_COLD_CLASSES, type ChangeComparison, type HotColdClass } from '../../../../contract/hotspots';
import type { HotspotMode } from '../../pages/map/hotspots/hotspot-url';
import { EMPTY_FC, visibility } from './common';

export const HOTSPOT_SOURCE = 'sp-hotspots';
export const HOTSPOT_FILL_LAYER = 'sp-hotspot-fill';
export const HOTSPOT_LINE_LAYER = 'sp-hotspot-outline';
/** Outlines of partial cells (cut by the study area's boundary): dashed and darker, so they read as different. */
export const HOTSPOT_PARTIAL_LINE_LAYER = 'sp-hotspot-outline-partial';
export const HOTSPOT_SELECTED_LAYER = 'sp-hotspot-selected';

export interface HotspotLayerParams {
  /** null: no hotspot statistic drawn (count / rate maps). */
  mode: HotspotMode | null;
  /** Emerging hot spots: the playback period (0-based); null = the pattern of each unit. */
  step: number | null;
  /** Playback colour scale for z, the same for every period (symmetric about 0); null = colour by class (partners). */
  zScale: [number, number] | null;
  vs: ChangeComparison;
  /** `id` (h3 or area code) of the selected unit. */
  selectedId: string | null;
}

/** Hot/cold classes, hot first (legend order). */
export const HOT_COLD_ORDER: readonly HotColdClass[] = HOT_COLD_CLASSES;

/** ColorBrewer RdBu (7 classes; colour-blind safe): red = hot, blue = cold, near-white = not significant. */
export const HOT_COLD_COLOURS: Record<HotColdClass, string> = {
  hot_99: '#b2182b',
  hot_95: '#ef8a62',
  hot_90: '#fddbc7',
  not_significant: '#f7f7f7',
  cold_90: '#d1e5f0',
  cold_95: '#67a9cf',
  cold_99: '#2166ac',
};

export const HOT_COLD_LABELS: Record<HotColdClass, string> = {
  hot_99: 'Hot spot, 99% confidence',
  hot_95: 'Hot spot, 95% confidence',
  hot_90: 'Hot spot, 90% confidence',
  not_significant: 'Not significant',
  cold_90: 'Cold spot, 90% confidence',
  cold_95: 'Cold spot, 95% confidence',
  cold_99: 'Cold spot, 99% confidence',
};

export function hotspotSources(data: FeatureCollection = EMPTY_FC): Record<string, GeoJSONSourceSpecification> {
  return { [HOTSPOT_SOURCE]: { type: 'geojson', data: data as GeoJSONSourceSpecification['data'] } };
}

/** `match` on a class property: the class colour, not-significant colour otherwise. */
export function classColour(property: ExpressionSpecification): ExpressionSpecification {
  const pairs = HOT_COLD_ORDER.filter((c) => c !== 'not_significant').flatMap((c) => [c, HOT_COLD_COLOURS[c]]);
  return ['match', property, ...pairs, HOT_COLD_COLOURS.not_significant] as ExpressionSpecification;
}

/** Not-significant units stay faint so the significant ones read first. */
export function classOpacity(property: ExpressionSpecification): ExpressionSpecification {
  return ['match', property, 'not_significant', 0.25, 0.85] as ExpressionSpecification;
}

export function hotspotFillLayers(p: HotspotLayerParams): LayerSpecification[] {
  const cls: ExpressionSpecification = ['get', 'class'];
  return [
    {
      id: HOTSPOT_FILL_LAYER,
      type: 'fill',
      source: HOTSPOT_SOURCE,
      layout: { visibility: visibility(p.mode === 'gi') },
      paint: { 'fill-color': classColour(cls), 'fill-opacity': classOpacity(cls) },
    },
  ];
}

/** Partial cells' outline (the legend draws its sample from these). */
export const PARTIAL_OUTLINE = { colour: '#424242', width: 1, dash: [2, 2] as [number, number] };

/** Thin outlines of every unit (dashed for partial cells) and the selected one, over the statistic's fill. */
export function hotspotLineLayers(p: HotspotLayerParams): LayerSpecification[] {
  const partial: ExpressionSpecification = ['==', ['get', 'partial'], true];
  return [
    {
      id: HOTSPOT_LINE_LAYER,
      type: 'line',
      source: HOTSPOT_SOURCE,
      filter: ['!', partial],
      layout: { visibility: visibility(p.mode !== null) },
      paint: { 'line-color': '#9e9e9e', 'line-opacity': 0.6, 'line-width': 0.5 },
    },
    {
      id: HOTSPOT_PARTIAL_LINE_LAYER,
      type: 'line',
      source: HOTSPOT_SOURCE,
      filter: partial,
      layout: { visibility: visibility(p.mode !== null) },
      paint: {
        'line-color': PARTIAL_OUTLINE.colour,
        'line-opacity': 0.8,
        'line-width': PARTIAL_OUTLINE.width,
        'line-dasharray': PARTIAL_OUTLINE.dash,
      },
    },
    {
      id: HOTSPOT_SELECTED_LAYER,
      type: 'line',
      source: HOTSPOT_SOURCE,
      filter: ['==', ['get', 'id'], p.selectedId ?? ''],
      layout: { visibility: visibility(p.mode !== null && p.selectedId !== null), 'line-join': 'round' },
      paint: { 'line-color': '#000000', 'line-width': 3 },
    },
  ];
}
