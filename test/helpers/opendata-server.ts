// A local stand-in for the three open-data services (issue 17), on 127.0.0.1 only, speaking their documented
// formats and built from ../shared/data (Lewisham):
// - ONS ArcGIS FeatureServer `query`: where = `FIELD IN (...)` / `UPPER(FIELD) IN (...)`, returnCountOnly,
//   resultOffset/resultRecordCount (capped at `onsPageMax` a page, as a server's maxRecordCount), f=geojson
//   (more pages: properties.exceededTransferLimit) or f=json (exceededTransferLimit); injected HTTP-200 error bodies;
// - Nomis NM_2021_1 data.csv by `<LAD>TYPE151`, silently cut at `nomisCap` rows, paged with RecordOffset;
// - police.uk: crimes-street-dates, POST crimes-street/all-crime (poly "lat,lng:..."; 503 above `policeMax`
//   crimes), crimes-no-location, locate-neighbourhood; 15 requests/s with bursts of 30, 429 beyond.
// - police.uk monthly archive: GET archive/<latest>.zip, a folder per month with <month>-metropolitan-street.csv
//   (the crimes file's own rows, plus the City of London file's rows under 2025-02: outside the area), other
//   files to ignore, sent in 64 KB chunks; `archiveBreakAt` cuts the download after that fraction of it.
// Street crimes come from a police.uk street CSV: each row becomes an API crime (id = its row number,
// persistent_id = its Crime ID); rows with no location are the force's crimes with no location.
// "Districts" are groups of Lewisham wards with invented codes when a test needs several authorities
// (there are no Lincolnshire data here).
import fs from 'node:fs';
import os from 'node:os';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { zipSync } from 'fflate';
import { featureCollection, union } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import type { Db } from '../../api/db/index.js';
import type { FetchOptions } from '../../api/opendata/fetch.js';
import { resetData, SHARED } from './db.js';

export interface District {
  code: string;
  name: string;
  wards: string[];
}

export interface Faults {
  /** ONS records per page at most (the server's maxRecordCount). */
  onsPageMax: number;
  /** Next query on a service answers HTTP 200 with this error body (once each). */
  onsErrorOnce: Map<string, { code: number; message: string }>;
  nomisCap: number;
  /** More crimes than this in one polygon: 503. */
  policeMax: number;
  /** The next n police.uk requests answer 429. */
  police429: number;
  /** Months answering [] (a force with no data). */
  emptyMonths: Set<string>;
  /** The k-th crimes-street request (1-based) for a month answers 400. */
  failMonth: { month: string; request: number; seen: number } | null;
  /** Archive downloads stop (socket destroyed) after this fraction (0-1) of the zip's bytes. */
  archiveBreakAt: number | null;
  /** The latest month police.uk has published (crimes-street-dates lists none after it); null: all. */
  publishedUntil: string | null;
}

export interface FakeServer {
  ons: string;
  police: string;
  archive: string;
  nomis: string;
  faults: Faults;
  /** Every request: path and query/form parameters. */
  log: Array<{ path: string; params: Record<string, string>; status: number }>;
  /** The rows served, per month (for expectations). */
  monthsServed: string[];
  close(): Promise<void>;
}

type Row = Record<string, string>;
const csv = (file: string): Row[] => parse(fs.readFileSync(path.join(SHARED, file)), { columns: true, bom: true }) as Row[];

