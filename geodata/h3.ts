// H3 cells stored with every incident, at resolutions 7 (~5 km²) to 10 (~0.015 km²).
// Each resolution is indexed directly from the point: H3 cells are not exactly nested, so the
// parent of a point's res-10 cell is not always the res-9 cell that contains the point.
import { latLngToCell } from 'h3-js';

export const H3_RESOLUTIONS = [7, 8, 9, 10] as const;
export type H3Res = (typeof H3_RESOLUTIONS)[number];

/** Cells containing (lat, lon) at resolutions 7..10, computed (four latLngToCell calls). */
export function computeCells(lat: number, lon: number): [string, string, string, string] {
  return [latLngToCell(lat, lon, 7), latLngToCell(lat, lon, 8), latLngToCell(lat, lon, 9), latLngToCell(lat, lon, 10)];
}

// police.uk points are snapped to a few thousand map points per area, so most rows of a file repeat
// a point already seen: remember the cells per point. Bounded: emptied when it reaches MEMO_MAX.
const MEMO_MAX = 200_000;
const memo = new Map<string, [string, string, string, string]>();

/**
 * Cells containing (lat, lon) at resolutions 7..10, as 15-character hex strings. The same values as
 * computeCells (a pure function of the point), remembered per point; the tuple is shared and frozen.
 */
export function cellsFor(lat: number, lon: number): [string, string, string, string] {
  const k = `${lat},${lon}`;
  let c = memo.get(k);
  if (c === undefined) {
    if (memo.size >= MEMO_MAX) memo.clear();
    c = Object.freeze(computeCells(lat, lon)) as [string, string, string, string];
    memo.set(k, c);
  }
  return c;
}
