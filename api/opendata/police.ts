// police.uk API: street-level crime by polygon and month (POST crimes-street/all-crime with `poly` as
// "lat,lng:lat,lng:..."), the months available (crimes-street-dates), crimes with no location per force,
// and the force at a point. A polygon with more than 10,000 crimes answers 503: it is split in two (halves
// of its bounding box, clipped) and each half asked again. The API allows 15 requests a second with bursts
// of 30; beyond that it answers 429 (backed off in http.ts). Crimes come back as JSON and are written in
// the police.uk API CSV layout the importer recognises (month, category, latitude, longitude, id, ...).
import { FetchError, parseJson, RateLimiter, request, type HttpOptions } from './http.js';

export interface PoliceOptions extends HttpOptions {
  baseUrl: string;
}

/** police.uk's published limits. */
export const policeLimiter = () => new RateLimiter(15, 30);
/** How deep a polygon may be split (2^12 pieces): beyond that the area is not what is wrong. */
const MAX_SPLIT_DEPTH = 12;

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const FORCE = /^[a-z0-9-]{2,60}$/;

export type Ring = Array<[number, number]>; // [lon, lat]

/** Months with street-level data, oldest first. */
export async function streetDates(o: PoliceOptions): Promise<string[]> {
  const a = await request(`${o.baseUrl}/crimes-street-dates`, {}, o);
  if (a.status !== 200) throw new FetchError('remote_error', `police.uk crimes-street-dates: HTTP ${a.status}.`, a.status);
  const body = parseJson(a.body, 'police.uk crimes-street-dates');
  if (!Array.isArray(body)) throw new FetchError('bad_answer', 'police.uk crimes-street-dates: expected a list.');
  const months = body.map((d) => (d as { date?: unknown })?.date);
  const bad = months.find((m) => typeof m !== 'string' || !MONTH.test(m));
  if (bad !== undefined)
    throw new FetchError('bad_answer', `police.uk crimes-street-dates: "${String(bad).slice(0, 20)}" is not a month.`);
  return [...new Set(months as string[])].sort();
}

/** The force responsible at a point (locate-neighbourhood). */
export async function forceAt(o: PoliceOptions, lat: number, lon: number): Promise<string | null> {
  const a = await request(`${o.baseUrl}/locate-neighbourhood?q=${lat.toFixed(6)},${lon.toFixed(6)}`, { pass: [404] }, o);
  if (a.status === 404) return null;
  if (a.status !== 200) throw new FetchError('remote_error', `police.uk locate-neighbourhood: HTTP ${a.status}.`, a.status);
  const f = (parseJson(a.body, 'police.uk locate-neighbourhood') as { force?: unknown })?.force;
  if (typeof f !== 'string' || !FORCE.test(f)) throw new FetchError('bad_answer', 'police.uk locate-neighbourhood: no force id.');
  return f;
}

/** Crimes with no location, of a force and month (they cannot be mapped; counted apart). */
export async function noLocationCount(o: PoliceOptions, force: string, month: string): Promise<number> {
  if (!FORCE.test(force) || !MONTH.test(month)) throw new FetchError('bad_parameter', 'bad force or month');
  const url = `${o.baseUrl}/crimes-no-location?${new URLSearchParams({ category: 'all-crime', force, date: month })}`;
  const a = await request(url, { pass: [404] }, o);
  if (a.status === 404) return 0;
  if (a.status !== 200) throw new FetchError('remote_error', `police.uk crimes-no-location: HTTP ${a.status}.`, a.status);
  const body = parseJson(a.body, 'police.uk crimes-no-location');
  if (!Array.isArray(body)) throw new FetchError('bad_answer', 'police.uk crimes-no-location: expected a list.');
  return body.length;
}

export interface Crime {
  month: string;
  category: string;
  location_type: string;
  latitude: number;
  longitude: number;
  street_id: string;
  street_name: string;
  context: string;
  outcome_category: string;
  outcome_date: string;
  persistent_id: string;
  id: number;
  location_subtype: string;
}

const text = (v: unknown, max = 300) =>
  typeof v === 'string' ? v.slice(0, max) : v === null || v === undefined ? '' : typeof v === 'number' ? String(v) : '';

