// Deterministic police.uk street CSV for the import benchmark.
//
// The same (rows, seed, bbox) always gives a byte-identical file. The file is cached under
// <tmpdir>/saferplaces-bench/ keyed by rows, seed and the generator version, so repeated runs
// measure the import, not the generator.
//
// What the rows look like (police.uk street CSV, Metropolitan Police Service):
// - points snapped to a pool of 20,000 "map points" spread over the wards' bbox, picked with a
//   Zipf-like skew (a few hot points, a long tail), 6 decimals like police.uk; 95% of the map
//   points are drawn inside a ward polygon (rejection sampling), 5% anywhere in the bbox, so that
//   most rows make the importer find their ward (real point-in-polygon work) and a few fall outside;
// - ~20% anti-social behaviour rows, which have an empty Crime ID and no outcome (as in police.uk);
//   every other row has a 64-hex Crime ID and one of the usual outcomes;
// - the 14 police.uk crime-type labels; months 2022-03 .. 2025-02 (36), rows ordered by month as
//   when monthly files are concatenated;
// - ~1% rows with no location (empty coordinates, "No Location"), which the importer rejects.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { Rng, Weighted } from './prng.js';

export const GENERATOR_VERSION = 2;

export const POLICE_UK_HEADER =
  'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context';

export type BBox = [minLon: number, minLat: number, maxLon: number, maxLat: number];

/** Ward polygons as rings, for the generator's own point-in-polygon (even-odd per ward). */
export interface Wards {
  bbox: BBox;
  wards: { bbox: BBox; rings: number[][][] }[];
}

const ASB = 'Anti-social behaviour';
// Shares roughly as in Metropolitan Police street files; ASB ~20%.
const CRIME_TYPES: ReadonlyArray<readonly [string, number]> = [
  [ASB, 20],
  ['Violence and sexual offences', 28],
  ['Public order', 7],
  ['Criminal damage and arson', 6.5],
  ['Other theft', 6.5],
  ['Vehicle crime', 6.5],
  ['Shoplifting', 5.5],
  ['Burglary', 4.5],
  ['Drugs', 2.5],
  ['Robbery', 2],
  ['Theft from the person', 2],
  ['Bicycle theft', 1.5],
  ['Other crime', 1.5],
  ['Possession of weapons', 1],
];

const OUTCOMES: ReadonlyArray<readonly [string, number]> = [
  ['Investigation complete; no suspect identified', 35],
  ['Unable to prosecute suspect', 25],
  ['Under investigation', 10],
  ['Awaiting court outcome', 5],
  ['Status update unavailable', 5],
  ['Local resolution', 4],
  ['Further investigation is not in the public interest', 3],
  ['Court result unavailable', 3],
  ['Offender given a caution', 2],
  ['Formal action is not in the public interest', 2],
  ['Action to be taken by another organisation', 2],
  ['Further action is not in the public interest', 2],
  ['', 2],
];

const STREET_A = [
  'Lewisham',
  'Catford',
  'Brockley',
  'Deptford',
  'Church',
  'Station',
  'High',
  'Mill',
  'Park',
  'Manor',
  'Hither Green',
  'Lee',
  'Sydenham',
  'Forest',
  'Honor Oak',
  'Ladywell',
  'Rushey',
  'Bell',
  'Grove',
  'Wood',
  'Baring',
  'Torridon',
  'Brownhill',
  'Bromley',
  'Stanstead',
  'Perry',
  'Bellingham',
  'Downham',
  'Evelyn',
  'Loampit',
  "Trundley'S",
  'Algernon',
];
const STREET_B = [
  'Road',
  'Street',
  'Lane',
  'Avenue',
  'Grove',
  'Close',
  'Place',
  'Way',
  'Hill',
  'Rise',
  'Gardens',
  'Terrace',
  'Mews',
  'Park',
];
const PLACES = [
  'Parking Area',
  'Supermarket',
  'Petrol Station',
  'Shopping Area',
  'Nightclub',
  'Sports/Recreation Area',
  'Further/Higher Educational Building',
  'Hospital',
  'Police Station',
  'Theatre/Concert Hall',
];

const MONTHS = 36;
const FIRST_YEAR = 2022;
const FIRST_MONTH = 3;
const SNAP_POINTS = 20_000;
const FORCE = 'Metropolitan Police Service';

function monthLabel(i: number): string {
  const m0 = FIRST_MONTH - 1 + i;
  return `${FIRST_YEAR + Math.floor(m0 / 12)}-${String((m0 % 12) + 1).padStart(2, '0')}`;
}

const csvField = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

interface SnapPoint {
  /** "lon,lat" as police.uk writes them (6 decimals). */
  lonLat: string;
  location: string;
  lsoaCode: string;
  lsoaName: string;
}

