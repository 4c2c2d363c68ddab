// KDE surface → GeoJSON squares (WGS84) for the density layer: one polygon per grid cell inside the study
// area with a density above 1% of the highest (the rest would draw as nothing), corners projected once.
import type { FeatureCollection, Polygon } from 'geojson';
import { bngToWgs84 } from '../../../../geodata/crs';
import type { KdeSurface } from '../../../../geodata/stats/kde';

/** Share of the highest density below which a cell is left out (transparent). */
export const KDE_FLOOR = 0.01;

export function kdeFeatures(s: KdeSurface): { fc: FeatureCollection<Polygon, { d: number }>; max: number } {
  const { x0, y0, cell, nx, density } = s.grid;
  let max = 0;
  for (const k of s.inside) max = Math.max(max, density[k]);
  const corners = new Map<number, [number, number]>();
  const corner = (i: number, j: number) => {
    const key = j * (nx + 1) + i;
    let c = corners.get(key);
    if (!c) {
      const [lon, lat] = bngToWgs84(x0 + i * cell, y0 + j * cell);
      c = [Math.round(lon * 1e6) / 1e6, Math.round(lat * 1e6) / 1e6];
      corners.set(key, c);
    }
    return c;
  };
  const features: FeatureCollection<Polygon, { d: number }>['features'] = [];
  for (const k of s.inside) {
    const d = density[k];
    if (!(max > 0) || d < KDE_FLOOR * max) continue;
    const i = k % nx;
    const j = (k - i) / nx;
    const ring = [corner(i, j), corner(i + 1, j), corner(i + 1, j + 1), corner(i, j + 1), corner(i, j)];
    features.push({ type: 'Feature', geometry: { type: 'Polygon', coordinates: [ring] }, properties: { d } });
  }
  return { fc: { type: 'FeatureCollection', features }, max };
}
