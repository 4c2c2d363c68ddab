// Deterministic synthetic demo data: a fictional "borough" of ~12 wards in the North Sea (clearly
// not a real place, but inside British National Grid so every projection the app does still
// works), ward populations, and ~20,000 police.uk-style street crimes over 24 months with a few
// planted hotspots. Pure: the same options always give byte-identical output. All randomness comes
// from one seeded mulberry32 stream; Math.random is never used.
import {
  area,
  bbox as turfBbox,
  booleanPointInPolygon,
  featureCollection,
  intersect,
  point,
  polygon,
  truncate,
  voronoi,
} from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';

/** Dataset name given to demo incidents; the API reports `synthetic: true` when any exist. */
export const SYNTHETIC_DATASET = 'synthetic-demo';
export const SYNTHETIC_AREA_LEVEL = 'ward';
export const SYNTHETIC_AREA_LABEL = 'Synthetic demo wards';
/** Ward codes look like ONS codes but use the prefix X, which ONS never issues. */
export const SYNTHETIC_CODE_PREFIX = 'X05';
export const SYNTHETIC_FORCE = 'Synthetic Demo Police (fictional)';

export const POLICE_UK_HEADER =
  'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context';

/** The 14 police.uk categories: API slug, CSV label, share of all records (roughly England-wide). */
export const POLICE_UK_CATEGORIES: readonly { slug: string; label: string; share: number }[] = [
  { slug: 'anti-social-behaviour', label: 'Anti-social behaviour', share: 0.24 },
  { slug: 'violent-crime', label: 'Violence and sexual offences', share: 0.3 },
  { slug: 'other-theft', label: 'Other theft', share: 0.07 },
  { slug: 'criminal-damage-arson', label: 'Criminal damage and arson', share: 0.07 },
  { slug: 'vehicle-crime', label: 'Vehicle crime', share: 0.07 },
  { slug: 'public-order', label: 'Public order', share: 0.06 },
  { slug: 'burglary', label: 'Burglary', share: 0.05 },
  { slug: 'shoplifting', label: 'Shoplifting', share: 0.04 },
  { slug: 'drugs', label: 'Drugs', share: 0.03 },
  { slug: 'robbery', label: 'Robbery', share: 0.02 },
  { slug: 'theft-from-the-person', label: 'Theft from the person', share: 0.015 },
  { slug: 'bicycle-theft', label: 'Bicycle theft', share: 0.01 },
  { slug: 'possession-of-weapons', label: 'Possession of weapons', share: 0.007 },
  { slug: 'other-crime', label: 'Other crime', share: 0.008 },
];

const OUTCOMES: readonly [string, number][] = [
  ['Investigation complete; no suspect identified', 55],
  ['Unable to prosecute suspect', 20],
  ['Under investigation', 8],
  ['Status update unavailable', 6],
  ['Awaiting court outcome', 3],
  ['Local resolution', 3],
  ['Offender given a caution', 2],
  ['Court result unavailable', 2],
  ['Further investigation is not in the public interest', 1],
];

// ---------- randomness ----------

