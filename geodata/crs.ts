// Coordinate reference systems: WGS84 (EPSG:4326) and British National Grid (EPSG:27700).
import proj4 from 'proj4';

// EPSG:27700 with the OSGB36 7-parameter Helmert shift (the definition EPSG and proj4 publish).
proj4.defs(
  'EPSG:27700',
  '+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy ' +
    '+towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs +type=crs',
);

export type Crs = 'EPSG:4326' | 'EPSG:27700';

const toWgs = proj4('EPSG:27700', 'EPSG:4326');
const toBng = proj4('EPSG:4326', 'EPSG:27700');

/** BNG easting/northing (metres) → [lon, lat]. */
export function bngToWgs84(easting: number, northing: number): [number, number] {
  const [lon, lat] = toWgs.forward([easting, northing]);
  return [lon, lat];
}

/** [lon, lat] → BNG [easting, northing] in metres. */
export function wgs84ToBng(lon: number, lat: number): [number, number] {
  const [x, y] = toBng.forward([lon, lat]);
  return [x, y];
}

/** Recognise a CRS name as written in GeoJSON `crs` members, .prj-less files and options. */
export function parseCrsName(name: string): Crs | undefined {
  const n = name.trim().toUpperCase();
  if (/^(EPSG:+4326|URN:OGC:DEF:CRS:EPSG:[0-9.]*:4326|URN:OGC:DEF:CRS:OGC:1\.3:CRS84|CRS84|WGS84|OGC:CRS84)$/.test(n))
    return 'EPSG:4326';
  if (/^(EPSG:+27700|URN:OGC:DEF:CRS:EPSG:[0-9.]*:27700|BNG|OSGB36)$/.test(n)) return 'EPSG:27700';
  return undefined;
}

export const BNG_BOUNDS = { minE: 0, maxE: 700_000, minN: 0, maxN: 1_300_000 };

export function inWgs84Range(x: number, y: number) {
  return x >= -180 && x <= 180 && y >= -90 && y <= 90;
}
export function inBngRange(x: number, y: number) {
  return x >= BNG_BOUNDS.minE && x <= BNG_BOUNDS.maxE && y >= BNG_BOUNDS.minN && y <= BNG_BOUNDS.maxN;
}

/** Great Britain's extent in WGS84 (mainland, islands and St Kilda, with a small margin). */
export const GB_WGS84_BOUNDS = { minLon: -9, maxLon: 2.1, minLat: 49.8, maxLat: 61 };

export function inGreatBritain(lon: number, lat: number) {
  const b = GB_WGS84_BOUNDS;
  return lon >= b.minLon && lon <= b.maxLon && lat >= b.minLat && lat <= b.maxLat;
}
