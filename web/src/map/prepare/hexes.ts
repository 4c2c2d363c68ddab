// H3 cells from the API -> GeoJSON hexagons, and the choice of resolution and fetch extent.
import { cellToBoundary, getResolution, isValidCell } from 'h3-js';
import type { Feature, FeatureCollection, Polygon } from 'geojson';
import type { Bbox } from '../../api/client';
import type { HexCell } from '../../../../contract/aggregates';

export interface HexProperties {
  h3: string;
  /** Null when withheld (partners); drawn in the withheld colour. */
  count: number | null;
  res: number;
}

/**
 * One Polygon per valid cell. `cellToBoundary(cell, true)` gives GeoJSON order ([lng, lat]) and a closed
 * ring (first vertex repeated), so a hexagon has 7 positions (a pentagon 6). Lewisham is nowhere near
 * the antimeridian, so rings are not split.
 */
export function cellsToFeatureCollection(cells: readonly HexCell[]): FeatureCollection<Polygon, HexProperties> {
  const features: Feature<Polygon, HexProperties>[] = [];
  for (const c of cells) {
    if (!isValidCell(c.h3)) continue;
    features.push({
      type: 'Feature',
      properties: { h3: c.h3, count: c.count, res: getResolution(c.h3) },
      geometry: { type: 'Polygon', coordinates: [cellToBoundary(c.h3, true)] },
    });
  }
  return { type: 'FeatureCollection', features };
}

export const HEX_RESOLUTIONS = [7, 8, 9, 10] as const;
export type HexRes = (typeof HEX_RESOLUTIONS)[number];

/** Resolution that keeps hexagons a readable size on screen: ~1.2 km across at z<12 (res 8) down to ~130 m (res 10). */
export function hexResolutionForZoom(zoom: number): HexRes {
  if (zoom < 10) return 7;
  if (zoom < 12) return 8;
  if (zoom <= 13.5) return 9;
  return 10;
}

/** Grows a bbox by `frac` of its size on every side, clamped to valid longitudes/latitudes. */
export function padBbox([w, s, e, n]: Bbox, frac: number): Bbox {
  const dx = (e - w) * frac;
  const dy = (n - s) * frac;
  return [Math.max(-180, w - dx), Math.max(-85, s - dy), Math.min(180, e + dx), Math.min(85, n + dy)];
}

export function bboxContains(outer: Bbox, inner: Bbox): boolean {
  return inner[0] >= outer[0] && inner[1] >= outer[1] && inner[2] <= outer[2] && inner[3] <= outer[3];
}

/** What a viewport-driven fetch was made for; refetch only when filters/resolution change or the view leaves it. */
export interface FetchExtent {
  key: string;
  bbox: Bbox;
}

export function needsRefetch(last: FetchExtent | null, key: string, view: Bbox): boolean {
  return !last || last.key !== key || !bboxContains(last.bbox, view);
}