/** mulberry32: a tiny 32-bit seeded PRNG, uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  constructor(readonly next: () => number) {}
  range(lo: number, hi: number) {
    return lo + (hi - lo) * this.next();
  }
  int(n: number) {
    return Math.floor(this.next() * n);
  }
  normal() {
    // Box-Muller; 1 - u keeps log() away from 0.
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
  poisson(lambda: number) {
    if (lambda <= 0) return 0;
    if (lambda > 40) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
    const l = Math.exp(-lambda);
    let k = 0;
    for (let p = this.next(); p > l; p *= this.next()) k++;
    return k;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  hex(chars: number) {
    let s = '';
    while (s.length < chars)
      s += Math.floor(this.next() * 0x100000000)
        .toString(16)
        .padStart(8, '0');
    return s.slice(0, chars);
  }
}

/** Sampling from fixed weights by binary search over the cumulative sums. */
class Weighted {
  private readonly cum: Float64Array;
  constructor(weights: ArrayLike<number>) {
    this.cum = new Float64Array(weights.length);
    let s = 0;
    for (let i = 0; i < weights.length; i++) this.cum[i] = s += weights[i];
  }
  get total() {
    return this.cum.length ? this.cum[this.cum.length - 1] : 0;
  }
  sample(rng: Rng): number {
    const x = rng.next() * this.total;
    let lo = 0;
    let hi = this.cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cum[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

// ---------- types ----------

export interface SyntheticOptions {
  seed?: number;
  /** First month, `YYYY-MM`. */
  startMonth?: string;
  months?: number;
  /** Target number of incidents (the result is within a few percent). */
  incidents?: number;
  wards?: number;
  /** Centre [lon, lat] of the fictional borough. */
  centre?: [number, number];
}

export interface SyntheticWardProps {
  code: string;
  name: string;
}

export interface SyntheticIncident {
  crimeId: string; // empty for anti-social behaviour, as on police.uk
  month: string; // YYYY-MM
  lon: number;
  lat: number;
  location: string;
  category: string; // police.uk API slug
  crimeType: string; // police.uk CSV label
  outcome: string;
  /** Planted hotspot the record came from, or null for background. */
  hotspot: string | null;
  /** Snapped to a street point just outside the borough (as police.uk does near boundaries). */
  outside: boolean;
}

export interface SyntheticHotspot {
  name: string;
  ward: string;
  lon: number;
  lat: number;
  sigmaMetres: number;
  /** Expected incidents per month per category at full strength. */
  perMonth: Record<string, number>;
  /** Strength multiplier for each month of the series. */
  strength: number[];
}

export interface SyntheticDemo {
  options: Required<SyntheticOptions>;
  boundaries: FeatureCollection<Polygon | MultiPolygon, SyntheticWardProps>;
  population: { code: string; population: number }[];
  hotspots: SyntheticHotspot[];
  incidents: SyntheticIncident[];
}

export const DEFAULT_SYNTHETIC_OPTIONS: Required<SyntheticOptions> = {
  seed: 20240229,
  startMonth: '2023-03',
  months: 24,
  incidents: 20_000,
  wards: 12,
  // North Sea, ~55 km off the Lincolnshire coast: unmistakably not a real town.
  centre: [1.05, 53.55],
};

// ---------- geometry helpers (local flat approximation; the borough is ~7 km across) ----------

const KM_PER_DEG_LAT = 111.32;

function projector(centre: [number, number]) {
  const kmPerDegLon = KM_PER_DEG_LAT * Math.cos((centre[1] * Math.PI) / 180);
  return {
    toLonLat: (xKm: number, yKm: number): [number, number] => [centre[0] + xKm / kmPerDegLon, centre[1] + yKm / KM_PER_DEG_LAT],
    toKm: (lon: number, lat: number): [number, number] => [(lon - centre[0]) * kmPerDegLon, (lat - centre[1]) * KM_PER_DEG_LAT],
  };
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const wardLetter = (i: number) => (i < 26 ? LETTERS[i] : `${LETTERS[Math.floor(i / 26) - 1]}${LETTERS[i % 26]}`);

const STREET_A = [
  'Alder',
  'Birch',
  'Cedar',
  'Damson',
  'Elm',
  'Fern',
  'Gorse',
  'Hazel',
  'Ivy',
  'Juniper',
  'Kestrel',
  'Linden',
  'Maple',
  'Nettle',
  'Oak',
  'Poplar',
  'Quince',
  'Rowan',
  'Sorrel',
  'Thistle',
  'Upton',
  'Vale',
  'Willow',
  'Yew',
  'Heron',
  'Plover',
  'Tern',
  'Wren',
];
const STREET_B = ['Road', 'Street', 'Close', 'Lane', 'Avenue', 'Way', 'Grove', 'Place', 'Gardens', 'Crescent', 'Rise', 'Walk'];
const PLACES = [
  'Supermarket',
  'Petrol Station',
  'Parking Area',
  'Shopping Area',
  'Sports/Recreation Area',
  'Nightclub',
  'Park/Open Space',
  'Further/Higher Educational Building',
];

// ---------- the generator ----------

export function generateSyntheticDemo(opts: SyntheticOptions = {}): SyntheticDemo {
  const o: Required<SyntheticOptions> = { ...DEFAULT_SYNTHETIC_OPTIONS, ...opts };
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(o.startMonth)) throw new Error(`startMonth must be YYYY-MM, got ${o.startMonth}`);
  if (!(o.wards >= 3 && o.wards <= 40)) throw new Error('wards must be 3..40');
  if (!(o.months >= 1 && o.months <= 240)) throw new Error('months must be 1..240');
  const rng = new Rng(mulberry32(o.seed));
  const { toLonLat, toKm } = projector(o.centre);

  // 1. The borough outline: a wobbly closed curve ~3.4 km in radius.
  const phase = [rng.range(0, 2 * Math.PI), rng.range(0, 2 * Math.PI), rng.range(0, 2 * Math.PI)];
  const radiusAt = (t: number) =>
    3.4 * (1 + 0.12 * Math.sin(2 * t + phase[0]) + 0.07 * Math.sin(3 * t + phase[1]) + 0.04 * Math.sin(5 * t + phase[2]));
  const ring: [number, number][] = [];
  const VERTICES = 96;
  for (let k = 0; k < VERTICES; k++) {
    const t = (2 * Math.PI * k) / VERTICES;
    const r = radiusAt(t);
    const [lon, lat] = toLonLat(r * Math.cos(t), r * Math.sin(t));
    ring.push([round6(lon), round6(lat)]);
  }
  ring.push(ring[0]);
  const outline = polygon([ring]);

  // 2. Ward seeds spread over the outline (best of a few candidates: far from the seeds so far).
  const seeds: [number, number][] = [];
  while (seeds.length < o.wards) {
    let best: [number, number] | undefined;
    let bestD = -1;
    for (let c = 0; c < 12; c++) {
      const t = rng.range(0, 2 * Math.PI);
      const r = radiusAt(t) * Math.sqrt(rng.next()) * 0.92;
      const cand: [number, number] = [r * Math.cos(t), r * Math.sin(t)];
      const d = Math.min(Infinity, ...seeds.map((s) => Math.hypot(s[0] - cand[0], s[1] - cand[1])));
      if (d > bestD) [best, bestD] = [cand, d];
    }
    seeds.push(best!);
  }
  // Name wards north-west to south-east (reading order in bands of ~2 km).
  seeds.sort((a, b) => Math.round(b[1] / 2) - Math.round(a[1] / 2) || a[0] - b[0]);

  // 3. Voronoi cells of the seeds, clipped to the outline.
  const ob = turfBbox(outline);
  const pad = 0.02;
  const cells = voronoi(featureCollection(seeds.map((s) => point(toLonLat(s[0], s[1])))), {
    bbox: [ob[0] - pad, ob[1] - pad, ob[2] + pad, ob[3] + pad],
  });
  const wards: Feature<Polygon | MultiPolygon, SyntheticWardProps>[] = cells.features.map((cell, i) => {
    const clipped = intersect(featureCollection([cell, outline]));
    if (!clipped) throw new Error(`synthetic ward ${i} vanished when clipped`);
    const code = `${SYNTHETIC_CODE_PREFIX}${String(i + 1).padStart(6, '0')}`;
    const f = truncate(clipped, { precision: 6, coordinates: 2, mutate: true }) as Feature<Polygon | MultiPolygon>;
    return { type: 'Feature', properties: { code, name: `Synthetic ward ${wardLetter(i)}` }, geometry: f.geometry };
  });
  const boundaries = featureCollection(wards) as SyntheticDemo['boundaries'];
  const wardBoxes = wards.map((w) => turfBbox(w));
  const wardOf = (lon: number, lat: number): number => {
    for (let i = 0; i < wards.length; i++) {
      const b = wardBoxes[i];
      if (lon < b[0] || lon > b[2] || lat < b[1] || lat > b[3]) continue;
      if (booleanPointInPolygon([lon, lat], wards[i])) return i;
    }
    return -1;
  };

  // 4. Populations: ward area x a density of ~8,500 residents/km2 (like an inner London borough) x 0.7..1.3.
  const density = wards.map(() => 8500 * rng.range(0.7, 1.3));
  const population = wards.map((w, i) => ({ code: w.properties.code, population: Math.round((area(w) / 1e6) * density[i]) }));

  // 5. Street points that incidents snap to (police.uk publishes anonymised "on or near" points).
  //    About 1% lie just outside the borough, as real snapped points near a boundary do.
  interface StreetPoint {
    lon: number;
    lat: number;
    ward: number;
    location: string;
    x: number;
    y: number;
  }
  const streets: StreetPoint[] = [];
  const STREET_POINTS = 2400;
  const OUTSIDE_POINTS = 24;
  const locationName = () =>
    rng.next() < 0.12 ? `On or near ${rng.pick(PLACES)}` : `On or near ${rng.pick(STREET_A)} ${rng.pick(STREET_B)}`;
  while (streets.length < STREET_POINTS) {
    const t = rng.range(0, 2 * Math.PI);
    const r = radiusAt(t) * Math.sqrt(rng.next());
    const [lon, lat] = toLonLat(r * Math.cos(t), r * Math.sin(t)).map(round6) as [number, number];
    const ward = wardOf(lon, lat);
    if (ward < 0) continue;
    const [x, y] = toKm(lon, lat);
    streets.push({ lon, lat, ward, location: locationName(), x, y });
  }
  while (streets.length < STREET_POINTS + OUTSIDE_POINTS) {
    const t = rng.range(0, 2 * Math.PI);
    const r = radiusAt(t) + rng.range(0.01, 0.04); // 10-40 m beyond the outline curve
    const [lon, lat] = toLonLat(r * Math.cos(t), r * Math.sin(t)).map(round6) as [number, number];
    if (wardOf(lon, lat) >= 0) continue;
    const [x, y] = toKm(lon, lat);
    streets.push({ lon, lat, ward: -1, location: locationName(), x, y });
  }

  // 6. Planted hotspots, each centred on a street point of a chosen ward.
  const M = o.months;
  const half = (a: number, b: number) => Array.from({ length: M }, (_, m) => (m < M / 2 ? a : b));
  const nearestStreet = (wardIdx: number, fx: number, fy: number) => {
    // The street point of `wardIdx` nearest to a point a fraction (fx, fy) across the ward's box.
    const b = wardBoxes[wardIdx];
    const [tx, ty] = toKm(b[0] + fx * (b[2] - b[0]), b[1] + fy * (b[3] - b[1]));
    let best = -1;
    let bestD = Infinity;
    streets.forEach((s, i) => {
      const d = Math.hypot(s.x - tx, s.y - ty);
      if (s.ward === wardIdx && d < bestD) [best, bestD] = [i, d];
    });
    return streets[best];
  };
  const scale = o.incidents / 20_000;
  const spec: {
    name: string;
    ward: number;
    at: [number, number];
    sigma: number;
    perMonth: Record<string, number>;
    strength: number[];
  }[] = [
    {
      name: 'Town centre night-time economy',
      ward: Math.floor(o.wards / 2),
      at: [0.5, 0.5],
      sigma: 180,
      perMonth: { 'violent-crime': 30, 'public-order': 9, 'theft-from-the-person': 5, robbery: 3, 'anti-social-behaviour': 10 },
      strength: half(1, 1),
    },
    {
      name: 'Retail park',
      ward: 1,
      at: [0.4, 0.4],
      sigma: 150,
      perMonth: { shoplifting: 18, 'other-theft': 6, 'vehicle-crime': 5 },
      strength: half(1, 1),
    },
    {
      name: 'Station interchange',
      ward: o.wards - 3,
      at: [0.6, 0.5],
      sigma: 120,
      perMonth: { robbery: 4, 'theft-from-the-person': 4, 'anti-social-behaviour': 6, 'bicycle-theft': 3 },
      strength: half(1, 1),
    },
    {
      name: 'Emerging estate hotspot (grows in year two)',
      ward: o.wards - 1,
      at: [0.5, 0.6],
      sigma: 200,
      perMonth: { 'violent-crime': 16, drugs: 5, 'possession-of-weapons': 2, 'anti-social-behaviour': 8 },
      strength: Array.from({ length: M }, (_, m) => (m < M / 2 ? 0.1 : 0.4 + (1.4 * (m - M / 2)) / Math.max(1, M / 2 - 1))),
    },
    {
      name: 'Burglary series (fades in year two)',
      ward: 2,
      at: [0.5, 0.5],
      sigma: 250,
      perMonth: { burglary: 9, 'vehicle-crime': 3 },
      strength: half(1.4, 0.4),
    },
  ];
  const hotspots: SyntheticHotspot[] = spec.map((h) => {
    const s = nearestStreet(Math.min(h.ward, wards.length - 1), h.at[0], h.at[1]);
    const perMonth = Object.fromEntries(Object.entries(h.perMonth).map(([k, v]) => [k, v * scale]));
    return {
      name: h.name,
      ward: wards[s.ward].properties.code,
      lon: s.lon,
      lat: s.lat,
      sigmaMetres: h.sigma,
      perMonth,
      strength: h.strength,
    };
  });
  // Street-point weights around each hotspot: a Gaussian kernel, cut at 3 sigma.
  const kernels = hotspots.map((h) => {
    const [cx, cy] = toKm(h.lon, h.lat);
    const sig = h.sigmaMetres / 1000;
    const idx: number[] = [];
    const w: number[] = [];
    streets.forEach((s, i) => {
      const d = Math.hypot(s.x - cx, s.y - cy);
      if (d <= 3 * sig) {
        idx.push(i);
        w.push(Math.exp(-(d * d) / (2 * sig * sig)));
      }
    });
    return { idx, sampler: new Weighted(w) };
  });

  // 7. Background: every street point has a ward-level propensity; outside points get a small share.
  const wardPropensity = wards.map(() => rng.range(0.6, 1.6));
  const background = new Weighted(streets.map((s) => (s.ward < 0 ? 0.8 : wardPropensity[s.ward])));

  // 8. Months with a gentle summer peak; hotspot records are on top of the background total.
  const [y0, m0] = o.startMonth.split('-').map(Number);
  const monthLabel = (m: number) => {
    const t = (m0 - 1 + m) % 12;
    return { label: `${y0 + Math.floor((m0 - 1 + m) / 12)}-${String(t + 1).padStart(2, '0')}`, monthOfYear: t };
  };
  const season = Array.from({ length: M }, (_, m) => 1 + 0.12 * Math.sin((2 * Math.PI * (monthLabel(m).monthOfYear - 3)) / 12));
  const seasonSum = season.reduce((a, b) => a + b, 0);
  const hotspotExpected = hotspots.reduce(
    (s, h) => s + Object.values(h.perMonth).reduce((a, b) => a + b, 0) * h.strength.reduce((a, b) => a + b, 0),
    0,
  );
  const backgroundTotal = Math.max(0, o.incidents - hotspotExpected);
  const outcomeSampler = new Weighted(OUTCOMES.map(([, w]) => w));

  const incidents: SyntheticIncident[] = [];
  const emit = (m: number, cat: (typeof POLICE_UK_CATEGORIES)[number], s: StreetPoint, hotspot: string | null) => {
    const asb = cat.slug === 'anti-social-behaviour';
    incidents.push({
      crimeId: asb ? '' : rng.hex(64),
      month: monthLabel(m).label,
      lon: s.lon,
      lat: s.lat,
      location: s.location,
      category: cat.slug,
      crimeType: cat.label,
      outcome: asb ? '' : OUTCOMES[outcomeSampler.sample(rng)][0],
      hotspot,
      outside: s.ward < 0,
    });
  };
  for (let m = 0; m < M; m++) {
    for (const cat of POLICE_UK_CATEGORIES) {
      const n = rng.poisson((backgroundTotal * cat.share * season[m]) / seasonSum);
      for (let k = 0; k < n; k++) emit(m, cat, streets[background.sample(rng)], null);
      hotspots.forEach((h, hi) => {
        const rate = h.perMonth[cat.slug];
        if (!rate || !kernels[hi].idx.length) return;
        const nh = rng.poisson(rate * h.strength[m] * season[m]);
        for (let k = 0; k < nh; k++) emit(m, cat, streets[kernels[hi].idx[kernels[hi].sampler.sample(rng)]], h.name);
      });
    }
  }

  return { options: o, boundaries, population, hotspots, incidents };
}

// ---------- file formats the importers read ----------

const csvField = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** A police.uk street CSV (the 12-column layout of data.police.uk monthly downloads). */
export function toPoliceUkCsv(demo: SyntheticDemo): string {
  const lines = [POLICE_UK_HEADER];
  for (const i of demo.incidents) {
    lines.push(
      [
        i.crimeId,
        i.month,
        SYNTHETIC_FORCE,
        SYNTHETIC_FORCE,
        i.lon.toFixed(6),
        i.lat.toFixed(6),
        i.location,
        '',
        '',
        i.crimeType,
        i.outcome,
        '',
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** `code,population` for the ward level. */
export function toPopulationCsv(demo: SyntheticDemo): string {
  return `code,population\n${demo.population.map((p) => `${csvField(p.code)},${p.population}`).join('\n')}\n`;
}

export function toBoundariesGeoJson(demo: SyntheticDemo): string {
  return JSON.stringify(demo.boundaries);
}