/** One crime of the API's JSON, checked; throws on anything that is not one. */
export function toCrime(raw: unknown, month: string): Crime {
  const c = raw as Record<string, any>;
  if (!c || typeof c !== 'object') throw new FetchError('bad_answer', 'police.uk: a crime is not an object.');
  const id = Number(c.id);
  if (!Number.isSafeInteger(id) || id <= 0)
    throw new FetchError('bad_answer', `police.uk: crime id "${text(c.id, 20)}" is not a positive integer.`);
  if (c.month !== month)
    throw new FetchError('bad_answer', `police.uk: crime ${id} is for month "${text(c.month, 10)}", not ${month}.`);
  if (typeof c.category !== 'string' || !/^[a-z][a-z-]{0,59}$/.test(c.category))
    throw new FetchError('bad_answer', `police.uk: crime ${id} has category "${text(c.category, 40)}".`);
  const lat = Number(c.location?.latitude),
    lon = Number(c.location?.longitude);
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180)
    throw new FetchError('bad_answer', `police.uk: crime ${id} has no usable location.`);
  return {
    month,
    category: c.category,
    location_type: text(c.location_type, 40),
    latitude: lat,
    longitude: lon,
    street_id: text(c.location?.street?.id, 20),
    street_name: text(c.location?.street?.name),
    context: text(c.context, 1000),
    outcome_category: text(c.outcome_status?.category),
    outcome_date: text(c.outcome_status?.date, 10),
    persistent_id: text(c.persistent_id, 100),
    id,
    location_subtype: text(c.location_subtype, 100),
  };
}

export const API_CSV_HEADER = [
  'month',
  'category',
  'location_type',
  'latitude',
  'longitude',
  'street_id',
  'street_name',
  'context',
  'outcome_category',
  'outcome_date',
  'persistent_id',
  'id',
  'location_subtype',
] as const;

const csvField = (v: string | number) => {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** Crimes as a CSV in the police.uk API layout (as the shared data's *_api_*.csv files). */
export function crimesCsv(crimes: Crime[]): string {
  const lines = [API_CSV_HEADER.join(',')];
  for (const c of crimes) lines.push(API_CSV_HEADER.map((k) => csvField(c[k])).join(','));
  return lines.join('\n') + '\n';
}

export const polyParam = (ring: Ring) => ring.map(([lon, lat]) => `${lat.toFixed(6)},${lon.toFixed(6)}`).join(':');

/** A ring clipped to one side of a vertical (axis 0) or horizontal (axis 1) line (Sutherland–Hodgman). */
export function clipRing(ring: Ring, axis: 0 | 1, at: number, keepBelow: boolean): Ring {
  const inside = (p: [number, number]) => (keepBelow ? p[axis] <= at : p[axis] >= at);
  const out: Ring = [];
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i],
      b = ring[(i + 1) % ring.length];
    const ia = inside(a),
      ib = inside(b);
    if (ia) out.push(a);
    if (ia !== ib) {
      const t = (at - a[axis]) / (b[axis] - a[axis]);
      const p: [number, number] = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
      p[axis] = at;
      out.push(p);
    }
  }
  return out;
}

/** Two halves of a ring, cut across the longer side of its bounding box. */
export function splitRing(ring: Ring): [Ring, Ring] {
  const xs = ring.map((p) => p[0]),
    ys = ring.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const axis: 0 | 1 = x1 - x0 >= y1 - y0 ? 0 : 1;
  const mid = axis === 0 ? (x0 + x1) / 2 : (y0 + y1) / 2;
  return [clipRing(ring, axis, mid, true), clipRing(ring, axis, mid, false)];
}

/**
 * Every street crime of `month` inside the ring: 503 (too many) → the two halves, recursively. Crimes on a
 * cut line may come back from both halves: kept once, by id.
 */
export async function crimesInRing(
  o: PoliceOptions,
  ring: Ring,
  month: string,
  stats = { requests: 0, splits: 0 },
  depth = 0,
): Promise<Map<number, Crime>> {
  if (!MONTH.test(month)) throw new FetchError('bad_parameter', `bad month ${month}`);
  const out = new Map<number, Crime>();
  if (ring.length < 3) return out;
  stats.requests++;
  const a = await request(
    `${o.baseUrl}/crimes-street/all-crime`,
    { method: 'POST', form: { poly: polyParam(ring), date: month }, pass: [503] },
    o,
  );
  if (a.status === 503) {
    if (depth >= MAX_SPLIT_DEPTH)
      throw new FetchError(
        'too_many_crimes',
        `police.uk: still more than 10,000 crimes after splitting the area ${depth} times (${month}).`,
      );
    stats.splits++;
    for (const half of splitRing(ring))
      for (const [id, c] of await crimesInRing(o, half, month, stats, depth + 1)) out.set(id, c);
    return out;
  }
  if (a.status !== 200) throw new FetchError('remote_error', `police.uk crimes-street: HTTP ${a.status} (${month}).`, a.status);
  const body = parseJson(a.body, 'police.uk crimes-street');
  if (!Array.isArray(body)) throw new FetchError('bad_answer', 'police.uk crimes-street: expected a list of crimes.');
  for (const raw of body) {
    const c = toCrime(raw, month);
    out.set(c.id, c);
  }
  return out;
}
