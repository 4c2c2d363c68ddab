// H3 cells stored with every incident, at resolutions 7 (~5 km²) to 10 (~0.015 km²).
// Each resolution is indexed directly from the point: H3 cells are not exactly nested, so the
// parent of a point's res-10 cell is not always the res-9 cell that contains the point.
import { latLngToCell } from 'h3-js';

export const H3_RESOLUTIONS = [7, 8, 9, 10] as const;
export type H3Res = (typeof H3_RESOLUTIONS)[number];

/** Cells containing (lat, lon) at resolutions 7..10, as 15-character hex strings. */
export function cellsFor(lat: number, lon: number): [string, string, string, string] {
  return [latLngToCell(lat, lon, 7), latLngToCell(lat, lon, 8), latLngToCell(lat, lon, 9), latLngToCell(lat, lon, 10)];
}
