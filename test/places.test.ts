// Places (issue 14) on real data, both drivers: unit names (street + ward) against an independent count in
// SQL written here and ward membership by Turf; the search route (wards, streets, schools, postcodes,
// injection-ish input, validation, partners); the ONS Postcode Directory import with a small file in the
// published layout written here.
import fs from 'node:fs';
import path from 'node:path';
import { booleanPointInPolygon, pointOnFeature } from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { cellToLatLng } from 'h3-js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../api/db/index.js';
import { importFile } from '../api/imports/index.js';
import { dataVersion } from '../api/data-version.js';
import { placeNames } from '../api/places/names.js';
import { bngToWgs84 } from '../geodata/crs.js';
import { clientFor, signedInApp, type Client } from './helpers/auth.js';
import { drivers, resetData, SHARED, testDb } from './helpers/db.js';
import { tmpFile } from './helpers/files.js';

const LEW_WARDS = path.join(SHARED, 'lewisham_wards_2022.geojson');
const LEW_CRIMES = path.join(SHARED, 'lewisham_burglary_street_2022-03_2025-02.csv');
const HACK_WARDS = path.join(SHARED, 'hackney_wards_2024_bng.geojson');
const HACK_CRIMES = path.join(SHARED, 'hackney_burglary_street_2022-03_2025-02.csv');
const SCHOOLS = path.join(SHARED, 'lewisham_schools_gias_open_20250524.csv');
const hasData = [LEW_WARDS, LEW_CRIMES, HACK_WARDS, HACK_CRIMES, SCHOOLS].every((f) => fs.existsSync(f));

type Ward = Feature<Polygon | MultiPolygon, Record<string, string>>;
const readWards = (file: string, bng: boolean): Ward[] => {
  const fc = JSON.parse(fs.readFileSync(file, 'utf8')) as FeatureCollection<Polygon | MultiPolygon, Record<string, string>>;
  if (!bng) return fc.features;
  const ring = (r: number[][]) => r.map(([x, y]) => bngToWgs84(x, y));
  return fc.features.map((f) => ({
    ...f,
    geometry:
      f.geometry.type === 'Polygon'
        ? { type: 'Polygon', coordinates: f.geometry.coordinates.map(ring) }
        : { type: 'MultiPolygon', coordinates: f.geometry.coordinates.map((p) => p.map(ring)) },
  })) as Ward[];
};

/** police.uk's anonymised non-street points named in the issue (the test's own list). */
const NON_STREET = new Set(
  [
    'Supermarket',
    'Petrol Station',
    'Parking Area',
    'Sports/Recreation Area',
    'Shopping Area',
    'Nightclub',
    'Hospital',
    'Police Station',
    'Pedestrian Subway',
    'Bus/Coach Station',
    'Theatre/Concert Hall',
    'Further/Higher Educational Building',
    'Conference/Exhibition Centre',
    'Park/Open Space',
  ].map((s) => s.toLowerCase()),
);

