// ONS Open Geography Portal: ArcGIS REST FeatureServer `query`. Counts first (`returnCountOnly`), then pages
// with `resultOffset`/`resultRecordCount` (at most 2,000 a page), ordered by the code field so pages are
// stable. With f=geojson the "more pages" flag is `properties.exceededTransferLimit`; with f=json it is the
// top-level `exceededTransferLimit`. ArcGIS often reports errors as HTTP 200 with `{"error": {...}}`: those
// are errors (retried when the code says the server was busy or failed, else fatal).
import { GSS_CODE } from '../../contract/opendata.js';
import { FetchError, parseJson, request, sleep, type HttpOptions } from './http.js';

/** The layers used, by service name (ONS renames services with each edition; override when they move). */
export const ONS_LAYERS = {
  /** Ward to local authority lookup: WD24CD, WD24NM, LAD24CD, LAD24NM. */
  wardLad: { service: 'WD24_LAD24_UK_LU', code: 'WD24CD' },
  /** Ward boundaries (generalised, clipped): WD24CD, WD24NM. */
  wards: { service: 'Wards_December_2024_Boundaries_UK_BGC', code: 'WD24CD', name: 'WD24NM' },
  /** Local authority district boundaries: LAD24CD, LAD24NM. */
  districts: { service: 'Local_Authority_Districts_December_2024_Boundaries_UK_BGC', code: 'LAD24CD', name: 'LAD24NM' },
  /** LSOA 2021 boundaries: LSOA21CD, LSOA21NM. */
  lsoas: { service: 'Lower_layer_Super_Output_Areas_December_2021_Boundaries_EW_BGC_V5', code: 'LSOA21CD', name: 'LSOA21NM' },
  /** LSOA (2021) to ward (2024) to LAD (2024) best-fit lookup. */
  lsoaWard: { service: 'LSOA21_WD24_LAD24_EW_LU', code: 'LSOA21CD' },
  /** LSOA (Dec 2021) population-weighted centroids: LSOA21CD, x, y (British National Grid). */
  centroids: { service: 'LLSOA_Dec_2021_PWC_for_England_and_Wales_2022', code: 'LSOA21CD' },
  /** Local authority to Community Safety Partnership to Police Force Area lookup. */
  ladPfa: { service: 'LAD24_CSP24_PFA24_EW_LU', code: 'LAD24CD' },
} as const;
export type OnsLayer = (typeof ONS_LAYERS)[keyof typeof ONS_LAYERS];

export const MAX_PAGE = 2000;
/** An ONS (GSS) code (declared in contract/opendata.ts). */
export { GSS_CODE };
const FIELD = /^[A-Za-z][A-Za-z0-9_]{0,40}$/;
/** Codes per `IN (...)` clause (keeps URLs short). */
const CODES_PER_QUERY = 100;
/** ArcGIS error codes that mean "try again". */
const TRANSIENT = new Set([429, 500, 502, 503, 504]);

export interface OnsOptions extends HttpOptions {
  baseUrl: string;
  /** Records per page (≤ 2,000; the server may allow fewer, which the more-pages flag then tells). */
  pageSize?: number;
}

/** `FIELD IN ('A','B')` for validated GSS codes only. */
export function inCodes(field: string, codes: string[]): string {
  if (!FIELD.test(field)) throw new Error(`bad field ${field}`);
  const bad = codes.find((c) => !GSS_CODE.test(c));
  if (bad !== undefined) throw new FetchError('bad_code', `"${bad.slice(0, 20)}" is not an ONS (GSS) code.`);
  return `${field} IN (${codes.map((c) => `'${c}'`).join(',')})`;
}

/** `UPPER(FIELD) IN ('LEWISHAM')` for place names (letters, spaces and a few marks only). */
export function inNames(field: string, names: string[]): string {
  if (!FIELD.test(field)) throw new Error(`bad field ${field}`);
  const bad = names.find((n) => !/^[A-Za-z][A-Za-z .,'&()-]{0,79}$/.test(n));
  if (bad !== undefined) throw new FetchError('bad_name', `"${bad.slice(0, 40)}" is not a place name this search takes.`);
  return `UPPER(${field}) IN (${names.map((n) => `'${n.toUpperCase().replace(/'/g, "''")}'`).join(',')})`;
}

function layerUrl(o: OnsOptions, layer: OnsLayer) {
  return `${o.baseUrl}/${encodeURIComponent(layer.service)}/FeatureServer/0/query`;
}

