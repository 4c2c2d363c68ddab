// H3 cells stored with every incident, at resolutions 7 (~5 km²) to 10 (~0.015 km²).
import { cellToParent, latLngToCell } from 'h3-js';

export const H3_RESOLUTIONS = [7, 8, 9, 10] as const;
export type H3Res = (typeof H3_RESOLUTIONS)[number];

/** Cells containing (lat, lon) at resolutions 7..10, as 15-character hex strings. */
export function cellsFor(lat: number, lon: number): [string, string, string, string] {
  const c10 = latLngToCell(lat, lon, 10);
  return [cellToParent(c10, 7), cellToParent(c10, 8), cellToParent(c10, 9), c10];
}
