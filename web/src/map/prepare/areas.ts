// Area boundaries and statistics -> what the map needs: feature states, label points, bounds.
import { area, bbox, booleanPointInPolygon, centroid, pointOnFeature } from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Point, Polygon, Position } from 'geojson';
import type { Bbox } from '../../api/client';
import type { AreaCollection, AreaStat } from '../../../../contract/aggregates';

export interface AreaState {
  count: number | null;
  rate: number | null;
}

/** Feature state for every area (by numeric feature id); areas missing from the statistics get nulls. */
export function areaFeatureStates(
  areas: AreaCollection,
  stats: readonly AreaStat[],
): { id: number | string; state: AreaState }[] {
  const byCode = new Map(stats.map((s) => [s.code, s]));
  const out: { id: number | string; state: AreaState }[] = [];
  for (const f of areas.features) {
    if (f.id === undefined || f.id === null) continue;
    const s = byCode.get(f.properties.code);
    out.push({ id: f.id, state: { count: s ? s.count : null, rate: s ? s.rate_per_1000 : null } });
  }
  return out;
}

function largestPolygon(g: Polygon | MultiPolygon): Polygon {
  if (g.type === 'Polygon') return g;
  let best: Position[][] = g.coordinates[0];
  let bestArea = -1;
  for (const coords of g.coordinates) {
    const a = area({ type: 'Polygon', coordinates: coords });
    if (a > bestArea) {
      bestArea = a;
      best = coords;
    }
  }
  return { type: 'Polygon', coordinates: best };
}

/** A label point inside each area: the centroid of its largest part when inside, else a point on the surface. */
export function areaLabelPoints(areas: AreaCollection): FeatureCollection<Point, { code: string; name: string }> {
  const features: Feature<Point, { code: string; name: string }>[] = [];
  for (const f of areas.features) {
    if (!f.geometry) continue;
    const poly = largestPolygon(f.geometry);
    let pt = centroid(poly).geometry;
    if (!booleanPointInPolygon(pt, poly)) pt = pointOnFeature(poly).geometry;
    features.push({ type: 'Feature', properties: { code: f.properties.code, name: f.properties.name }, geometry: pt });
  }
  return { type: 'FeatureCollection', features };
}

/** Bounds of all areas, or of the one with `code`. */
export function areaBounds(areas: AreaCollection, code?: string): Bbox | null {
  const fs = code ? areas.features.filter((f) => f.properties.code === code) : areas.features;
  if (fs.length === 0) return null;
  return bbox({ type: 'FeatureCollection', features: fs }) as Bbox;
}
