// School journeys on both drivers: real Lewisham schools, stations, wards and police.uk robbery
// records through the real importer and API. Expected numbers come from the raw files (csv-parse,
// Turf) and from hand-made fixtures whose answers are worked out here, not from the code under test.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import {
  bbox as turfBbox,
  booleanPointInPolygon,
  lineString,
  nearestPointOnLine,
  point as turfPoint,
  union as turfUnion,
  destination,
} from '@turf/turf';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/app.js';
import type { Db } from '../api/db/index.js';
import { importFile } from '../api/imports/index.js';
import { suppressRows } from '../api/auth/disclosure.js';
import { bngToWgs84 } from '../geodata/crs.js';
import { perturbCount } from '../geodata/disclosure/cell-key.js';
import type { Position } from '../geodata/journeys/segment.js';
import { clientFor, type Client } from './helpers/auth.js';
import { drivers, resetData, SHARED, testDb } from './helpers/db.js';
import { lsoaRingNetwork } from './helpers/network.js';
import { tmpFile } from './helpers/files.js';

const hasData = fs.existsSync(path.join(SHARED, 'lewisham_schools_gias_open_20250524.csv'));
const config = { dataDir: '/nonexistent', MAX_UPLOAD_MB: 10, BASEMAP_STYLE_URL: undefined };
const json = (body: unknown, method = 'POST'): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const line = (coordinates: Position[]) => ({ type: 'LineString', coordinates });

// A hand-made east-west route in Catford at 51.445 N, 0.0100 W → 0.0000: about 694 m, 7 segments of ~99 m.
const LAT = 51.445;
const ROUTE: Position[] = [
  [-0.01, LAT],
  [0, LAT],
];
/** A point `along` metres east of the route's start and `off` metres north of it (Turf destination, geodesic). */
const near = (along: number, off: number): Position => {
  const a = destination(turfPoint(ROUTE[0]), along / 1000, 90, { units: 'kilometers' }).geometry.coordinates;
  return destination(turfPoint(a), Math.abs(off) / 1000, off >= 0 ? 0 : 180, { units: 'kilometers' }).geometry
    .coordinates as Position;
};

// Incidents near the route (force-export layout: civil or ISO times, victim age bands). `want` is the
// class worked out by hand with the default windows, mon-fri, the term calendar below and age_max 17.
const FIXTURE: Array<{ id: string; date: string; time: string; age: string; along: number; off: number; want: string }> = [
  { id: 'F1', date: '2024-03-29', time: '08:00', age: '15', along: 50, off: 10, want: 'count' }, // Friday, last day of term, GMT
  { id: 'F2', date: '2024-04-01T07:15:00Z', time: '', age: '14', along: 150, off: -20, want: 'count' }, // 08:15 BST, first day of term
  { id: 'F3', date: '2024-03-29T07:15:00Z', time: '', age: '14', along: 250, off: 30, want: 'excluded' }, // 07:15 GMT: before the window
  { id: 'F4', date: '2024-03-30', time: '08:00', age: '15', along: 250, off: 5, want: 'excluded' }, // Saturday
  { id: 'F5', date: '2024-04-02', time: '', age: '15', along: 350, off: 40, want: 'unknown_time' }, // a term day, no time
  { id: 'F6', date: '2024-04-02', time: '15:00', age: '', along: 350, off: -45, want: 'unknown_age' },
  { id: 'F7', date: '2024-04-02', time: '15:00', age: '16-24', along: 450, off: 0, want: 'unknown_age' }, // straddles 18
  { id: 'F8', date: '2024-04-02', time: '15:00', age: '18-24', along: 450, off: 10, want: 'excluded' },
  { id: 'F9', date: '2024-10-28', time: '08:00', age: '15', along: 550, off: 10, want: 'excluded' }, // half term, after the October change
  { id: 'F10', date: '2024-10-25', time: '18:29', age: '12', along: 650, off: 10, want: 'count' }, // last minute of the window
  { id: 'F11', date: '2024-10-25', time: '18:30', age: '12', along: 650, off: -10, want: 'excluded' },
  { id: 'F12', date: '2024-04-03', time: '08:00', age: '15', along: 300, off: 70, want: 'outside' }, // beyond the 50 m corridor
  { id: 'F13', date: '2024-04-03', time: '08:00', age: '15', along: -80, off: 0, want: 'outside' }, // 80 m before the start
  { id: 'F14', date: '2024-04-03', time: '08:00', age: '15', along: 720, off: 20, want: 'count' }, // past the end, within 50 m of it
];
const TERMS = [
  { name: 'Spring 2', starts_on: '2024-02-19', ends_on: '2024-03-29' },
  { name: 'Summer', starts_on: '2024-04-01', ends_on: '2024-07-19' },
  { name: 'Autumn 1', starts_on: '2024-09-02', ends_on: '2024-10-25' },
];