/** GET a query URL; an `{error}` body is an error, retried (bounded) when transient. */
async function queryJson(url: string, o: OnsOptions): Promise<Record<string, unknown>> {
  const attempts = o.attempts ?? 6;
  let wait = o.backoffMs ?? 500;
  for (let attempt = 1; ; attempt++) {
    const a = await request(url, {}, o);
    if (a.status !== 200) throw new FetchError('remote_error', `ONS ${url.split('?')[0]}: HTTP ${a.status}.`, a.status);
    const body = parseJson(a.body, 'ONS query');
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw new FetchError('bad_answer', 'ONS query: the answer is not a JSON object.');
    const err = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } }).error;
    if (!err) return body as Record<string, unknown>;
    const code = Number(err.code);
    const msg = `ONS query failed (HTTP 200 with an error body): ${String(err.code ?? '')} ${String(err.message ?? '').slice(0, 200)}`;
    if (!TRANSIENT.has(code) || attempt >= attempts) throw new FetchError('remote_error', msg, code || undefined);
    await sleep(wait, o.signal);
    wait = Math.min(wait * 2, 30_000);
  }
}

export interface Page<T> {
  rows: T[];
  more: boolean;
}

/**
 * Every record matching `where`: features (f=geojson, geometry in WGS84) or attribute objects (f=json).
 * The count comes first and the pages must add up to it.
 */
export async function queryAll(
  o: OnsOptions,
  layer: OnsLayer,
  where: string,
  opts: { outFields: string[]; geometry: boolean },
): Promise<Array<Record<string, unknown>>> {
  const url = layerUrl(o, layer);
  const countUrl = `${url}?${new URLSearchParams({ where, returnCountOnly: 'true', f: 'json' })}`;
  const c = await queryJson(countUrl, o);
  const count = c.count;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0)
    throw new FetchError('bad_answer', `ONS ${layer.service}: the count is not a number.`);
  const pageSize = Math.min(o.pageSize ?? MAX_PAGE, MAX_PAGE);
  const out: Array<Record<string, unknown>> = [];
  const maxPages = Math.ceil(count / 1) + 1; // a server may cap pages below pageSize: at worst one record a page
  for (let page = 0; out.length < count || page === 0; page++) {
    if (page > maxPages) throw new FetchError('bad_answer', `ONS ${layer.service}: paging does not end.`);
    const params = new URLSearchParams({
      where,
      outFields: opts.outFields.join(','),
      orderByFields: layer.code,
      resultOffset: String(out.length),
      resultRecordCount: String(pageSize),
      returnGeometry: String(opts.geometry),
      f: opts.geometry ? 'geojson' : 'json',
      ...(opts.geometry ? { outSR: '4326' } : {}),
    });
    const body = await queryJson(`${url}?${params}`, o);
    const p = opts.geometry ? geojsonPage(body, layer) : jsonPage(body, layer);
    out.push(...p.rows);
    if (!p.more && out.length < count)
      throw new FetchError('bad_answer', `ONS ${layer.service}: the pages hold ${out.length} records, the count said ${count}.`);
    if (!p.more) break;
    if (p.rows.length === 0) throw new FetchError('bad_answer', `ONS ${layer.service}: an empty page says there are more.`);
  }
  if (out.length !== count)
    throw new FetchError('bad_answer', `ONS ${layer.service}: got ${out.length} records, the count said ${count}.`);
  return out;
}

function geojsonPage(body: Record<string, unknown>, layer: OnsLayer): Page<Record<string, unknown>> {
  if (body.type !== 'FeatureCollection' || !Array.isArray(body.features))
    throw new FetchError('bad_answer', `ONS ${layer.service}: expected a GeoJSON FeatureCollection.`);
  const more =
    (body.properties as { exceededTransferLimit?: unknown } | undefined)?.exceededTransferLimit === true ||
    body.exceededTransferLimit === true;
  return { rows: body.features as Array<Record<string, unknown>>, more };
}

function jsonPage(body: Record<string, unknown>, layer: OnsLayer): Page<Record<string, unknown>> {
  if (!Array.isArray(body.features)) throw new FetchError('bad_answer', `ONS ${layer.service}: expected features.`);
  const rows = body.features.map((f) => {
    const a = (f as { attributes?: unknown }).attributes;
    if (!a || typeof a !== 'object') throw new FetchError('bad_answer', `ONS ${layer.service}: a feature has no attributes.`);
    return a as Record<string, unknown>;
  });
  return { rows, more: body.exceededTransferLimit === true };
}

/** Query with a long code list, `CODES_PER_QUERY` codes at a time. */
export async function queryByCodes(
  o: OnsOptions,
  layer: OnsLayer,
  field: string,
  codes: string[],
  opts: { outFields: string[]; geometry: boolean },
) {
  const out: Array<Record<string, unknown>> = [];
  const sorted = [...new Set(codes)].sort();
  for (let i = 0; i < sorted.length; i += CODES_PER_QUERY)
    out.push(...(await queryAll(o, layer, inCodes(field, sorted.slice(i, i + CODES_PER_QUERY)), opts)));
  return out;
}

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : v === null || v === undefined ? '' : String(v));

/** A string attribute that must be a GSS code. */
export function codeOf(row: Record<string, unknown>, field: string, what: string): string {
  const v = str(row[field]);
  if (!GSS_CODE.test(v)) throw new FetchError('bad_answer', `ONS ${what}: "${v.slice(0, 20)}" in ${field} is not a GSS code.`);
  return v;
}

