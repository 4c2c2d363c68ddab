// The CHB form's draft regions, kept apart from drawing: the H3 cells picked for the area (a click toggles
// the cell under it), the shapes drawn, and the features the create map shows — the area and control as
// the API will build them, and a preview of the displacement buffer ring. Pure; tested in Node
// (test/planning-units.test.ts).
import { buffer, difference, feature, featureCollection, union } from '@turf/turf';
import { cellsToMultiPolygon, latLngToCell } from 'h3-js';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { ChbRegion } from '../../../../contract/planning';

/** The resolution of the cells picked on the map. */
export const PICK_RES = 9;
/** What that resolution means on the ground (H3's average res-9 cell: 0.105 km², edges 174 m). */
export const PICK_RES_NOTE = 'H3 resolution 9: hexagons of about 0.1 km², about 350 m corner to corner';

export type Area = Polygon | MultiPolygon;

/** The cells with the one under `lngLat` added, or removed when it was already there (order kept). */
export function toggleCell(cells: readonly string[], lngLat: [number, number], res = PICK_RES): string[] {
  const c = latLngToCell(lngLat[1], lngLat[0], res);
  return cells.includes(c) ? cells.filter((x) => x !== c) : [...cells, c];
}

/** The cells as one outline (GeoJSON order), as the API builds it from {cells}; null when none. */
export function cellsGeometry(cells: readonly string[]): MultiPolygon | null {
  return cells.length ? { type: 'MultiPolygon', coordinates: cellsToMultiPolygon([...cells], true) } : null;
}

/** Several polygons (picked wards) dissolved into one; null when none. */
export function unionOf(shapes: readonly Area[]): Area | null {
  if (shapes.length === 0) return null;
  if (shapes.length === 1) return shapes[0];
  const u = union(featureCollection(shapes.map((g) => feature(g))));
  return u ? u.geometry : null;
}

/**
 * The ring within `metres` of the area, the area itself cut out: a preview only (Turf's buffer on the
 * sphere, 8 steps per quarter circle); the server builds the buffer on the British National Grid.
 */
export function bufferRing(area: Area | null, metres: number): Area | null {
  if (!area || !(metres > 0)) return null;
  const outer = buffer(feature(area), metres, { units: 'meters', steps: 8 });
  if (!outer) return null;
  const ring = difference(featureCollection([outer as Feature<Area>, feature(area)]));
  return ring ? ring.geometry : null;
}

/** The draft's regions for the map's CHB layers (drawn bottom to top: buffer, control, area). */
export function draftFeatures(r: { area: Area | null; buffer: Area | null; control: Area | null }): FeatureCollection<Area> {
  const out: Feature<Area>[] = [];
  for (const region of ['buffer', 'control', 'area'] as const satisfies readonly ChbRegion[]) {
    const g = r[region];
    if (g) out.push({ type: 'Feature', geometry: g, properties: { region } });
  }
  return { type: 'FeatureCollection', features: out };
}