function inRing(x: number, y: number, ring: number[][]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i],
      [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function inWards(x: number, y: number, w: Wards): boolean {
  return w.wards.some((d) => {
    if (x < d.bbox[0] || y < d.bbox[1] || x > d.bbox[2] || y > d.bbox[3]) return false;
    let odd = false;
    for (const r of d.rings) if (inRing(x, y, r)) odd = !odd;
    return odd;
  });
}

function snapPoints(rng: Rng, w: Wards): { points: SnapPoint[]; pick: Weighted<number> } {
  const [x0, y0, x1, y1] = w.bbox;
  const GX = 16,
    GY = 14; // LSOA-like grid over the bbox: nearby points share an LSOA
  const points: SnapPoint[] = [];
  const weights: [number, number][] = [];
  for (let i = 0; i < SNAP_POINTS; i++) {
    const inside = rng.next() < 0.95;
    let lon: number, lat: number;
    do {
      lon = rng.range(x0, x1);
      lat = rng.range(y0, y1);
    } while (inside && !inWards(lon, lat, w));
    const gx = Math.min(GX - 1, Math.floor(((lon - x0) / (x1 - x0)) * GX));
    const gy = Math.min(GY - 1, Math.floor(((lat - y0) / (y1 - y0)) * GY));
    const cell = gy * GX + gx;
    const location =
      rng.next() < 0.12
        ? `On or near ${PLACES[rng.int(PLACES.length)]}`
        : `On or near ${STREET_A[rng.int(STREET_A.length)]} ${STREET_B[rng.int(STREET_B.length)]}`;
    points.push({
      lonLat: `${lon.toFixed(6)},${lat.toFixed(6)}`,
      location,
      lsoaCode: `E0100${String(3180 + cell).padStart(4, '0')}`,
      lsoaName: `Lewisham ${String(1 + (cell >> 2)).padStart(3, '0')}${'ABCD'[cell & 3]}`,
    });
    weights.push([i, 1 / (i + 20) ** 0.9]); // Zipf-like: hot points first, long tail
  }
  return { points, pick: new Weighted(weights) };
}

/** Rings and bounding boxes of a GeoJSON FeatureCollection of (Multi)Polygons in WGS84. */
export function loadWards(file: string): Wards {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { features: { geometry: { coordinates: unknown } }[] };
  const all: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  const wards = doc.features.map((f) => {
    const b: BBox = [Infinity, Infinity, -Infinity, -Infinity];
    const rings: number[][][] = [];
    const walk = (c: unknown): void => {
      if (!Array.isArray(c)) return;
      if (Array.isArray(c[0]) && typeof c[0][0] === 'number') {
        rings.push(c as number[][]);
        for (const [x, y] of c as number[][]) {
          b[0] = Math.min(b[0], x);
          b[1] = Math.min(b[1], y);
          b[2] = Math.max(b[2], x);
          b[3] = Math.max(b[3], y);
        }
      } else c.forEach(walk);
    };
    walk(f.geometry.coordinates);
    for (let i = 0; i < 4; i++) all[i] = i < 2 ? Math.min(all[i], b[i]) : Math.max(all[i], b[i]);
    return { bbox: b, rings };
  });
  return { bbox: all, wards };
}

export interface GeneratedFile {
  path: string;
  bytes: number;
  rows: number;
  cached: boolean;
  seconds: number;
}

export function benchDir(): string {
  return path.join(os.tmpdir(), 'saferplaces-bench');
}

/** Generate (or reuse) the benchmark CSV with `rows` data rows. */
export async function policeUkCsv(rows: number, seed: number, wards: Wards): Promise<GeneratedFile> {
  const bbox = wards.bbox;
  const dir = benchDir();
  fs.mkdirSync(dir, { recursive: true });
  const bboxKey = bbox.map((v) => v.toFixed(4)).join('_');
  const file = path.join(dir, `police-uk-street-v${GENERATOR_VERSION}-n${rows}-seed${seed}-${bboxKey}.csv`);
  if (fs.existsSync(file)) return { path: file, bytes: fs.statSync(file).size, rows, cached: true, seconds: 0 };

  const t0 = performance.now();
  const rng = new Rng(seed);
  const { points, pick } = snapPoints(rng, wards);
  const types = new Weighted(CRIME_TYPES);
  const outcomes = new Weighted(OUTCOMES);
  const tmp = `${file}.${process.pid}.tmp`;
  const out = fs.createWriteStream(tmp);
  let buf: string[] = [POLICE_UK_HEADER];
  let bytes = 0;
  const write = async (s: string) => {
    bytes += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, 'drain');
  };
  for (let i = 0; i < rows; i++) {
    const month = monthLabel(Math.floor((i * MONTHS) / rows));
    const type = types.pick(rng);
    const asb = type === ASB;
    const id = asb ? '' : rng.hex(64);
    const outcome = asb ? '' : outcomes.pick(rng);
    let line: string;
    if (rng.next() < 0.01) {
      line = `${id},${month},${FORCE},${FORCE},,,No Location,,,${type},${csvField(outcome)},`;
    } else {
      const p = points[pick.pick(rng)];
      line = `${id},${month},${FORCE},${FORCE},${p.lonLat},${csvField(p.location)},${p.lsoaCode},${p.lsoaName},${type},${csvField(outcome)},`;
    }
    buf.push(line);
    if (buf.length >= 10_000) {
      await write(buf.join('\n') + '\n');
      buf = [];
    }
  }
  if (buf.length) await write(buf.join('\n') + '\n');
  out.end();
  await once(out, 'finish');
  fs.renameSync(tmp, file);
  return { path: file, bytes, rows, cached: false, seconds: (performance.now() - t0) / 1000 };
}