function pointInRing(x: number, y: number, ring: number[][]) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i],
      [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** `FIELD IN ('a','b')`, `UPPER(FIELD) IN ('A')` or `1=1` → a row filter. */
function whereFilter(where: string): ((r: Record<string, unknown>) => boolean) | null {
  if (where.trim() === '1=1') return () => true;
  const m = /^\s*(UPPER\()?([A-Za-z0-9_]+)\)?\s+IN\s+\((.*)\)\s*$/.exec(where);
  if (!m) return null;
  const values = new Set([...m[3].matchAll(/'((?:[^']|'')*)'/g)].map((x) => x[1].replace(/''/g, "'")));
  const upper = !!m[1];
  return (r) => values.has(upper ? String(r[m[2]] ?? '').toUpperCase() : String(r[m[2]] ?? ''));
}

export async function startOpenDataServer(opts: { districts?: District[]; crimesFile?: string } = {}): Promise<FakeServer> {
  // ---------- data ----------
  const wardsFc = JSON.parse(fs.readFileSync(path.join(SHARED, 'lewisham_wards_2022.geojson'), 'utf8')) as {
    features: Feature<Polygon | MultiPolygon, Row>[];
  };
  const allWardCodes = wardsFc.features.map((f) => f.properties.WD22CD);
  const districts = opts.districts ?? [{ code: 'E09000023', name: 'Lewisham', wards: allWardCodes }];
  const districtOf = new Map<string, District>();
  for (const d of districts) for (const w of d.wards) districtOf.set(w, d);
  const wards = wardsFc.features
    .filter((f) => districtOf.has(f.properties.WD22CD))
    .map((f) => ({
      type: 'Feature' as const,
      properties: { WD24CD: f.properties.WD22CD, WD24NM: f.properties.WD22NM },
      geometry: f.geometry,
    }));
  const wardLad = wards.map((w) => {
    const d = districtOf.get(w.properties.WD24CD)!;
    return { WD24CD: w.properties.WD24CD, WD24NM: w.properties.WD24NM, LAD24CD: d.code, LAD24NM: d.name };
  });
  const districtFeatures = districts.map((d) => {
    const parts = wards.filter((w) => d.wards.includes(w.properties.WD24CD));
    const u = parts.length > 1 ? union(featureCollection(parts as Feature<Polygon | MultiPolygon>[]))! : parts[0];
    return { type: 'Feature' as const, properties: { LAD24CD: d.code, LAD24NM: d.name }, geometry: u.geometry };
  });
  const lookup = csv('lewisham_lsoa21_to_ward24_best_fit_lookup_ons.csv')
    .filter((r) => districtOf.has(r.WD24CD))
    .map((r) => ({ ...r, LAD24CD: districtOf.get(r.WD24CD)!.code, LAD24NM: districtOf.get(r.WD24CD)!.name }));
  const lsoaDistrict = new Map(lookup.map((r) => [(r as Row).LSOA21CD, r.LAD24CD]));
  const lsoaFc = JSON.parse(fs.readFileSync(path.join(SHARED, 'lewisham_lsoa21.geojson'), 'utf8')) as {
    features: Feature<Polygon | MultiPolygon, Row>[];
  };
  const lsoas = lsoaFc.features.map((f) => ({
    type: 'Feature' as const,
    properties: { LSOA21CD: f.properties.LSOA21CD, LSOA21NM: f.properties.LSOA21NM },
    geometry: f.geometry,
  }));
  const centroids = csv('lewisham_lsoa21_population_weighted_centroids_ons_bng.csv').map((r) => ({
    LSOA21CD: r.LSOA21CD,
    x: Number(r.x),
    y: Number(r.y),
  }));
  const population = csv('lewisham_lsoa21_population_census2021.csv').map((r) => ({
    code: r.LSOA21CD,
    value: r.usual_residents_total,
  }));
  const ladPfa = districts.map((d) => ({
    LAD24CD: d.code,
    LAD24NM: d.name,
    PFA24CD: 'E23000001',
    PFA24NM: 'Metropolitan Police',
  }));

  const layers: Record<string, { rows: Record<string, unknown>[]; geo?: boolean }> = {
    WD24_LAD24_UK_LU: { rows: wardLad },
    Wards_December_2024_Boundaries_UK_BGC: { rows: wards, geo: true },
    Local_Authority_Districts_December_2024_Boundaries_UK_BGC: { rows: districtFeatures, geo: true },
    Lower_layer_Super_Output_Areas_December_2021_Boundaries_EW_BGC_V5: { rows: lsoas, geo: true },
    LSOA21_WD24_LAD24_EW_LU: { rows: lookup },
    LLSOA_Dec_2021_PWC_for_England_and_Wales_2022: { rows: centroids },
    LAD24_CSP24_PFA24_EW_LU: { rows: ladPfa },
  };

  // Street crimes as the API would give them.
  const street = csv(opts.crimesFile ?? 'lewisham_burglary_street_2022-03_2025-02.csv');
  const crimesByMonth = new Map<string, Array<Record<string, unknown> & { lon: number; lat: number }>>();
  const noLocation = new Map<string, number>();
  street.forEach((r, i) => {
    const month = r.Month;
    if (!r.Longitude || !r.Latitude) {
      noLocation.set(month, (noLocation.get(month) ?? 0) + 1);
      return;
    }
    let list = crimesByMonth.get(month);
    if (!list) crimesByMonth.set(month, (list = []));
    const slug = r['Crime type']
      .toLowerCase()
      .replace(/[^a-z]+/g, '-')
      .replace(/^-|-$/g, '');
    list.push({
      lon: Number(r.Longitude),
      lat: Number(r.Latitude),
      category: slug,
      location_type: 'Force',
      context: r.Context ?? '',
      persistent_id: r['Crime ID'],
      id: 100000 + i,
      location_subtype: '',
      month,
      location: { latitude: r.Latitude, longitude: r.Longitude, street: { id: 1000 + i, name: r.Location } },
      outcome_status: r['Last outcome category'] ? { category: r['Last outcome category'], date: month } : null,
    });
  });
  const months = [...crimesByMonth.keys()].sort();

  // The monthly archive, built once when first asked for: the crimes file's lines as they are, by month.
  let archiveZip: Uint8Array | null = null;
  const archive = () => {
    if (archiveZip) return archiveZip;
    const text = fs.readFileSync(path.join(SHARED, opts.crimesFile ?? 'lewisham_burglary_street_2022-03_2025-02.csv'), 'utf8');
    const [header, ...lines] = text
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)
      .filter(Boolean);
    const byMonth = new Map<string, string[]>();
    for (const l of lines) {
      const m = l.slice(l.indexOf(',') + 1, l.indexOf(',') + 8);
      if (!byMonth.has(m)) byMonth.set(m, []);
      byMonth.get(m)!.push(l);
    }
    const city = fs
      .readFileSync(path.join(SHARED, '2025-02-city-of-london-street.csv'), 'utf8')
      .split(/\r?\n/)
      .filter(Boolean)
      .slice(1);
    const files: Record<string, Uint8Array> = {};
    for (const [m, rows] of byMonth) {
      const extra = m === '2025-02' ? city : [];
      files[`${m}/${m}-metropolitan-street.csv`] = Buffer.from([header, ...rows, ...extra].join('\r\n') + '\r\n');
      files[`${m}/${m}-metropolitan-outcomes.csv`] = Buffer.from(
        'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Outcome type\r\n',
      );
    }
    files['2025-02/2025-02-city-of-london-street.csv'] = fs.readFileSync(path.join(SHARED, '2025-02-city-of-london-street.csv'));
    archiveZip = zipSync(files, { level: 6 });
    return archiveZip;
  };

  const faults: Faults = {
    onsPageMax: 40,
    onsErrorOnce: new Map(),
    nomisCap: 100,
    policeMax: 10_000,
    police429: 0,
    emptyMonths: new Set(),
    failMonth: null,
    archiveBreakAt: null,
    publishedUntil: null,
  };
  const log: FakeServer['log'] = [];
  let tokens = 30,
    last = Date.now();

  // ---------- handlers ----------
  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  function ons(service: string, q: URLSearchParams, res: http.ServerResponse) {
    const layer = layers[service];
    if (!layer) return json(res, 200, { error: { code: 400, message: 'Invalid URL', details: [] } });
    const injected = faults.onsErrorOnce.get(service);
    if (injected) {
      faults.onsErrorOnce.delete(service);
      return json(res, 200, { error: { ...injected, details: [] } });
    }
    const filter = whereFilter(q.get('where') ?? '');
    if (!filter)
      return json(res, 200, {
        error: { code: 400, message: 'Unable to perform query. Please check your parameters.', details: [] },
      });
    const attrs = (r: Record<string, unknown>) => (layer.geo ? (r.properties as Record<string, unknown>) : r);
    const rows = layer.rows.filter((r) => filter(attrs(r)));
    if (q.get('returnCountOnly') === 'true') return json(res, 200, { count: rows.length });
    const order = q.get('orderByFields');
    if (order) rows.sort((a, b) => String(attrs(a)[order]).localeCompare(String(attrs(b)[order])));
    const offset = Number(q.get('resultOffset') ?? 0);
    const asked = Number(q.get('resultRecordCount') ?? faults.onsPageMax);
    const n = Math.min(asked, faults.onsPageMax);
    const page = rows.slice(offset, offset + n);
    const more = offset + page.length < rows.length;
    const fields = (q.get('outFields') ?? '*').split(',');
    const pick = (a: Record<string, unknown>) => (fields[0] === '*' ? a : Object.fromEntries(fields.map((f) => [f, a[f]])));
    if (q.get('f') === 'geojson') {
      if (!layer.geo) return json(res, 200, { error: { code: 400, message: 'This layer has no geometry', details: [] } });
      return json(res, 200, {
        type: 'FeatureCollection',
        features: page.map((f) => ({
          type: 'Feature',
          properties: pick(attrs(f)),
          geometry: (f as { geometry: unknown }).geometry,
        })),
        ...(more ? { properties: { exceededTransferLimit: true } } : {}),
      });
    }
    return json(res, 200, {
      features: page.map((r) => ({ attributes: pick(attrs(r)) })),
      ...(more ? { exceededTransferLimit: true } : {}),
    });
  }

  function nomis(q: URLSearchParams, res: http.ServerResponse) {
    const geos = (q.get('geography') ?? '').split(',').map((g) => /^([EW]\d{8})TYPE151$/.exec(g)?.[1]);
    if (!geos.length || geos.some((g) => !g)) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      return res.end('bad geography');
    }
    const rows = population.filter((p) => geos.includes(lsoaDistrict.get(p.code)));
    const offset = Number(q.get('RecordOffset') ?? 0);
    const page = rows.slice(offset, offset + faults.nomisCap); // silently cut, as data.csv is at 25,000
    res.writeHead(200, { 'content-type': 'text/csv' });
    res.end(['"GEOGRAPHY_CODE","OBS_VALUE"', ...page.map((p) => `"${p.code}",${p.value}`)].join('\r\n') + '\r\n');
  }

  function rateLimited(): boolean {
    const now = Date.now();
    tokens = Math.min(30, tokens + ((now - last) / 1000) * 15);
    last = now;
    if (faults.police429 > 0) {
      faults.police429--;
      return true;
    }
    if (tokens < 1) return true;
    tokens -= 1;
    return false;
  }

  function police(p: string, q: URLSearchParams, res: http.ServerResponse) {
    if (rateLimited()) {
      res.writeHead(429, { 'retry-after': '0', 'content-type': 'text/plain' });
      return res.end('Too Many Requests');
    }
    if (p === '/crimes-street-dates')
      return json(
        res,
        200,
        months
          .filter((m) => faults.publishedUntil === null || m <= faults.publishedUntil)
          .reverse()
          .map((date) => ({ date, 'stop-and-search': [] })),
      );
    if (p === '/locate-neighbourhood') return json(res, 200, { force: 'metropolitan', neighbourhood: 'E05013714N' });
    if (p === '/crimes-no-location')
      return json(
        res,
        200,
        Array.from({ length: noLocation.get(q.get('date') ?? '') ?? 0 }, (_, i) => ({
          id: i + 1,
          category: 'burglary',
          location: null,
        })),
      );
    if (p === '/crimes-street/all-crime') {
      const month = q.get('date') ?? '';
      if (faults.failMonth?.month === month && ++faults.failMonth.seen === faults.failMonth.request)
        return json(res, 400, { error: 'injected failure' });
      const ring = (q.get('poly') ?? '')
        .split(':')
        .map((pair) => pair.split(',').map(Number))
        .map(([lat, lng]) => [lng, lat]);
      if (ring.length < 3 || ring.some((pt) => pt.some((v) => !Number.isFinite(v)))) return json(res, 400, { error: 'bad poly' });
      if (faults.emptyMonths.has(month)) return json(res, 200, []);
      const inside = (crimesByMonth.get(month) ?? []).filter((c) => pointInRing(c.lon, c.lat, ring));
      if (inside.length > faults.policeMax) {
        res.writeHead(503);
        return res.end();
      }
      return json(
        res,
        200,
        inside.map(({ lon: _x, lat: _y, ...c }) => c),
      );
    }
    json(res, 404, { error: 'not found' });
  }

  function sendArchive(month: string, res: http.ServerResponse) {
    if (month !== months.at(-1)) return json(res, 404, { error: 'no such archive' });
    const zip = archive();
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(zip.length) });
    const limit = faults.archiveBreakAt === null ? Infinity : Math.floor(zip.length * faults.archiveBreakAt);
    let at = 0;
    const next = () => {
      if (at >= zip.length) return res.end();
      if (at >= limit) return res.destroy();
      const end = Math.min(at + 65536, zip.length, limit);
      const chunk = zip.subarray(at, end);
      at = end;
      if (res.write(chunk)) setImmediate(next);
      else res.once('drain', next);
    };
    next();
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const params = new URLSearchParams(url.search);
      if (req.method === 'POST') for (const [k, v] of new URLSearchParams(Buffer.concat(chunks).toString())) params.set(k, v);
      const entry = { path: url.pathname, params: Object.fromEntries(params), status: 0 };
      log.push(entry);
      const end = res.end.bind(res);
      res.end = ((...a: Parameters<typeof res.end>) => {
        entry.status = res.statusCode;
        return end(...a);
      }) as typeof res.end;
      const m = /^\/ons\/([^/]+)\/FeatureServer\/0\/query$/.exec(url.pathname);
      if (m) return ons(decodeURIComponent(m[1]), params, res);
      if (url.pathname === '/nomis/api/v01/dataset/NM_2021_1.data.csv') return nomis(params, res);
      if (url.pathname.startsWith('/police/')) return police(url.pathname.slice('/police'.length), params, res);
      const z = /^\/archive\/(\d{4}-\d{2})\.zip$/.exec(url.pathname);
      if (z) return sendArchive(z[1], res);
      json(res, 404, { error: 'not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    ons: `${base}/ons`,
    police: `${base}/police`,
    archive: `${base}/archive`,
    nomis: `${base}/nomis`,
    faults,
    log,
    monthsServed: months,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// ---------- shared by the open data tests ----------

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-opendata-'));

export async function resetOpenData(db: Db) {
  await resetData(db);
  await db.exec(`DELETE FROM opendata_runs; DELETE FROM settings WHERE key = 'study_area_level';`);
}

/** Fetch options pointing at the fake server, with short backoffs (the client is not told the Nomis cap: the app is not). */
export function options(s: FakeServer, extra: Partial<FetchOptions> = {}): FetchOptions {
  return {
    sources: { ons: s.ons, police: s.police, nomis: s.nomis, archive: s.archive },
    createdBy: 'test',
    workDir,
    tuning: { backoffMs: 5 },
    ...extra,
  };
}

/** What the map shows: incidents per ward × LSOA × month × category, ward and LSOA populations, covered months. */
export async function snapshot(db: Db) {
  const counts = await db.query<{ ward_code: string | null; month: string; category: string; n: number }>(
    `SELECT ward_code, to_char(occurred_at, 'YYYY-MM') AS month, category, count(*)::int AS n
     FROM incidents GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  );
  const lsoas = await db.query<{ lsoa_code: string | null; n: number }>(
    `SELECT lsoa_code, count(*)::int AS n FROM incidents GROUP BY 1 ORDER BY 1`,
  );
  const population = await db.query<{ code: string; population: number; rule: string }>(
    `SELECT code, population, population_rule AS rule FROM area_population_resolved WHERE level = 'ward' ORDER BY code`,
  );
  const lsoaPopulation = await db.query<{ code: string; population: number | null; rule: string | null }>(
    `SELECT code, population, population_rule AS rule FROM area_population_resolved WHERE level = 'lsoa' ORDER BY code`,
  );
  const coverage = await db.query<{ category: string; month: string }>(
    `SELECT DISTINCT category, to_char(period_start, 'YYYY-MM') AS month FROM coverage ORDER BY 1, 2`,
  );
  return { counts, lsoas, population, lsoaPopulation, coverage };
}