describe.skipIf(!hasData).each(drivers())('school journeys (%s)', (driver) => {
  let db: Db;
  let analyst: Client, officer: Client, partner: Client, admin: Client;
  const schoolsCsv = parse(fs.readFileSync(path.join(SHARED, 'lewisham_schools_gias_open_20250524.csv')), {
    columns: true,
  }) as Record<string, string>[];
  const wards = JSON.parse(fs.readFileSync(path.join(SHARED, 'lewisham_wards_2022.geojson'), 'utf8')) as FeatureCollection<
    Polygon | MultiPolygon
  >;

  beforeAll(async () => {
    db = await testDb(driver);
    await resetData(db);
    await db.exec('TRUNCATE journey_sites, journey_routes, journey_segments, journey_term_dates RESTART IDENTITY CASCADE');
    expect((await importFile(db, path.join(SHARED, 'lewisham_wards_2022.geojson'), { level: 'ward' })).status).toBe('committed');
    const app = createApp({ db, config });
    [analyst, officer, partner, admin] = [
      await clientFor(app, db, 'analyst'),
      await clientFor(app, db, 'officer'),
      await clientFor(app, db, 'partner'),
      await clientFor(app, db, 'admin'),
    ];
  });

  it('imports the real GIAS schools and NaPTAN stations, rejecting 0,0 and schools outside the borough', async () => {
    // Independent expectation: a school is usable when its Easting/Northing are non-zero numbers and the
    // point lies in the union of the ward polygons (Turf, on the raw GeoJSON).
    const borough = turfUnion(wards)!;
    const [w, so, e, n] = turfBbox(wards);
    const inBox = ([x, y]: number[]) => x >= w && x <= e && y >= so && y <= n;
    const at = (r: Record<string, string>) => bngToWgs84(+r.easting, +r.northing);
    const expected = schoolsCsv.map((r, i) => ({
      urn: r.urn,
      line: i + 2,
      located: +r.easting !== 0 && +r.northing !== 0,
      ok: +r.easting !== 0 && booleanPointInPolygon(at(r), borough),
    }));
    const s = await importFile(db, path.join(SHARED, 'lewisham_schools_gias_open_20250524.csv'));
    expect(s).toMatchObject({ status: 'committed', kind: 'schools', rowsRead: schoolsCsv.length });
    expect(s.imported).toBe(expected.filter((x) => x.ok).length);
    expect(s.rejects.map((r) => r.line)).toEqual(expected.filter((x) => !x.ok).map((x) => x.line));
    expect(s.rejects.find((r) => r.code === 'no_location')?.reason).toContain('132942');
    // Schools that have a location but lie outside the borough: rejected with their line, even when
    // inside the wards' bounding box (a bounding box would have kept them).
    const outside = expected.filter((x) => x.located && !x.ok);
    expect(outside.length).toBeGreaterThan(0);
    expect(outside.some((x) => inBox(at(schoolsCsv[x.line - 2])))).toBe(true);
    expect(s.rejects.filter((r) => r.code === 'outside_study_area').map((r) => [r.line, r.reason.split(':')[0]])).toEqual(
      outside.map((x) => [x.line, x.urn]),
    );
    expect(s.outsideStudyArea).toBe(outside.length);
    const h = await importFile(db, path.join(SHARED, 'lewisham_rail_stations_naptan.csv'));
    expect(h).toMatchObject({ status: 'committed', kind: 'hubs', rowsRead: 22, imported: 22, rejected: 0 });
    // Stored where the file says (BNG → WGS84), with the other columns kept as attributes; none outside.
    const fc = await (await partner.request('/api/journeys/sites?kind=school')).json();
    expect(fc.features).toHaveLength(expected.filter((x) => x.ok).length);
    const ids = new Set(fc.features.map((f: { properties: { source_id: string } }) => f.properties.source_id));
    for (const x of outside) expect(ids.has(x.urn)).toBe(false);
    const kept = expected.find((x) => x.ok)!;
    const stored = fc.features.find((f: { properties: { source_id: string } }) => f.properties.source_id === kept.urn);
    const raw = schoolsCsv[kept.line - 2];
    const [lon, lat] = at(raw);
    expect(stored.geometry.coordinates[0]).toBeCloseTo(lon, 6);
    expect(stored.geometry.coordinates[1]).toBeCloseTo(lat, 6);
    expect(stored.properties).toMatchObject({
      kind: 'school',
      name: raw.establishment_name,
      attributes: { education_phase: raw.education_phase, lsoa_code: raw.lsoa_code },
    });
    // Re-importing changes nothing.
    const again = await importFile(db, path.join(SHARED, 'lewisham_schools_gias_open_20250524.csv'));
    expect([again.imported, again.duplicates]).toEqual([0, s.imported]);
    expect((await (await admin.request('/api/journeys/sites?kind=hub')).json()).features).toHaveLength(22);
  });

  it('imports hubs from GeoJSON points (WGS84), rejecting 0,0 and points outside the study area', async () => {
    const pt = (id: string, c: number[]) => ({
      type: 'Feature',
      properties: { AtcoCode: id, CommonName: `Stop ${id}` },
      geometry: { type: 'Point', coordinates: c },
    });
    const file = tmpFile(
      'stops.geojson',
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          pt('490000001', [-0.0205, 51.4451]),
          pt('490000002', [0, 0]),
          pt('490000003', [-2.24, 53.48]),
          pt('490000004', [-0.0206, 51.452]),
        ],
      }),
    );
    const s = await importFile(db, file);
    expect(s).toMatchObject({ status: 'committed', kind: 'hubs', rowsRead: 4, imported: 2, rejected: 2, outsideStudyArea: 1 });
    expect(s.rejects.map((r) => [r.line, r.code])).toEqual([
      [2, 'no_location'],
      [3, 'outside_study_area'],
    ]);
    const bad = await importFile(
      db,
      tmpFile('bad-stops.geojson', JSON.stringify({ type: 'FeatureCollection', features: [pt('490000009', [0, 0])] })),
    );
    expect(bad).toMatchObject({ status: 'failed', error: { code: 'no_valid_rows' } });
  });

  let routeId: number;
  it('validates routes and refuses bad ones with a 400 that changes nothing', async () => {
    const [school] = await db.query<{ id: number }>(
      `SELECT id FROM journey_sites WHERE kind = 'school' AND source_id = '100671'`,
    );
    const [hub] = await db.query<{ id: number }>(`SELECT id FROM journey_sites WHERE kind = 'hub' AND source_id = '9100CATFORD'`);
    const bad: Array<[unknown, RegExp]> = [
      [{ name: 'x', geometry: { type: 'Point', coordinates: [0, 51] } }, /expected LineString/],
      [{ name: 'x', geometry: line([[0, 51]]) }, /at least 2/],
      [
        {
          name: 'x',
          geometry: line([
            [537000, 175000],
            [537100, 175100],
          ]),
        },
        /WGS84/,
      ],
      [
        {
          name: 'x',
          geometry: line([
            [-0.2, 51.4],
            [0.2, 51.4],
          ]),
        },
        /km long/,
      ],
      [{ name: '', geometry: line(ROUTE) }, /name/],
      [{ name: 'x', geometry: line(ROUTE), colour: 'red' }, /colour|Unrecognized/i],
      [{ name: 'x', geometry: line(ROUTE), school_id: hub.id }, /is a hub/],
      [{ name: 'x', geometry: line(ROUTE), segment_m: 5 }, /segment_m/],
    ];
    for (const [body, msg] of bad) {
      const r = await officer.request('/api/journeys/routes', json(body));
      const e = await r.json();
      expect({ status: r.status, msg: e.error.message }).toEqual({ status: 400, msg: expect.stringMatching(msg) });
    }
    expect((await db.query('SELECT count(*)::int AS n FROM journey_routes'))[0]).toEqual({ n: 0 });
    const r = await officer.request(
      '/api/journeys/routes',
      json({ name: 'Catford walk', school_id: school.id, hub_id: hub.id, geometry: line(ROUTE) }),
    );
    expect(r.status).toBe(201);
    const f = await r.json();
    routeId = f.id;
    expect(f.properties).toMatchObject({
      name: 'Catford walk',
      school_id: school.id,
      hub_id: hub.id,
      segment_m: 100,
      segments: 7,
      created_by: officer.email,
      origin: 'drawn',
    });
    // Stored segments: equal, ≤ 100 m, adding up to the route; the route length agrees with PostGIS's spheroid within 0.5%.
    const segs = await db.query<{ seq: number; length_m: number; sphere: number }>(
      'SELECT seq, length_m, ST_Length(geom::geography, false) AS sphere FROM journey_segments WHERE route_id = $1 ORDER BY seq',
      [routeId],
    );
    const [pg] = await db.query<{ len: number }>('SELECT ST_Length(geom::geography) AS len FROM journey_routes WHERE id = $1', [
      routeId,
    ]);
    expect(segs.map((s) => s.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const total = segs.reduce((a, s) => a + s.length_m, 0);
    expect(Math.abs(total - f.properties.length_m) / total).toBeLessThan(1e-9);
    for (const s of segs) {
      expect(s.length_m).toBeLessThanOrEqual(100);
      expect(Math.abs(s.sphere - s.length_m) / s.length_m).toBeLessThan(2e-3); // PostGIS sphere radius differs slightly
    }
    expect(Math.abs(pg.len - total) / total).toBeLessThan(5e-3);
  });

  it('recomputes segments when a route changes, and deletes them with it', async () => {
    const tmp = await (await analyst.request('/api/journeys/routes', json({ name: 'temp', geometry: line(ROUTE) }))).json();
    let r = await officer.request(`/api/journeys/routes/${tmp.id}`, json({ segment_m: 250 }, 'PATCH'));
    expect((await r.json()).properties).toMatchObject({ segments: 3, segment_m: 250, updated_by: officer.email });
    r = await officer.request(
      `/api/journeys/routes/${tmp.id}`,
      json(
        {
          geometry: line([
            [-0.01, LAT],
            [-0.0095, LAT],
          ]),
        },
        'PATCH',
      ),
    );
    expect((await r.json()).properties.segments).toBe(1);
    expect((await officer.request(`/api/journeys/routes/${tmp.id}`, json({ geometry: line([[0, 0]]) }, 'PATCH'))).status).toBe(
      400,
    );
    expect((await officer.request(`/api/journeys/routes/${tmp.id}`, json({}, 'PATCH'))).status).toBe(400);
    expect((await officer.request(`/api/journeys/routes/${tmp.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await officer.request(`/api/journeys/routes/${tmp.id}`)).status).toBe(404);
    expect((await db.query('SELECT count(*)::int AS n FROM journey_segments WHERE route_id = $1', [tmp.id]))[0]).toEqual({
      n: 0,
    });
    expect((await partner.request('/api/journeys/routes', json({ name: 'x', geometry: line(ROUTE) }))).status).toBe(403);
  });

  it('imports routes from GeoJSON all or nothing', async () => {
    const feat = (props: Record<string, unknown>, c: Position[]) => ({ type: 'Feature', properties: props, geometry: line(c) });
    const body = (fs: unknown[]) => ({
      method: 'POST',
      headers: { 'content-type': 'application/geo+json' },
      body: JSON.stringify({ type: 'FeatureCollection', features: fs }),
    });
    const good = feat({ name: 'From Adamsrill', school: '100671', hub: '9100CATFORD' }, [
      [-0.033, 51.43],
      [-0.025, 51.44],
    ]);
    let r = await analyst.request(
      '/api/journeys/routes/import',
      body([
        good,
        feat({ name: 'bad', school: '999' }, [
          [-0.03, 51.43],
          [-0.02, 51.44],
        ]),
        feat({ name: 'short' }, [[0, 51]]),
      ]),
    );
    expect(r.status).toBe(400);
    const e = await r.json();
    expect(e.error.code).toBe('invalid_routes');
    expect(e.error.details.map((d: { feature: number }) => d.feature)).toEqual([2, 3]);
    expect((await db.query(`SELECT count(*)::int AS n FROM journey_routes WHERE name = 'From Adamsrill'`))[0]).toEqual({ n: 0 });
    r = await analyst.request('/api/journeys/routes/import?segment_m=200', body([good]));
    expect(r.status).toBe(201);
    const { ids } = await r.json();
    const f = await (await partner.request(`/api/journeys/routes/${ids[0]}`)).json();
    expect(f.properties).toMatchObject({
      origin: 'imported',
      segment_m: 200,
      school_name: 'Adamsrill Primary School',
      hub_name: 'Catford Rail Station',
    });
    expect((await analyst.request(`/api/journeys/routes/${ids[0]}`, { method: 'DELETE' })).status).toBe(204);
  });

  it('keeps an editable term calendar', async () => {
    expect(
      (
        await officer.request(
          '/api/journeys/term-dates',
          json({ terms: [{ starts_on: '2024-02-01', ends_on: '2024-01-01' }] }, 'PUT'),
        )
      ).status,
    ).toBe(400);
    expect(
      (
        await officer.request(
          '/api/journeys/term-dates',
          json({ terms: [TERMS[0], { ...TERMS[1], starts_on: '2024-03-29' }] }, 'PUT'),
        )
      ).status,
    ).toBe(400);
    expect(
      (
        await officer.request(
          '/api/journeys/term-dates',
          json({ terms: [{ starts_on: '2024-02-30', ends_on: '2024-03-01' }] }, 'PUT'),
        )
      ).status,
    ).toBe(400);
    expect((await partner.request('/api/journeys/term-dates', json({ terms: TERMS }, 'PUT'))).status).toBe(403);
    const r = await officer.request('/api/journeys/term-dates', json({ terms: TERMS }, 'PUT'));
    expect(r.status).toBe(200);
    expect(
      (await (await partner.request('/api/journeys/term-dates')).json()).terms.map(
        (t: { starts_on: string; ends_on: string }) => [t.starts_on, t.ends_on],
      ),
    ).toEqual(TERMS.map((t) => [t.starts_on, t.ends_on]));
  });

  it('snaps fixture incidents to their nearest segment and classifies them across the clock changes', async () => {
    const rows = FIXTURE.map((f) => {
      const [lon, lat] = near(f.along, f.off);
      return [f.id, f.date, f.time, 'Robbery', lon.toFixed(7), lat.toFixed(7), f.age].join(',');
    });
    const s = await importFile(
      db,
      tmpFile('journey-fixture.csv', ['Ref,Date,Time,Offence,Lon,Lat,Age', ...rows].join('\n') + '\n'),
      {
        mapping: 'id=Ref,date=Date,time=Time,category=Offence,lon=Lon,lat=Lat,ageBand=Age',
        dataset: 'journey fixture',
      },
    );
    expect(s).toMatchObject({ status: 'committed', imported: FIXTURE.length, rejected: 0 });
    // Independent expectation: Turf's distance to each stored segment decides corridor and segment.
    const segs = await db.query<{ seq: number; g: { coordinates: Position[] } }>(
      'SELECT seq, ST_AsGeoJSON(geom)::json AS g FROM journey_segments WHERE route_id = $1 ORDER BY seq',
      [routeId],
    );
    const want = new Map<number, Record<string, number>>(
      segs.map((g) => [g.seq, { count: 0, unknown_time: 0, unknown_age: 0, excluded: 0, all: 0 }]),
    );
    for (const f of FIXTURE) {
      const p = turfPoint(near(f.along, f.off));
      const d = segs.map((g) => ({
        seq: g.seq,
        m: nearestPointOnLine(lineString(g.g.coordinates), p, { units: 'meters' }).properties.dist,
      }));
      const best = d.reduce((a, b) => (b.m < a.m ? b : a));
      expect(best.m > 50).toBe(f.want === 'outside'); // no fixture point is near the corridor's edge
      if (f.want === 'outside') continue;
      want.get(best.seq)![f.want] += 1;
      want.get(best.seq)!.all += 1;
    }
    const q = 'from=2024-01-01&to=2025-01-01&category=robbery';
    const out = await (await analyst.request(`/api/journeys/routes/${routeId}/segments?${q}`)).json();
    const got = new Map(
      out.features.map((f: { properties: Record<string, number> }) => [
        f.properties.seq,
        {
          count: f.properties.count,
          unknown_time: f.properties.unknown_time,
          unknown_age: f.properties.unknown_age,
          excluded: f.properties.excluded,
          all: f.properties.all,
        },
      ]),
    );
    expect(got).toEqual(want);
    expect(out.route).toMatchObject({ count: 4, unknown_time: 1, unknown_age: 2, excluded: 5, all: 12 });
    expect(out.meta).toMatchObject({
      corridor_m: 50,
      windows: '07:30-09:30,14:30-18:30',
      term_only: true,
      age_max: 17,
      categories: ['robbery'],
    });
    // Worst segments carry guardian points at their midpoints (on the line).
    expect(out.worst.length).toBeGreaterThan(0);
    for (const w of out.worst) expect(w.guardian_point[1]).toBeCloseTo(LAT, 6);
    // Wider corridor: F12 (70 m off) joins; no age filter: F8 counts, F6/F7 count.
    const wide = await (await analyst.request(`/api/journeys/routes/${routeId}/segments?${q}&corridor_m=75&age_max=none`)).json();
    expect(wide.route).toMatchObject({ count: 8, unknown_time: 1, unknown_age: 0, all: 13 });
    // Every day, all year: F4 (Saturday) and F9 (half term) count too.
    const allDays = await (
      await analyst.request(`/api/journeys/routes/${routeId}/segments?${q}&days=mon-sun&term_only=false`)
    ).json();
    expect(allDays.route.count).toBe(6);
    // Bad parameters.
    for (const bad of [
      'corridor_m=0',
      'windows=09:30-07:30',
      'days=funday',
      'age_max=-1',
      'weights=nope',
      'category=robbery,nope',
      'term_only=maybe',
      'top=0',
      'colour=red',
    ]) {
      const r = await analyst.request(`/api/journeys/routes/${routeId}/segments?${bad}`);
      expect({ bad, status: r.status }).toEqual({ bad, status: 400 });
    }
    expect((await analyst.request('/api/journeys/routes/99999/segments')).status).toBe(404);
  });

  it('counts police.uk robberies (month only, no age) as unknown time, never in the windows', async () => {
    const s = await importFile(db, path.join(SHARED, 'lewisham_violence_robbery_street_api_2016-01_2018-06.csv'));
    expect(s.status).toBe('committed');
    // Real routes: ten schools to their nearest station in a straight line.
    const legs = await db.query<{ sid: number; hid: number; name: string; s: Position; h: Position }>(`
      SELECT sc.id AS sid, hb.id AS hid, sc.name, ARRAY[ST_X(sc.geom), ST_Y(sc.geom)] AS s, ARRAY[ST_X(hb.geom), ST_Y(hb.geom)] AS h
      FROM journey_sites sc CROSS JOIN LATERAL (SELECT * FROM journey_sites h WHERE h.kind = 'hub' ORDER BY h.geom <-> sc.geom LIMIT 1) hb
      WHERE sc.kind = 'school' ORDER BY sc.source_id LIMIT 10`);
    for (const l of legs) {
      const r = await analyst.request(
        '/api/journeys/routes',
        json({ name: `${l.name} walk`, school_id: l.sid, hub_id: l.hid, geometry: line([l.s, l.h]) }),
      );
      expect(r.status).toBe(201);
    }
    const q = 'from=2016-01&to=2018-07&category=robbery&rank_by=all&top=100';
    const rank = await (await analyst.request(`/api/journeys/ranking?${q}`)).json();
    // Independent snapping: every (segment, incident) pair within 50 m by ST_DWithin per segment, nearest segment per route in JS.
    const pairs = await db.query<{ route_id: number; seq: number; id: number; d: number; month: string }>(`
      SELECT g.route_id, g.seq, i.id, ST_Distance(i.geom::geography, g.geom::geography) AS d, to_char(i.occurred_at, 'YYYY-MM') AS month
      FROM journey_segments g JOIN incidents i ON ST_DWithin(i.geom::geography, g.geom::geography, 50)
      WHERE i.category = 'robbery' AND i.occurred_at >= '2016-01-01' AND i.occurred_at < '2018-07-01'`);
    const best = new Map<string, { seq: number; d: number; month: string }>();
    for (const p of pairs) {
      const k = `${p.route_id}:${p.id}`;
      const b = best.get(k);
      if (!b || p.d < b.d || (p.d === b.d && p.seq < b.seq)) best.set(k, { seq: p.seq, d: p.d, month: p.month });
    }
    // police.uk months 2016-01..2018-06: the term calendar only covers 2024, so with term_only every one is excluded.
    const perSeg = new Map<string, number>();
    for (const [k, b] of best) perSeg.set(`${k.split(':')[0]}:${b.seq}`, (perSeg.get(`${k.split(':')[0]}:${b.seq}`) ?? 0) + 1);
    const all = allSegments(rank.worst_segments);
    expect(all).toEqual(new Map([...perSeg].sort()));
    expect(rank.totals).toMatchObject({ count: 0, unknown_time: 0, unknown_age: 0 });
    expect(rank.meta.warnings.join(' ')).toMatch(/No term dates/);
    // Without the term rule: every one of them is unknown_time, none counted, none of unknown age.
    const open = await (await analyst.request(`/api/journeys/ranking?${q}&term_only=false`)).json();
    const distinct = new Set([...best.keys()].map((k) => k.split(':')[1])).size;
    expect(open.totals).toMatchObject({ count: 0, unknown_time: distinct, unknown_age: 0, excluded: 0, all: distinct });
    expect(distinct).toBeGreaterThan(10);
    expect(open.routes.reduce((a: number, r: { unknown_time: number }) => a + r.unknown_time, 0)).toBe(best.size);
    expect(open.worst_segments.length).toBeGreaterThan(0);
    expect(open.meta.warnings.join(' ')).toMatch(/no time of day/);
    // Per school: its worst segments are the hot segments of its own routes (the independent per-segment
    // counts above), highest first, each with its guardian point.
    const routesOf = new Map<number, number[]>();
    for (const r of (await (await analyst.request('/api/journeys/routes')).json()).features as Array<{
      id: number;
      properties: { school_id: number | null };
    }>) {
      if (r.properties.school_id !== null)
        routesOf.set(r.properties.school_id, [...(routesOf.get(r.properties.school_id) ?? []), r.id]);
    }
    expect(rank.schools.map((x: { school_id: number }) => x.school_id).sort()).toEqual([...routesOf.keys()].sort());
    let schoolsWithHotSegments = 0;
    for (const school of rank.schools as Array<{
      school_id: number;
      name: string;
      worst_segments: Array<{ route_id: number; seq: number; all: number; guardian_point: Position }>;
    }>) {
      const mine = new Set(routesOf.get(school.school_id)!.map(String));
      const want = new Map([...perSeg].filter(([k, n]) => mine.has(k.split(':')[0]) && n > 0).sort());
      expect({ school: school.name, worst: allSegments(school.worst_segments) }).toEqual({ school: school.name, worst: want });
      const values = school.worst_segments.map((w) => w.all);
      expect(values).toEqual([...values].sort((a, b) => b - a));
      for (const w of school.worst_segments) expect(w.guardian_point).toHaveLength(2);
      if (want.size) schoolsWithHotSegments++;
    }
    expect(schoolsWithHotSegments).toBeGreaterThan(3);
    // top limits each school's list too.
    const top2 = await (
      await analyst.request(`/api/journeys/ranking?from=2016-01&to=2018-07&category=robbery&rank_by=all&top=2`)
    ).json();
    for (const school of top2.schools) {
      const full = rank.schools.find((x: { school_id: number }) => x.school_id === school.school_id);
      expect(school.worst_segments).toEqual(full.worst_segments.slice(0, 2));
    }
    // The issue's path for a route's segments gives the same answer as /api/journeys/routes/:id/segments.
    const hot = open.worst_segments[0];
    const viaIssuePath = await analyst.request(`/api/routes/${hot.route_id}/segments?${q}&term_only=false`);
    expect(viaIssuePath.status).toBe(200);
    expect(await viaIssuePath.json()).toEqual(
      await (await analyst.request(`/api/journeys/routes/${hot.route_id}/segments?${q}&term_only=false`)).json(),
    );
    expect((await analyst.request('/api/routes/99999/segments')).status).toBe(404);
    expect((await analyst.request(`/api/routes/${hot.route_id}/segments?corridor_m=0`)).status).toBe(400);
    // Several routes at once (what the map asks for): the same answers as one request per route, in the order asked.
    const ids = open.routes
      .slice(0, 4)
      .map((r: { route_id: number }) => r.route_id)
      .reverse();
    for (const who of [analyst, partner]) {
      // 12 months to a quarter's end: partners ask for partner periods (issue 15).
      const qq = `${q.replace('&rank_by=all', '').replace('from=2016-01', 'from=2017-07')}&term_only=false`;
      const batch = await who.request(`/api/journeys/segments?${qq}&routes=${ids.join(',')}`);
      expect(batch.status).toBe(200);
      const one = await Promise.all(
        ids.map(async (id: number) => (await who.request(`/api/journeys/routes/${id}/segments?${qq}`)).json()),
      );
      expect((await batch.json()).routes).toEqual(one);
    }
    for (const bad of ['routes=', 'routes=1,1', 'routes=x', `routes=${ids[0]}&corridor_m=0`, `routes=${ids[0]}&colour=red`]) {
      expect({ bad, status: (await analyst.request(`/api/journeys/segments?${bad}`)).status }).toEqual({ bad, status: 400 });
    }
    expect((await analyst.request(`/api/journeys/segments?routes=${ids[0]},99999`)).status).toBe(404);
    // Ranking by count finds nothing hot: police.uk cannot say whether a robbery was on a school journey.
    expect(
      (await (await analyst.request('/api/journeys/ranking?from=2016-01&to=2018-07&term_only=false')).json()).worst_segments,
    ).toEqual([]);
  });

  function allSegments(rows: Array<{ route_id: number; seq: number; all: number }>) {
    return new Map(rows.map((r) => [`${r.route_id}:${r.seq}`, r.all] as const).sort());
  }

  /** Σ record_key mod 256 of the incidents with these source ids (the cell key of that set), read from the database. */
  async function keyOf(ids: string[]) {
    const [r] = await db.query<{ k: number; n: number }>(
      'SELECT (COALESCE(sum(record_key), 0) % 256)::int AS k, count(*)::int AS n FROM incidents WHERE source_id = ANY($1::text[])',
      [ids],
    );
    expect(r.n).toBe(ids.length);
    return r.k;
  }

  it('gives partners aggregates only, counts perturbed by the cell key method, small ones withheld', async () => {
    // 12 months to a quarter's end: a partner period (issue 15).
    const q = 'from=2017-07&to=2018-07&category=robbery&term_only=false&top=100';
    const full = await (await analyst.request(`/api/journeys/ranking?${q}`)).json();
    const masked = await (await partner.request(`/api/journeys/ranking?${q}`)).json();
    expect(masked.disclosure.min_count).toBe(5);
    expect(masked.disclosure.rule).toMatch(/cell key/);
    expect(masked.routes).toHaveLength(full.routes.length);
    const byId = new Map(full.routes.map((r: { route_id: number }) => [r.route_id, r]));
    // Each route's unknown_time (police.uk robberies: month only, no age) is the ptable's answer for the true
    // count and the key of the robberies within 50 m of the route, both read from the database.
    let checked = 0;
    for (const r of masked.routes) {
      const f = byId.get(r.route_id) as Record<string, number>;
      expect([r.all, r.excluded]).toEqual([null, null]);
      const [t] = await db.query<{ n: number; k: number }>(
        `SELECT count(*)::int AS n, (COALESCE(sum(i.record_key), 0) % 256)::int AS k
         FROM incidents i JOIN journey_routes r ON r.id = $1
         WHERE i.category = 'robbery' AND i.occurred_at >= '2017-07-01' AND i.occurred_at < '2018-07-01'
           AND ST_DWithin(i.geom::geography, r.geom::geography, 50)`,
        [r.route_id],
      );
      expect(t.n).toBe(f.unknown_time);
      const p = perturbCount(t.n, t.k);
      expect(r.unknown_time === null ? p < 5 || r.suppressed : r.unknown_time === p && p >= 5).toBe(true);
      if (r.unknown_time !== null) checked += 1;
      if (r.count === null) expect(r.rate_per_100m).toBeNull();
    }
    expect(checked).toBeGreaterThan(0);
    // Complementary suppression: never exactly one withheld unknown_time count in the list.
    expect(masked.routes.filter((r: { unknown_time: number | null }) => r.unknown_time === null).length).not.toBe(1);
    // Other roles: exact counts, no cell keys.
    expect(JSON.stringify(full)).not.toMatch(/_ckey|record_key/);
    expect(JSON.stringify(masked)).not.toMatch(/_ckey|record_key/);
    // A route's own page shows the same masked totals as the ranking beside it (no subtraction across the two).
    for (const r of masked.routes.slice(0, 5)) {
      const own = await (await partner.request(`/api/journeys/routes/${r.route_id}/segments?${q}`)).json();
      expect([own.route.count, own.route.unknown_time, own.route.unknown_age]).toEqual([r.count, r.unknown_time, r.unknown_age]);
    }
    // The fixture route in 2024: counted F1, F2, F10, F14 (4); the partner sees the ptable's answer for 4
    // with their key, withheld when below 5.
    // Record keys are random per import, so p4 differs run to run. Every other route counts nothing in 2024,
    // so the partner's route list is [p4, 0, 0, ...], masked with complementary suppression: the route's
    // total is withheld when p4 < 5, or when p4 >= 5 but the zeros beside it add up to < 5.
    const seg = await (await partner.request(`/api/journeys/routes/${routeId}/segments?from=2024-01-01&to=2025-01-01`)).json();
    const a24 = await (await analyst.request('/api/journeys/ranking?from=2024-01-01&to=2025-01-01&top=100')).json();
    const others24 = a24.routes.filter((r: { route_id: number }) => r.route_id !== routeId);
    expect(a24.routes.find((r: { route_id: number }) => r.route_id === routeId).count).toBe(4);
    expect(others24.every((r: { count: number }) => r.count === 0)).toBe(true);
    const p4 = perturbCount(4, await keyOf(['F1', 'F2', 'F10', 'F14']));
    const [route4] = suppressRows([{ count: p4 }, ...others24.map(() => ({ count: 0 }))], 'count', 5);
    expect(seg.route.count).toBe(route4.count);
    if (p4 < 5) expect(seg.route.count).toBeNull();
    // Seven more counted robberies (a term-day Tuesday, 08:00, aged 15): six on the Catford walk's third
    // segment, one on its fifth. Counted: 6 on the third, 2 on the seventh (F10, F14), 1 on the first (F1),
    // second (F2) and fifth (P6). Partners get each perturbed by its own key, then the list suppressed; every
    // worst list (across routes, for the route, for its school) shows the segments shown on the route's page.
    const extra = [...Array.from({ length: 6 }, (_, i) => near(250, 5 + i)), near(450, 20)].map((p, i) =>
      [`P${i}`, '2024-04-02', '08:00', 'Robbery', ...p.map((v) => v.toFixed(7)), '15'].join(','),
    );
    const imp = await importFile(
      db,
      tmpFile('journey-partner.csv', ['Ref,Date,Time,Offence,Lon,Lat,Age', ...extra].join('\n') + '\n'),
      {
        mapping: 'id=Ref,date=Date,time=Time,category=Offence,lon=Lon,lat=Lat,ageBand=Age',
        dataset: 'journey partner fixture',
      },
    );
    expect(imp).toMatchObject({ status: 'committed', imported: 7 });
    const q24 = 'from=2024-01-01&to=2025-01-01&category=robbery';
    const [aRank, pRank] = [
      await (await analyst.request(`/api/journeys/ranking?${q24}`)).json(),
      await (await partner.request(`/api/journeys/ranking?${q24}`)).json(),
    ];
    const [catford] = await db.query<{ id: number }>(
      `SELECT id FROM journey_sites WHERE kind = 'school' AND source_id = '100671'`,
    );
    const key = (w: { route_id: number; seq: number; count: number | null }) => `${w.route_id}:${w.seq}=${w.count}`;
    const schoolOf = (r: {
      schools: Array<{ school_id: number; worst_segments: Array<{ route_id: number; seq: number; count: number | null }> }>;
    }) => r.schools.find((x) => x.school_id === catford.id)!.worst_segments.map(key);
    expect(schoolOf(aRank)).toEqual([`${routeId}:3=6`, `${routeId}:7=2`, `${routeId}:1=1`, `${routeId}:2=1`, `${routeId}:5=1`]);
    const counted: Array<[number, number, string[]]> = [
      [1, 1, ['F1']],
      [2, 1, ['F2']],
      [3, 6, ['P0', 'P1', 'P2', 'P3', 'P4', 'P5']],
      [5, 1, ['P6']],
      [7, 2, ['F10', 'F14']],
    ];
    const ownPage = await (await partner.request(`/api/journeys/routes/${routeId}/segments?${q24}`)).json();
    const perturbed = new Map<number, number>();
    for (const [seq, n, ids] of counted) perturbed.set(seq, perturbCount(n, await keyOf(ids)));
    const pageCounts: Array<{ seq: number; count: number }> = ownPage.features.map((f: { properties: { seq: number } }) => ({
      seq: f.properties.seq,
      count: perturbed.get(f.properties.seq) ?? 0,
    }));
    const shown = suppressRows(pageCounts, 'count', 5)
      .filter((r) => r.count !== null)
      .map((r) => ({ seq: r.seq, count: r.count }))
      .sort((a, b) => b.count! - a.count! || a.seq - b.seq);
    expect(
      ownPage.features
        .filter((f: { properties: { count: number | null } }) => f.properties.count !== null)
        .map((f: { properties: { seq: number; count: number } }) => ({ seq: f.properties.seq, count: f.properties.count }))
        .sort((a: { count: number; seq: number }, b: { count: number; seq: number }) => b.count - a.count || a.seq - b.seq),
    ).toEqual(shown);
    const shownKeys = shown.map((r) => `${routeId}:${r.seq}=${r.count}`);
    expect(ownPage.worst.map(key)).toEqual(shownKeys);
    expect(schoolOf(pRank)).toEqual(shownKeys);
    expect(pRank.worst_segments.map(key)).toEqual(shownKeys);
    // The route's total: 11 counted incidents, perturbed by the key of all eleven.
    const p11 = perturbCount(11, await keyOf(['F1', 'F2', 'F10', 'F14', 'P0', 'P1', 'P2', 'P3', 'P4', 'P5', 'P6']));
    // Every other route counts nothing in 2024 (perturbed: still 0), so the route list is [p11, 0, 0, ...]:
    // the route's total is shown, or withheld by complementary suppression when the zeros add up to < 5.
    const others = aRank.routes.filter((r: { route_id: number }) => r.route_id !== routeId);
    expect(others.every((r: { count: number }) => r.count === 0)).toBe(true);
    const [mine] = suppressRows([{ count: p11 }, ...others.map(() => ({ count: 0 }))], 'count', 5);
    expect(ownPage.route.count).toBe(mine.count);
    expect(pRank.routes.find((r: { route_id: number }) => r.route_id === routeId).count).toBe(mine.count);
    if (mine.count !== null) expect(ownPage.route.rate_per_100m).toBeCloseTo((p11 / ownPage.route.length_m) * 100, 5);
    else expect(ownPage.route.rate_per_100m).toBeNull();
    expect((await (await analyst.request(`/api/journeys/routes/${routeId}/segments?${q24}`)).json()).route.count).toBe(11);
    expect((await partner.request(`/api/journeys/ranking?${q}&rank_by=all`)).status).toBe(400);
    expect(
      (await partner.request('/api/journeys/exports', json({ purpose: 'patrol plan', recipient: 'SNT', format: 'csv' }))).status,
    ).toBe(403);
  });

  it('exports the worst segments as CSV, GeoJSON and GPX, each audited with purpose and recipient', async () => {
    const filters = { from: '2024-01-01', to: '2025-01-01', category: 'robbery' };
    const before = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'export'`))[0].n;
    expect((await officer.request('/api/journeys/exports', json({ format: 'gpx', filters }))).status).toBe(400);
    expect((await officer.request('/api/journeys/exports', json({ purpose: 'x', recipient: 'SNT', filters }))).status).toBe(400);
    expect(
      (
        await officer.request(
          '/api/journeys/exports',
          json({ purpose: 'patrol plan', recipient: 'SNT', filters: { corridor_m: '9000' } }),
        )
      ).status,
    ).toBe(400);
    expect((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'export'`))[0].n).toBe(before);
    const gpx = await officer.request(
      '/api/journeys/exports',
      json({ purpose: 'Safer schools patrol plan', recipient: 'Catford SNT', format: 'gpx', route_id: routeId, filters }),
    );
    expect(gpx.status).toBe(200);
    expect(gpx.headers.get('content-type')).toMatch(/gpx/);
    const text = await gpx.text();
    const seg = await (
      await analyst.request(`/api/journeys/routes/${routeId}/segments?from=2024-01-01&to=2025-01-01&category=robbery`)
    ).json();
    expect(text.match(/<wpt /g)?.length).toBe(seg.worst.length);
    expect(text).toContain(
      `lat="${seg.worst[0].guardian_point[1].toFixed(7)}" lon="${seg.worst[0].guardian_point[0].toFixed(7)}"`,
    );
    const csv = await (
      await analyst.request(
        '/api/journeys/exports',
        json({ purpose: 'Safer schools patrol plan', recipient: 'Catford SNT', format: 'csv', route_id: routeId, filters }),
      )
    ).text();
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => Number(r.seq))).toEqual(seg.worst.map((w: { seq: number }) => w.seq));
    const geo = await (
      await officer.request(
        '/api/journeys/exports',
        json({ purpose: 'Safer schools patrol plan', recipient: 'Catford SNT', format: 'geojson', filters }),
      )
    ).json();
    expect(geo.features[0].geometry.type).toBe('LineString');
    const log = await db.query<{
      user_email: string;
      resource: string;
      purpose: string;
      recipient: string;
      record_count: number;
    }>(
      `SELECT user_email, resource, purpose, recipient, record_count FROM audit_log WHERE action = 'export' ORDER BY id DESC LIMIT 3`,
    );
    expect(log.map((l) => l.resource)).toEqual([
      'journeys/worst-segments.geojson',
      'journeys/worst-segments.csv',
      'journeys/worst-segments.gpx',
    ]);
    expect(log[2]).toMatchObject({
      user_email: officer.email,
      purpose: 'Safer schools patrol plan',
      recipient: 'Catford SNT',
      record_count: seg.worst.length,
    });
  });

  it('proposes routes along the stored walking network, at the distances planning coverage walks', async () => {
    const [sc] = await db.query<{ id: number; p: Position }>(
      `SELECT id, ARRAY[ST_X(geom), ST_Y(geom)] AS p FROM journey_sites WHERE kind = 'school' AND source_id = '100671'`,
    );
    const [hb] = await db.query<{ p: Position }>(
      `SELECT ARRAY[ST_X(geom), ST_Y(geom)] AS p FROM journey_sites WHERE kind = 'hub' ORDER BY geom <-> (SELECT geom FROM journey_sites WHERE id = $1) LIMIT 1`,
      [sc.id],
    );
    await db.exec('DELETE FROM walking_network');
    try {
      // No stored network: nothing to walk along; a network sent with the request is refused (not used).
      const none = await officer.request('/api/journeys/proposals', json({ k: 1, school_ids: [sc.id] }));
      expect(none.status).toBe(400);
      expect((await none.json()).error.code).toBe('no_network');
      // An L of two lines from the school to its nearest hub, stored as the walking network (as planning loads it).
      const mid: Position = [sc.p[0], hb.p[1]];
      const network = {
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', properties: {}, geometry: line([sc.p, mid]) },
          { type: 'Feature', properties: {}, geometry: line([mid, hb.p]) },
        ],
      };
      expect((await officer.request('/api/journeys/proposals', json({ network, k: 1 }))).status).toBe(400);
      expect((await analyst.request('/api/planning/network', json({ name: 'L', network }, 'PUT'))).status).toBe(200);
      const r = await officer.request('/api/journeys/proposals', json({ k: 1, school_ids: [sc.id] }));
      expect(r.status).toBe(200);
      const out = await r.json();
      expect(out.network).toMatchObject({ name: 'L', lines: 2 });
      expect(out.proposals).toHaveLength(1);
      const coords: Position[] = out.proposals[0].geometry.coordinates;
      expect(coords).toHaveLength(3); // school, the corner, the hub (the stored network keeps 9 decimals)
      [sc.p, mid, hb.p].forEach((p, i) => (expect(coords[i][0]).toBeCloseTo(p[0], 8), expect(coords[i][1]).toBeCloseTo(p[1], 8)));

      // A real network (test/helpers/network.ts: the LSOA boundary rings as lines): every proposal's length is
      // the walking distance planning coverage's function gives for the same two points on the same stored
      // network, and never less than PostGIS's straight line between them.
      const rings = lsoaRingNetwork();
      expect((await analyst.request('/api/planning/network', json({ name: 'LSOA rings', network: rings }, 'PUT'))).status).toBe(
        200,
      );
      const some = await db.query<{ id: number }>(`SELECT id FROM journey_sites WHERE kind = 'school' ORDER BY id LIMIT 12`);
      const real = await (
        await officer.request('/api/journeys/proposals', json({ k: 2, max_snap_m: 1000, school_ids: some.map((x) => x.id) }))
      ).json();
      expect(real.proposals.length).toBeGreaterThan(10);
      const { walkingNetwork } = await import('../api/planning/network.js');
      const { walkingDistances } = await import('../geodata/network/index.js');
      const { lonLatToBng } = await import('../geodata/planning/geometry.js');
      const net = (await walkingNetwork(db))!;
      const sites = new Map(
        (
          await db.query<{ id: number; lon: number; lat: number }>(
            'SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM journey_sites',
          )
        ).map((x) => [x.id, x]),
      );
      for (const p of real.proposals) {
        const a = sites.get(p.school_id)!,
          b = sites.get(p.hub_id)!;
        const [coverage] = walkingDistances(
          net.graph,
          [lonLatToBng(b.lon, b.lat)],
          [[{ kind: 'point', xy: lonLatToBng(a.lon, a.lat) }]],
          Infinity,
        );
        expect(p.length_m).toBeCloseTo(coverage, 2);
        const [{ d }] = await db.query<{ d: number }>(
          'SELECT ST_Distance(ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4326), 27700), ST_Transform(ST_SetSRID(ST_MakePoint($3, $4), 4326), 27700)) AS d',
          [a.lon, a.lat, b.lon, b.lat],
        );
        expect(p.length_m).toBeGreaterThanOrEqual(d - 0.5);
        expect(p.crow_m).toBeCloseTo(d, 0);
      }
    } finally {
      await db.exec('DELETE FROM walking_network');
    }
  });
});