export const nameOf = (row: Record<string, unknown>, field: string) => str(row[field]).slice(0, 200);

// ---------- the layers used ----------

export interface WardRow {
  ward: string;
  wardName: string;
  lad: string;
  ladName: string;
}

/** Wards of the given local authorities (ward→LAD lookup). */
export async function wardsOfLads(o: OnsOptions, lads: string[]): Promise<WardRow[]> {
  const rows = await queryByCodes(o, ONS_LAYERS.wardLad, 'LAD24CD', lads, {
    outFields: ['WD24CD', 'WD24NM', 'LAD24CD', 'LAD24NM'],
    geometry: false,
  });
  return rows.map((r) => ({
    ward: codeOf(r, 'WD24CD', 'ward lookup'),
    wardName: nameOf(r, 'WD24NM'),
    lad: codeOf(r, 'LAD24CD', 'ward lookup'),
    ladName: nameOf(r, 'LAD24NM'),
  }));
}

/** Local authority codes for names ("Lewisham", "West Lindsey"), from the ward→LAD lookup. */
export async function ladsByName(o: OnsOptions, names: string[]): Promise<Array<{ code: string; name: string }>> {
  const rows = await queryAll(o, ONS_LAYERS.wardLad, inNames('LAD24NM', names), {
    outFields: ['LAD24CD', 'LAD24NM'],
    geometry: false,
  });
  const seen = new Map<string, string>();
  for (const r of rows) seen.set(codeOf(r, 'LAD24CD', 'ward lookup'), nameOf(r, 'LAD24NM'));
  return [...seen].map(([code, name]) => ({ code, name })).sort((a, b) => a.code.localeCompare(b.code));
}

/** Local authorities in a police force area (LAD→CSP→PFA lookup). */
export async function ladsOfForceArea(o: OnsOptions, pfa: string): Promise<Array<{ code: string; name: string }>> {
  const rows = await queryAll(o, ONS_LAYERS.ladPfa, inCodes('PFA24CD', [pfa]), {
    outFields: ['LAD24CD', 'LAD24NM'],
    geometry: false,
  });
  return rows.map((r) => ({ code: codeOf(r, 'LAD24CD', 'force lookup'), name: nameOf(r, 'LAD24NM') }));
}

/** Polygons by code as a GeoJSON FeatureCollection (properties: the code and name fields). */
export async function boundaries(o: OnsOptions, layer: OnsLayer & { name: string }, codes: string[]) {
  const feats = await queryByCodes(o, layer, layer.code, codes, { outFields: [layer.code, layer.name], geometry: true });
  const want = new Set(codes);
  for (const f of feats) {
    const props = (f.properties ?? {}) as Record<string, unknown>;
    const code = codeOf(props, layer.code, layer.service);
    if (!want.has(code)) throw new FetchError('bad_answer', `ONS ${layer.service}: ${code} was not asked for.`);
  }
  return { type: 'FeatureCollection', features: feats };
}

export interface LsoaWardRow {
  lsoa: string;
  lsoaName: string;
  ward: string;
  wardName: string;
  lad: string;
  ladName: string;
}

/** The LSOA→ward best-fit lookup rows of the given local authorities. */
export async function lsoaWardLookup(o: OnsOptions, lads: string[]): Promise<LsoaWardRow[]> {
  const rows = await queryByCodes(o, ONS_LAYERS.lsoaWard, 'LAD24CD', lads, {
    outFields: ['LSOA21CD', 'LSOA21NM', 'WD24CD', 'WD24NM', 'LAD24CD', 'LAD24NM'],
    geometry: false,
  });
  return rows.map((r) => ({
    lsoa: codeOf(r, 'LSOA21CD', 'LSOA lookup'),
    lsoaName: nameOf(r, 'LSOA21NM'),
    ward: codeOf(r, 'WD24CD', 'LSOA lookup'),
    wardName: nameOf(r, 'WD24NM'),
    lad: codeOf(r, 'LAD24CD', 'LSOA lookup'),
    ladName: nameOf(r, 'LAD24NM'),
  }));
}

/** Population-weighted centroids (British National Grid x, y) of the given LSOAs. */
export async function lsoaCentroids(o: OnsOptions, lsoas: string[]): Promise<Array<{ lsoa: string; x: number; y: number }>> {
  const rows = await queryByCodes(o, ONS_LAYERS.centroids, 'LSOA21CD', lsoas, {
    outFields: ['LSOA21CD', 'x', 'y'],
    geometry: false,
  });
  return rows.map((r) => {
    const x = Number(r.x),
      y = Number(r.y);
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw new FetchError('bad_answer', 'ONS centroids: x or y is not a number.');
    return { lsoa: codeOf(r, 'LSOA21CD', 'centroids'), x, y };
  });
}