/** The expected name of a cell, from an independent count in SQL and the wards by Turf. */
async function expectedName(db: Db, h3: string, res: number, wards: Ward[], nameField: string) {
  const rows = await db.query<{ street: string; n: number }>(
    `SELECT substr(location_text, 12) AS street, count(*)::int AS n FROM incidents
     WHERE h3_${res} = ('x' || lpad($1, 16, '0'))::bit(64)::bigint AND location_text LIKE 'On or near _%'
     GROUP BY 1`,
    [h3],
  );
  // case-insensitive groups, spelled as most used
  const groups = new Map<string, { n: number; spellings: Map<string, number> }>();
  for (const r of rows) {
    const k = r.street.trim().toLowerCase();
    const g = groups.get(k) ?? { n: 0, spellings: new Map() };
    g.n += r.n;
    g.spellings.set(r.street.trim(), (g.spellings.get(r.street.trim()) ?? 0) + r.n);
    groups.set(k, g);
  }
  const ranked = [...groups.entries()].sort(
    ([ka, a], [kb, b]) =>
      Number(NON_STREET.has(ka)) - Number(NON_STREET.has(kb)) || b.n - a.n || (ka < kb ? -1 : ka > kb ? 1 : 0),
  );
  const [lat, lon] = cellToLatLng(h3);
  const ward = wards.find((w) => booleanPointInPolygon([lon, lat], w))?.properties[nameField] ?? null;
  if (!ranked.length) return { street: null, ward, n: 0 };
  const [, best] = ranked[0];
  const spelled = [...best.spellings.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
  return { street: spelled, ward, n: best.n };
}

/** A minimal XML reader for the GPX checks: fails on unbalanced or crossed tags; returns the element tree. */
interface El {
  name: string;
  attrs: Record<string, string>;
  children: El[];
  text: string;
}
function parseXml(xml: string): El {
  const root: El = { name: '#root', attrs: {}, children: [], text: '' };
  const stack = [root];
  const re = /<\?[^>]*\?>|<!--[\s\S]*?-->|<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+="[^"]*")*)\s*(\/?)>|([^<]+)/g;
  const unesc = (t: string) =>
    t
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&');
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    if (m[5] !== undefined) {
      stack[stack.length - 1].text += unesc(m[5]);
      continue;
    }
    if (!m[2]) continue;
    if (m[1]) {
      const open = stack.pop()!;
      if (open.name !== m[2]) throw new Error(`</${m[2]}> closes <${open.name}>`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of m[3].matchAll(/([\w:.-]+)="([^"]*)"/g)) attrs[a[1]] = unesc(a[2]);
    const el: El = { name: m[2], attrs, children: [], text: '' };
    stack[stack.length - 1].children.push(el);
    if (!m[4]) stack.push(el);
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1].name}>`);
  return root.children[0];
}
const kids = (e: El, name: string) => e.children.filter((c) => c.name === name);
const textOf = (e: El, name: string) => kids(e, name)[0]?.text.trim() ?? null;

describe.skipIf(!hasData).each(drivers())('places: names and search on real data (%s)', (driver) => {
  let db: Db;
  let analyst: Client;
  let partner: Client;
  let officer: Client;
  let admin: Client;
  const lewWards = readWards(LEW_WARDS, false);
  const get = async (url: string, who: Client = analyst) => {
    const res = await who.request(url);
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    db = await testDb(driver);
    await resetData(db);
    await db.query('DELETE FROM postcodes');
    for (const [file, opts] of [
      [LEW_WARDS, { kind: 'boundaries' as const, level: 'ward' }],
      [LEW_CRIMES, {}],
      [SCHOOLS, {}],
    ] as const) {
      const r = await importFile(db, file, opts);
      expect(r.status, `${file}: ${r.error?.message}`).toBe('committed');
    }
    const { app } = await signedInApp(db, { dataDir: '/nonexistent', MAX_UPLOAD_MB: 5, BASEMAP_STYLE_URL: undefined });
    analyst = await clientFor(app, db, 'analyst');
    partner = await clientFor(app, db, 'partner');
    officer = await clientFor(app, db, 'officer', { areaCodes: ['E05013730'] }); // Rushey Green
    admin = await clientFor(app, db, 'admin');
  }, 240_000);

  it('names the top Gi* cells by their most frequent street and ward, as an independent count says', async () => {
    const t0 = performance.now();
    const { status, body } = await get('/api/hotspots/top?res=9&n=8');
    const ms = performance.now() - t0;
    expect(status).toBe(200);
    expect(body.top.length).toBe(8);
    for (const row of body.top) {
      const want = await expectedName(db, row.h3, 9, lewWards, 'WD22NM');
      expect(want.street, `cell ${row.h3} has incidents with a street`).not.toBeNull();
      expect(row.place.street).toBe(want.street);
      expect(row.place.street_incidents).toBe(want.n);
      expect(row.place.ward).toBe(want.ward);
      expect(row.place.name).toBe(want.ward ? `${want.street}, ${want.ward}` : want.street);
      expect(['street', 'landmark']).toContain(row.place.basis);
    }
    console.log(`[places] GET /hotspots/top res 9 n 8 with names (${driver}): ${ms.toFixed(0)} ms`);
  });

  it('names every cell of the Gi* map in one query, cells with no incidents by their ward only', async () => {
    const r0 = performance.now();
    const { body } = await get('/api/hotspots?res=10');
    const requestMs = performance.now() - r0;
    const cells = body.cells as Array<{ h3: string; count: number; place: any }>;
    expect(cells.length).toBeGreaterThan(1000);
    const empty = cells.filter((c) => c.place.incidents === 0);
    expect(empty.length).toBeGreaterThan(0);
    for (const c of empty.slice(0, 20)) {
      const want = await expectedName(db, c.h3, 10, lewWards, 'WD22NM');
      expect(want.street).toBeNull();
      expect(c.place.street).toBeNull();
      expect(c.place.name).toBe(want.ward);
      expect(c.place.basis).toBe(want.ward ? 'ward' : 'none');
      if (!want.ward) expect(c.place.reason).toMatch(/no loaded ward/);
    }
    // time: names for every cell, against the same answer's counts alone
    const ids = cells.map((c) => c.h3);
    const centres = ids.map((h) => {
      const [lat, lon] = cellToLatLng(h);
      return [lon, lat] as const;
    });
    const t0 = performance.now();
    const names = await placeNames(db, { kind: 'h3', res: 10, ids, centres });
    const ms = performance.now() - t0;
    expect(names.size).toBe(ids.length);
    console.log(
      `[places] GET /hotspots?res=10 with names ${requestMs.toFixed(0)} ms; of which the names of all ${ids.length} cells (one query) ${ms.toFixed(0)} ms (${driver})`,
    );
  });

  it('ranks a real street before police.uk non-street points, whatever their counts', async () => {
    // a cell where "Supermarket" (or another anonymised point) is the most frequent location but a street exists too
    const rows = await db.query<{ cell: string }>(
      `WITH c AS (
         SELECT lpad(to_hex(h3_9), 15, '0') AS cell, lower(substr(location_text, 12)) AS s, count(*) AS n FROM incidents
         WHERE location_text LIKE 'On or near _%' GROUP BY 1, 2
       )
       SELECT g.cell FROM c g WHERE g.s IN ('supermarket', 'petrol station', 'parking area', 'shopping area')
         AND g.n > ALL (SELECT n FROM c WHERE c.cell = g.cell AND c.s <> g.s)
         AND EXISTS (SELECT 1 FROM c WHERE c.cell = g.cell AND c.s <> g.s AND c.s NOT IN ('supermarket', 'petrol station', 'parking area', 'shopping area', 'sports/recreation area', 'nightclub', 'hospital'))
       ORDER BY 1 LIMIT 3`,
    );
    expect(rows.length).toBeGreaterThan(0);
    const ids = rows.map((r) => r.cell);
    const names = await placeNames(db, {
      kind: 'h3',
      res: 9,
      ids,
      centres: ids.map((h) => [cellToLatLng(h)[1], cellToLatLng(h)[0]] as const),
    });
    for (const id of ids) {
      const want = await expectedName(db, id, 9, lewWards, 'WD22NM');
      expect(names.get(id)!.street).toBe(want.street);
      expect(NON_STREET.has(want.street!.toLowerCase())).toBe(false);
      expect(names.get(id)!.basis).toBe('street');
    }
  });

  it('keeps cell names per data version: the same names until the data change, then the new ones', async () => {
    const [busy] = await db.query<{ cell: string; n: number }>(
      `SELECT lpad(to_hex(h3_10), 15, '0') AS cell, count(*)::int AS n FROM incidents
       WHERE location_text LIKE 'On or near _%' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1`,
    );
    const [lat, lon] = cellToLatLng(busy.cell);
    const unit = { kind: 'h3' as const, res: 10 as const, ids: [busy.cell], centres: [[lon, lat] as const] };
    const want = await expectedName(db, busy.cell, 10, lewWards, 'WD22NM');
    const first = (await placeNames(db, unit)).get(busy.cell)!;
    expect(first.street).toBe(want.street);
    const v0 = await dataVersion(db);
    expect((await placeNames(db, unit)).get(busy.cell)).toEqual(first);
    expect(await dataVersion(db)).toBe(v0);
    // a change to the incidents (one statement) moves the version and the name follows it
    const saved = await db.query<{ id: number; t: string | null }>(
      `SELECT id, location_text AS t FROM incidents WHERE h3_10 = ('x' || lpad($1, 16, '0'))::bit(64)::bigint`,
      [busy.cell],
    );
    try {
      await db.query(
        `UPDATE incidents SET location_text = 'On or near Cache Test Road' WHERE h3_10 = ('x' || lpad($1, 16, '0'))::bit(64)::bigint`,
        [busy.cell],
      );
      expect(Number(await dataVersion(db))).toBeGreaterThan(Number(v0));
      const after = (await placeNames(db, unit)).get(busy.cell)!;
      expect(after.street).toBe('Cache Test Road');
      expect(after.street_incidents).toBe(saved.length);
      expect(after.name).toBe(`Cache Test Road, ${want.ward}`);
    } finally {
      await db.query(
        'UPDATE incidents i SET location_text = s.t FROM unnest($1::bigint[], $2::text[]) AS s(id, t) WHERE i.id = s.id',
        [saved.map((r) => r.id), saved.map((r) => r.t)],
      );
    }
    expect((await placeNames(db, unit)).get(busy.cell)).toEqual(first);
  });

  it('gives partners ward-level names only', async () => {
    const { status, body } = await get('/api/hotspots?res=8', partner);
    expect(status).toBe(200);
    for (const c of body.cells.slice(0, 50)) {
      expect(c.place.street).toBeNull();
      expect(c.place.incidents).toBeNull();
      expect(['ward', 'none']).toContain(c.place.basis);
    }
    const top = await get('/api/hotspots/top?res=8&n=5', partner);
    expect(top.status).toBe(200);
    expect(top.body.top.every((r: any) => r.place && r.place.street === null)).toBe(true);
  });

  it('carries names into the CSV and GeoJSON exports', async () => {
    const send = (format: string) =>
      analyst.request('/api/exports/hotspots', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ format, filters: { res: '9', n: '5' }, purpose: 'places test', recipient: 'test' }),
      });
    const res = await send('csv');
    const csv = await res.text();
    expect(res.status, csv).toBe(200);
    const lines = csv.trim().split('\n');
    expect(lines[1].split(',').slice(0, 3)).toEqual(['name', 'name_basis', 'h3']);
    const top = (await get('/api/hotspots/top?res=9&n=5')).body.top;
    expect(lines[2]).toContain(top[0].h3);
    expect(lines[2].startsWith(top[0].place.name.includes(',') ? `"${top[0].place.name}"` : top[0].place.name)).toBe(true);
    const gj = await (await send('geojson')).json();
    expect(gj.features[0].properties.place.name).toBe(top[0].place.name);
  });

  it('names patrol boxes and outreach candidates, and the GPX carries each box outline (closed) with its name', async () => {
    const filters = { from: '2024-03', to: '2025-03', n: '4' };
    const plan = await get(`/api/planning/patrol?${new URLSearchParams(filters)}`);
    expect(plan.status, JSON.stringify(plan.body)).toBe(200);
    const boxes = plan.body.boxes as any[];
    expect(boxes.length).toBeGreaterThan(0);
    for (const b of boxes) {
      // independent: the streets of the incidents inside the box (PostGIS here, on the returned polygon)
      const rows = await db.query<{ street: string; n: number }>(
        `SELECT substr(location_text, 12) street, count(*)::int n FROM incidents
         WHERE ST_Intersects(geom, ST_SetSRID(ST_GeomFromGeoJSON($1), 4326)) AND location_text LIKE 'On or near _%' GROUP BY 1`,
        [JSON.stringify(b.polygon)],
      );
      const real = rows.filter((r) => !NON_STREET.has(r.street.toLowerCase()));
      const pool = real.length ? real : rows;
      const top = Math.max(...pool.map((r) => r.n));
      expect(pool.filter((r) => r.n === top).map((r) => r.street)).toContain(b.place.street);
      const ward = lewWards.find((w) => booleanPointInPolygon([b.centre.lon, b.centre.lat], w))?.properties.WD22NM ?? null;
      expect(b.place.ward).toBe(ward);
      expect(b.place.name).toBe(ward ? `${b.place.street}, ${ward}` : b.place.street);
    }
    const res = await analyst.request('/api/planning/patrol/export', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ purpose: 'places test', recipient: 'test team', format: 'gpx', filters }),
    });
    expect(res.status).toBe(200);
    const gpx = parseXml(await res.text());
    expect(gpx.name).toBe('gpx');
    const tracks = kids(gpx, 'trk');
    const wpts = kids(gpx, 'wpt');
    expect(tracks.length).toBe(boxes.length);
    boxes.forEach((b, i) => {
      expect(textOf(wpts[i], 'name')).toBe(`${b.id} — ${b.place.name}`);
      expect(textOf(tracks[i], 'name')).toBe(`${b.id} — ${b.place.name} (box)`);
      const pts = kids(kids(tracks[i], 'trkseg')[0], 'trkpt').map((p) => [Number(p.attrs.lon), Number(p.attrs.lat)]);
      expect(pts.length).toBe(5);
      expect(pts[0]).toEqual(pts[4]); // closed outline
      const ring = b.polygon.coordinates[0] as number[][];
      pts.forEach((p, k) => {
        expect(p[0]).toBeCloseTo(ring[k][0], 6);
        expect(p[1]).toBeCloseTo(ring[k][1], 6);
      });
    });
    // outreach: cell candidates are named by their cell
    const out = await analyst.request('/api/planning/outreach', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: '2024-03-01', to: '2025-03-01', k: 3, distance: 300, exact: 'never' }),
    });
    const ob = (await out.json()) as any;
    expect(out.status, JSON.stringify(ob)).toBe(200);
    for (const site of ob.sites) {
      const want = await expectedName(db, site.h3, 9, lewWards, 'WD22NM');
      expect(site.place.street).toBe(want.street);
      expect(site.place.ward).toBe(want.ward);
    }
  });

  it('finds a ward by name, with its extent', async () => {
    const { status, body } = await get('/api/search?q=rushey');
    expect(status).toBe(200);
    const w = body.results.find((r: any) => r.kind === 'ward');
    expect(w.label).toBe('Rushey Green');
    const f = lewWards.find((x) => x.properties.WD22NM === 'Rushey Green')!;
    const [lon, lat] = pointOnFeature(f).geometry.coordinates;
    expect(lon).toBeGreaterThanOrEqual(w.bbox[0]);
    expect(lon).toBeLessThanOrEqual(w.bbox[2]);
    expect(lat).toBeGreaterThanOrEqual(w.bbox[1]);
    expect(lat).toBeLessThanOrEqual(w.bbox[3]);
  });

  it('finds a street from the data with the extent of its incidents', async () => {
    const [s] = await db.query<{ street: string; ward: string; n: number; x0: number; y0: number; x1: number; y1: number }>(
      `SELECT substr(location_text, 12) AS street, ward_code AS ward, count(*)::int AS n, min(lon) x0, min(lat) y0, max(lon) x1, max(lat) y1
       FROM incidents WHERE location_text LIKE 'On or near %Road' AND ward_code IS NOT NULL
       GROUP BY 1, 2 ORDER BY count(*) DESC, 1 LIMIT 1`,
    );
    const { body } = await get(`/api/search?q=${encodeURIComponent(s.street)}`);
    const hit = body.results.find((r: any) => r.kind === 'street' && r.label === s.street && r.bbox[0] === s.x0);
    expect(hit, JSON.stringify(body.results.slice(0, 5))).toBeTruthy();
    expect(hit.bbox).toEqual([s.x0, s.y0, s.x1, s.y1]);
    expect(hit.detail).toContain(`${s.n} incident`);
    // officers: streets only from their wards; admins and partners: no streets (record-level points)
    const o = await get(`/api/search?q=${encodeURIComponent(s.street)}`, officer);
    const inScope = o.body.results.filter((r: any) => r.kind === 'street');
    for (const r of inScope) expect(r.detail).toContain('Rushey Green');
    for (const who of [admin, partner]) {
      const r = await get(`/api/search?q=${encodeURIComponent(s.street)}`, who);
      expect(r.status).toBe(200);
      expect(r.body.results.filter((x: any) => x.kind === 'street')).toEqual([]);
      expect(r.body.meta.withheld.map((x: any) => x.kind)).toContain('street');
    }
  });

  it('finds a school by name and by URN', async () => {
    const [sc] = await db.query<{ name: string; source_id: string; lon: number; lat: number }>(
      `SELECT name, source_id, ST_X(geom) lon, ST_Y(geom) lat FROM journey_sites WHERE kind = 'school' AND source_id = '100203'`,
    );
    expect(sc.name).toBe('Heath House Preparatory School');
    const byName = await get('/api/search?q=heath%20house');
    expect(byName.body.results[0]).toMatchObject({ kind: 'school', label: sc.name, point: [sc.lon, sc.lat], bbox: null });
    const byUrn = await get('/api/search?q=100203', partner);
    expect(byUrn.body.results[0]).toMatchObject({ kind: 'school', label: sc.name });
  });

  it('treats %, _ and quotes as text, and validates the length', async () => {
    for (const q of ["%_'", '%%', '__', "'; DROP TABLE areas; --", '\\%']) {
      const r = await get(`/api/search?q=${encodeURIComponent(q)}`);
      expect(r.status, q).toBe(200);
      expect(r.body.results, q).toEqual([]);
    }
    // "_" must not match any character: "Lee_Green" is not "Lee Green"
    expect((await get('/api/search?q=Lee_Green')).body.results).toEqual([]);
    expect((await get('/api/search?q=Lee%20Green')).body.results[0].label).toBe('Lee Green');
    expect((await db.query<{ n: number }>(`SELECT count(*)::int n FROM areas WHERE level = 'ward'`))[0].n).toBe(19);
    for (const q of ['a', 'x'.repeat(101)]) {
      const r = await get(`/api/search?q=${q}`);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('invalid_parameter');
    }
    expect((await get('/api/search')).status).toBe(400);
  });

  it('imports an ONS Postcode Directory CSV and finds postcodes exactly and by prefix', async () => {
    const hackWards = readWards(HACK_WARDS, true);
    const inside = (w: Ward) => pointOnFeature(w).geometry.coordinates as [number, number];
    const rushey = inside(lewWards.find((w) => w.properties.WD22NM === 'Rushey Green')!);
    const catford = inside(lewWards.find((w) => w.properties.WD22NM === 'Catford South')!);
    const dalston = inside(hackWards.find((w) => w.properties.WD24NM === 'Dalston')!);
    const header =
      'pcd,pcd2,pcds,dointr,doterm,oscty,ced,oslaua,osward,parish,usertype,oseast1m,osnrth1m,osgrdind,oshlthau,nhser,ctry,rgn,streg,pcon,eer,teclec,ttwa,pct,itl,statsward,oa01,casward,npark,lsoa01,msoa01,ur01ind,oac01,oa11,lsoa11,msoa11,wz11,sicbl,bua24,ru11ind,oac11,lat,long,lep1,lep2,pfa,imd,calncv,icb,oa21,lsoa21,msoa21';
    const cols = header.split(',');
    const row = (v: Record<string, string | number>) => cols.map((c) => (c in v ? String(v[c]) : '')).join(',');
    const lines = [
      header,
      row({ pcd: 'SE6 4RU', pcd2: 'SE6  4RU', pcds: 'SE6 4RU', dointr: '198001', lat: rushey[1], long: rushey[0] }),
      row({ pcd: 'SE6 2AA', pcd2: 'SE6  2AA', pcds: 'SE6 2AA', dointr: '198001', lat: catford[1], long: catford[0] }),
      row({ pcd: 'E8  3AA', pcd2: 'E8   3AA', pcds: 'E8 3AA', dointr: '198001', lat: dalston[1], long: dalston[0] }),
      // terminated: not kept
      row({
        pcd: 'SE6 4ZZ',
        pcd2: 'SE6  4ZZ',
        pcds: 'SE6 4ZZ',
        dointr: '198001',
        doterm: '200512',
        lat: rushey[1],
        long: rushey[0],
      }),
      // no lat/long (ONSPD's 99.999999) but a grid reference: located from it
      row({
        pcd: 'E8  3AB',
        pcd2: 'E8   3AB',
        pcds: 'E8 3AB',
        dointr: '198001',
        oseast1m: 533900,
        osnrth1m: 184900,
        lat: '99.999999',
        long: '0.000000',
      }),
      // malformed rows
      row({ pcd: 'NOTAPC', pcds: 'NOT A PC', dointr: '198001', lat: rushey[1], long: rushey[0] }),
      row({ pcd: 'SE6 4RX', pcds: 'SE6 4RX', dointr: '198001', lat: '99.999999', long: '0.000000' }),
      row({ pcd: 'SE6 4RU', pcds: 'SE6 4RU', dointr: '198001', lat: rushey[1], long: rushey[0] }),
      row({ pcd: 'SE6 4RY', pcds: 'SE6 4RY', dointr: 'May-80', lat: rushey[1], long: rushey[0] }),
    ];
    const file = tmpFile('onspd.csv', `${lines.join('\r\n')}\r\n`);
    const before = await get('/api/search?q=SE6%204RU');
    expect(before.body.meta.postcodes_loaded).toBe(false);
    const r = await importFile(db, file);
    expect(r.kind).toBe('postcodes');
    expect(r.status, r.error?.message).toBe('committed');
    expect(r.imported).toBe(4);
    expect(r.details.terminated).toBe(1);
    expect(r.details.located_from_grid_reference).toBe(1);
    expect(r.rejects.map((x) => [x.line, x.code])).toEqual([
      [7, 'bad_postcode'],
      [8, 'no_location'],
      [9, 'duplicate'],
      [10, 'bad_date'],
    ]);
    const exact = await get('/api/search?q=se64ru', partner);
    expect(exact.body.results[0]).toMatchObject({ kind: 'postcode', label: 'SE6 4RU', bbox: null });
    expect(exact.body.results[0].point[0]).toBeCloseTo(rushey[0], 6);
    const inWard = lewWards.find((w) => booleanPointInPolygon(exact.body.results[0].point, w))!;
    expect(inWard.properties.WD22NM).toBe('Rushey Green');
    const prefix = await get('/api/search?q=SE6');
    expect(prefix.body.results.filter((x: any) => x.kind === 'postcode').map((x: any) => x.label)).toEqual([
      'SE6 2AA',
      'SE6 4RU',
    ]);
    const hackney = await get('/api/search?q=E8%203');
    expect(hackney.body.results.map((x: any) => x.label)).toEqual(['E8 3AA', 'E8 3AB']);
    expect((await get('/api/search?q=SE6%204ZZ')).body.results).toEqual([]);
  });
});

describe.skipIf(!hasData).each(drivers())('places: names on Hackney (British National Grid wards) (%s)', (driver) => {
  let db: Db;
  const wards = readWards(HACK_WARDS, true);
  beforeAll(async () => {
    db = await testDb(driver);
    await resetData(db);
    for (const [file, opts] of [
      [HACK_WARDS, { kind: 'boundaries' as const, level: 'ward' }],
      [HACK_CRIMES, {}],
    ] as const) {
      const r = await importFile(db, file, opts);
      expect(r.status, `${file}: ${r.error?.message}`).toBe('committed');
    }
  }, 240_000);

  it('names the busiest cells by street and Hackney ward', async () => {
    const cells = await db.query<{ cell: string }>(
      `SELECT lpad(to_hex(h3_8), 15, '0') AS cell FROM incidents GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 6`,
    );
    const ids = cells.map((c) => c.cell);
    const names = await placeNames(db, {
      kind: 'h3',
      res: 8,
      ids,
      centres: ids.map((h) => [cellToLatLng(h)[1], cellToLatLng(h)[0]] as const),
    });
    for (const id of ids) {
      const want = await expectedName(db, id, 8, wards, 'WD24NM');
      const got = names.get(id)!;
      expect(got.street).toBe(want.street);
      expect(got.ward).toBe(want.ward);
      expect(got.name).toBe(want.ward ? `${want.street}, ${want.ward}` : want.street);
    }
  });

  it('names a shape (a patrol-box-like square) from the incidents inside it', async () => {
    const [c] = await db.query<{ lon: number; lat: number }>(
      `SELECT lon, lat FROM incidents GROUP BY lon, lat ORDER BY count(*) DESC, lon, lat LIMIT 1`,
    );
    const d = 0.001;
    const box = {
      type: 'Polygon',
      coordinates: [
        [
          [c.lon - d, c.lat - d],
          [c.lon + d, c.lat - d],
          [c.lon + d, c.lat + d],
          [c.lon - d, c.lat + d],
          [c.lon - d, c.lat - d],
        ],
      ],
    };
    const rows = await db.query<{ street: string; n: number }>(
      `SELECT substr(location_text, 12) street, count(*)::int n FROM incidents
       WHERE lon BETWEEN $1 AND $2 AND lat BETWEEN $3 AND $4 AND location_text LIKE 'On or near _%' GROUP BY 1`,
      [c.lon - d, c.lon + d, c.lat - d, c.lat + d],
    );
    const names = await placeNames(db, { kind: 'shape', keys: ['b'], geometries: [box], buffer_m: 0, centres: [[c.lon, c.lat]] });
    const got = names.get('b')!;
    const streets = rows.filter((r) => !NON_STREET.has(r.street.toLowerCase()));
    const top = Math.max(...streets.map((r) => r.n));
    expect(streets.filter((r) => r.n === top).map((r) => r.street)).toContain(got.street);
    expect(got.street_incidents).toBe(top);
    expect(got.ward).toBe(wards.find((w) => booleanPointInPolygon([c.lon, c.lat], w))!.properties.WD24NM);
  });
});
