// The overlay drawn over any basemap: every source and layer the app adds, in drawing order.
import type { LayerSpecification, SourceSpecification, StyleSpecification } from '@maplibre/maplibre-gl-style-spec';
import { areaFillLayers, areaLabelLayers, areaLineLayers, areaSources, type AreaLayerParams } from './areas';
import { hexLayers, hexSources, type HexLayerParams } from './hexes';
import { incidentLayers, incidentSources, incidentTileSource, incidentTileUrl, type IncidentLayerParams } from './incidents';
import { hotspotFillLayers, hotspotLineLayers, hotspotSources, type HotspotLayerParams } from './hotspots';
import { emergingFillLayers } from './emerging';
import { changeFillLayers } from './change';
import { kdeLayers, kdeSources, type KdeLayerParams } from './kde';

export * from './areas';
export * from './hexes';
export * from './incidents';
export * from './hotspots';
export * from './emerging';
export * from './change';
export * from './kde';

export interface OverlayParams {
  areas: AreaLayerParams;
  hexes: HexLayerParams;
  incidents: IncidentLayerParams;
  /** Hotspot statistics (issue 4): Gi*, emerging hot spots or change; absent = none. */
  hotspots?: HotspotLayerParams;
  /** The kernel density surface (analyst branch); absent = none. */
  kde?: KdeLayerParams;
}

/** Layers bottom to top: area fill, hexagons, hotspot statistic, area outlines, incidents, labels. */
export function overlayLayers(p: OverlayParams): LayerSpecification[] {
  return [
    ...areaFillLayers(p.areas),
    ...hexLayers(p.hexes),
    ...kdeLayers(p.kde ?? { visible: false, max: null }),
    ...(p.hotspots
      ? [
          ...hotspotFillLayers(p.hotspots),
          ...emergingFillLayers(p.hotspots),
          ...changeFillLayers(p.hotspots),
          ...hotspotLineLayers(p.hotspots),
        ]
      : []),
    ...areaLineLayers(p.areas),
    ...incidentLayers(p.incidents),
    ...areaLabelLayers(p.areas),
  ];
}

/** Source specs with empty data (the controller fills them with setData) and the incident tiles of `origin`. */
export function overlaySources(origin = 'http://localhost'): Record<string, SourceSpecification> {
  return {
    ...areaSources(),
    ...hexSources(),
    ...kdeSources(),
    ...incidentSources(),
    ...incidentTileSource(incidentTileUrl(origin, {})),
  };
}

/** A basemap style with the overlay on top (used by tests to validate the whole style). */
export function composeStyle(
  base: StyleSpecification,
  sources: Record<string, SourceSpecification>,
  layers: LayerSpecification[],
): StyleSpecification {
  return { ...base, sources: { ...base.sources, ...sources }, layers: [...base.layers, ...layers] };
}
