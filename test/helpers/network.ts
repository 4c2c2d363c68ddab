// A real walking network for tests. No street file is in shared/data, so: the 2021 Lewisham LSOA boundary
// rings, which in London largely follow street centrelines (and rivers and railways), each ring a line;
// neighbouring LSOAs share vertices, so the rings join into one network.
import fs from 'node:fs';
import path from 'node:path';
import { SHARED } from './db.js';

export const LSOA_FILE = path.join(SHARED, 'lewisham_lsoa21.geojson');

/** The rings as lines of WGS84 [lon, lat] vertices. */
export function lsoaRingLines(): number[][][] {
  const lsoa = JSON.parse(fs.readFileSync(LSOA_FILE, 'utf8'));
  return lsoa.features.flatMap((f: { geometry: { type: string; coordinates: number[][][] | number[][][][] } }) =>
    (f.geometry.type === 'Polygon' ? [f.geometry.coordinates as number[][][]] : (f.geometry.coordinates as number[][][][])).flat(
      1,
    ),
  );
}

/** The same lines as a GeoJSON FeatureCollection (what PUT /api/planning/network takes). */
export function lsoaRingNetwork() {
  return {
    type: 'FeatureCollection',
    features: lsoaRingLines().map((coordinates) => ({
      type: 'Feature',
      properties: {},
      geometry: { type: 'LineString', coordinates },
    })),
  };
}
