// A serious-violence definition that narrows by offence code, victim age and location type (issue 18), on
// a force-style CSV built from real police.uk rows (Lewisham, 2018-01..06) with those three fields added
// in fixed cycles, some left empty. The expected selection is computed here from the rows themselves
// (JS, the stated rule: an incident carrying a field must match it; one without it is kept; an age band is
// left out only when wholly outside the definition's band), and compared with what every route answers.
// The SQL reading of age bands (migration 020 victim_age_range) is compared with the JS one (parseAgeBand).
// Partners: the definition is one named selection; its counts go through the same cell-key perturbation
// and suppression as any category (checked against record keys summed here).
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { strFromU8, unzipSync } from 'fflate';
import { latLngToCell } from 'h3-js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../api/db/index.js';
import { importFile } from '../api/imports/index.js';
import { perturbCount } from '../geodata/disclosure/cell-key.js';
import { parseAgeBand } from '../geodata/journeys/age.js';
import { clientFor, signedInApp, type Client } from './helpers/auth.js';
import { drivers, resetData, SHARED, testDb } from './helpers/db.js';
import { tmpFile } from './helpers/files.js';

const WARDS = path.join(SHARED, 'lewisham_wards_2022.geojson');
const ALL = path.join(SHARED, 'lewisham_street_all_api_2016-01_2018-06.csv');
const hasData = fs.existsSync(WARDS) && fs.existsSync(ALL);

const BANDS = [
  '10-17',
  '18 to 24',
  '25-34',
  'Under 18',
  '65+',
  '',
  'unknown',
  '16-30',
  '24',
  'over 64',
  '35 years',
  '< 25',
  '>= 25',
  'up to 12',
  '20-10',
  'under 0',
  '  45 - 54 years old ',
];
const CODES: Record<string, string[]> = {
  'violent-crime': ['8N', '105A', '005D', '', '8L'],
  robbery: ['34B', '34A', ''],
  'possession-of-weapons': ['10A', ''],
  burglary: ['28E', ''],
};
const LOCATIONS = ['Street', 'public space', 'Dwelling', '', ' STREET ', 'Licensed premises'];
const DEFINITION = {
  label: 'Lewisham SV (test): knife and street violence, under 25',
  categories: ['violent-crime', 'robbery', 'possession-of-weapons'],
  offence_codes: ['5D', '8N', '34B', '10A'],
  victim_age: { max: 24 },
  location_types: ['Street', 'Public space'],
};

interface Row {
  id: string;
  month: string;
  category: string;
  lat: number;
  lon: number;
  code: string;
  band: string;
  location: string;
}

/** The stated rule, written independently of the SQL. */
function selected(r: Row) {
  if (!DEFINITION.categories.includes(r.category)) return false;
  const code = r.code.replace(/^0+/, '');
  if (code && !DEFINITION.offence_codes.includes(code)) return false;
  const band = parseAgeBand(r.band);
  if (band && band.min > DEFINITION.victim_age.max) return false;
  const loc = r.location.trim().toLowerCase();
  if (loc && !DEFINITION.location_types.map((t) => t.toLowerCase()).includes(loc)) return false;
  return true;
}

describe.skipIf(!hasData).each(drivers())('a definition narrowing by offence code, victim age and location (%s)', (driver) => {
  let db: Db;
  let analyst: Client;
  let partner: Client;
  let rows: Row[] = [];
  let kept: Row[] = [];
  let ward = new Map<string, string | null>();
  const get = async (who: Client, url: string) => {
    const res = await who.request(url);
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    db = await testDb(driver);
    await resetData(db);
    const src = (parse(fs.readFileSync(ALL), { columns: true }) as Record<string, string>[]).filter(
      (r) => r.month >= '2018-01' && Object.hasOwn(CODES, r.category),
    );
    rows = src.map((r, i) => ({
      id: r.id,
      month: r.month,
      category: r.category,
      lat: Number(r.latitude),
      lon: Number(r.longitude),
      code: CODES[r.category][i % CODES[r.category].length],
      band: BANDS[i % BANDS.length],
      location: LOCATIONS[i % LOCATIONS.length],
    }));
    kept = rows.filter(selected);
    const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
    const csv = [
      'crime_ref,month,offence,ho_code,victim_age,location_type,longitude,latitude',
      ...rows.map((r) => [r.id, r.month, r.category, r.code, q(r.band), q(r.location), r.lon, r.lat].join(',')),
    ].join('\n');
    const file = tmpFile('force-sv-narrowing.csv', `${csv}\n`);
    expect((await importFile(db, WARDS, { kind: 'boundaries', level: 'ward' })).status).toBe('committed');
    const s = await importFile(db, file, {
      dataset: 'force CSV with codes, ages and locations',
      mapping: {
        id: 'crime_ref',
        date: 'month',
        category: 'offence',
        offenceCode: 'ho_code',
        ageBand: 'victim_age',
        locationType: 'location_type',
        lon: 'longitude',
        lat: 'latitude',
        locationPrecision: 'snapped',
      },
    });
    expect(s.status).toBe('committed');
    expect(s.imported).toBe(rows.length);
    ward = new Map(
      (await db.query<{ source_id: string; ward_code: string | null }>(`SELECT source_id, ward_code FROM incidents`)).map((r) => [
        r.source_id,
        r.ward_code,
      ]),
    );
    analyst = await signedInApp(db, { dataDir: '/nonexistent', MAX_UPLOAD_MB: 10, BASEMAP_STYLE_URL: undefined }, 'analyst');
    partner = await clientFor(analyst.app, db, 'partner');
    const res = await analyst.request('/api/definitions/serious-violence', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(DEFINITION),
    });
    expect(res.status).toBe(200);
  });

  it('the SQL reading of victim age bands equals the JS one (parseAgeBand)', async () => {
    const got = await db.query<{ b: string; lo: number | null; hi: number | null; open: boolean | null }>(
      `SELECT b, lower(r) AS lo, upper(r) AS hi, upper_inf(r) AS open
       FROM unnest($1::text[]) WITH ORDINALITY AS t(b, n), LATERAL (SELECT victim_age_range(b) AS r) x ORDER BY n`,
      [BANDS],
    );
    const read = got.map((g) => (g.lo === null ? undefined : { min: g.lo, max: g.open ? Infinity : g.hi! - 1 }));
    expect(read).toEqual(BANDS.map((b) => parseAgeBand(b)));
    expect(read.filter((r) => r === undefined).length).toBeGreaterThan(2); // empty and unreadable bands are in the list
  });

  it('stores the location type as the file gives it (trimmed)', async () => {
    const stored = await db.query<{ location_type: string | null; n: number }>(
      `SELECT location_type, count(*)::int AS n FROM incidents GROUP BY 1`,
    );
    const expected = new Map<string | null, number>();
    for (const r of rows) expected.set(r.location.trim() || null, (expected.get(r.location.trim() || null) ?? 0) + 1);
    expect(new Map(stored.map((s) => [s.location_type, s.n]))).toEqual(expected);
  });

  it('ward counts, hexagons, hotspots and the pack count exactly the rows the rule keeps, and say how', async () => {
    const W = 'from=2018-01&to=2018-07';
    expect(kept.length).toBeGreaterThan(100);
    const inSet = rows.filter((r) => DEFINITION.categories.includes(r.category));
    expect(kept.length).toBeLessThan(inSet.length); // the narrowing bites
    expect(kept.some((r) => !r.code && !r.band && !r.location)).toBe(true); // rows with none of the fields are kept

    const byWard = new Map<string, number>();
    const byCell = new Map<string, number>();
    const byCellInArea = new Map<string, number>();
    for (const r of kept) {
      const w = ward.get(r.id) ?? null;
      const cell = latLngToCell(r.lat, r.lon, 8);
      byCell.set(cell, (byCell.get(cell) ?? 0) + 1);
      if (w === null) continue;
      byWard.set(w, (byWard.get(w) ?? 0) + 1);
      byCellInArea.set(cell, (byCellInArea.get(cell) ?? 0) + 1);
    }

    const areas = await get(analyst, `/api/stats/areas?level=ward&${W}&category=@serious-violence`);
    expect(areas.status).toBe(200);
    expect(new Map(areas.body.areas.filter((a: any) => a.count > 0).map((a: any) => [a.code, a.count]))).toEqual(byWard);
    const set = areas.body.meta?.category_set ?? areas.body.category_set;
    expect(set.applied).toBe(
      'category filter: possession-of-weapons, robbery, violent-crime; narrowed to offence codes 10A, 34B, 5D, 8N; victim age 0–24 (bands wholly outside it left out); location types street, public space',
    );
    expect(set.not_applied).toMatch(/do not carry the field .* are kept/);

    const hexes = await get(analyst, `/api/hexes?res=8&${W}&category=@serious-violence`);
    expect(hexes.status).toBe(200);
    expect(new Map(hexes.body.cells.map((c: any) => [c.h3, c.count]))).toEqual(byCell);

    const hot = await get(analyst, `/api/hotspots?res=8&${W}&category=@serious-violence`);
    expect(hot.status).toBe(200);
    for (const c of hot.body.cells) expect(c.value, c.h3).toBe(byCellInArea.get(c.h3) ?? 0);
    expect(hot.body.cells.reduce((s: number, c: any) => s + c.value, 0)).toBe([...byWard.values()].reduce((a, b) => a + b, 0));

    const pack = await get(analyst, `/api/pack?from=2018-04-01&to=2018-07-01&category=@serious-violence`);
    expect(pack.status).toBe(200);
    const inPack = (r: Row) => r.month >= '2018-04';
    expect(pack.body.comparison.total.count).toBe(kept.filter(inPack).length);
    expect(pack.body.comparison.total.previous_count).toBe(kept.filter((r) => !inPack(r)).length);
    // The ward league counts the same incidents (the set's narrowing too), as /stats/areas with the set does.
    expect(pack.body.wards.total).toBe(kept.filter(inPack).length);
    expect(pack.body.meta?.category_set ?? pack.body.category_set).toMatchObject({ version: set.version });
  });

  it('files state the definition in their own text: hotspot CSV and GeoJSON, the pack zip README and pack.json', async () => {
    const post = (url: string, body: unknown) =>
      analyst.request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const who = { purpose: 'SV briefing', recipient: 'CSP board' };
    const filters = { level: 'ward', from: '2018-01', to: '2018-07', category: '@serious-violence' };
    const line =
      /Category set @serious-violence "Lewisham SV \(test\)[^"]*" version \d+ \(changed .* by .*\): category filter: possession-of-weapons, robbery, violent-crime; narrowed to offence codes 10A, 34B, 5D, 8N/;
    const csv = await post('/api/exports/hotspots', { ...who, format: 'csv', filters });
    expect(csv.status).toBe(200);
    const text = await csv.text();
    expect(text.split('\n')[1]).toMatch(new RegExp(`^# ${line.source}`));
    expect(csv.headers.get('x-saferplaces-category-set')).toMatch(
      /^@serious-violence v\d+: possession-of-weapons robbery violent-crime$/,
    );
    const geo = await post('/api/exports/hotspots', { ...who, format: 'geojson', filters });
    expect(((await geo.json()) as any).meta.category_set).toMatchObject({ token: '@serious-violence', label: DEFINITION.label });
    const zip = await post('/api/exports/pack', {
      ...who,
      filters: { from: '2018-04', to: '2018-07', category: '@serious-violence' },
    });
    expect(zip.status).toBe(200);
    const files = unzipSync(new Uint8Array(await zip.arrayBuffer()));
    expect(strFromU8(files['README.txt'])).toMatch(line);
    // The README names the harm table (edition) each planning section was weighed by.
    const packJson = JSON.parse(strFromU8(files['pack.json']));
    const patrolScheme = packJson.sections.patrol_proposals.data.meta.scheme;
    expect(patrolScheme.version).toBeTruthy();
    expect(strFromU8(files['README.txt'])).toContain(
      `Harm scheme (Patrol proposals): ${patrolScheme.label} (${patrolScheme.name} ${patrolScheme.version})`,
    );
    expect(JSON.parse(strFromU8(files['pack.json'])).category_set).toMatchObject({ offence_codes: ['10A', '34B', '5D', '8N'] });
  });

  // Journeys and CHB under the narrowing definition (issue 18): each figure equals a direct SQL count over
  // the incidents the rule above keeps (their ids, chosen in JS), so the narrowing is checked per route.
  it('journeys: segment and ranking counts equal a direct SQL count of the rows the rule keeps', async () => {
    await db.exec('DELETE FROM journey_routes');
    // A 1 km east-west route through the place with the most kept incidents (a real street location).
    const spots = new Map<string, { lat: number; lon: number; n: number }>();
    for (const r of kept) {
      const k = `${r.lat},${r.lon}`;
      spots.set(k, { lat: r.lat, lon: r.lon, n: (spots.get(k)?.n ?? 0) + 1 });
    }
    const top = [...spots.values()].sort((a, b) => b.n - a.n)[0];
    const geometry = {
      type: 'LineString',
      coordinates: [
        [top.lon - 0.0072, top.lat],
        [top.lon + 0.0072, top.lat],
      ],
    };
    const made = await analyst.request('/api/journeys/routes', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'SV narrowing test route', segment_m: 100, geometry }),
    });
    expect(made.status).toBe(201);
    const routeId = ((await made.json()) as any).id as number;
    const CORRIDOR = 150;
    /** Incidents among `ids` within the corridor, per nearest segment (ties: the lower seq). */
    const direct = async (ids: string[]) =>
      new Map(
        (
          await db.query<{ seq: number; n: number }>(
            `SELECT s.seq, count(*)::int AS n
             FROM incidents i, journey_routes r
             CROSS JOIN LATERAL (
               SELECT g.seq FROM journey_segments g WHERE g.route_id = r.id
               ORDER BY ST_Distance(i.geom::geography, g.geom::geography), g.seq LIMIT 1
             ) s
             WHERE r.id = $1 AND i.source_id = ANY($2::text[])
               AND ST_DWithin(i.geom::geography, r.geom::geography, $3::float8)
             GROUP BY s.seq`,
            [routeId, ids, CORRIDOR],
          )
        ).map((x) => [x.seq, x.n]),
      );
    const want = await direct(kept.map((r) => r.id));
    const unnarrowed = await direct(rows.filter((r) => DEFINITION.categories.includes(r.category)).map((r) => r.id));
    const sum = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + b, 0);
    expect(sum(want)).toBeGreaterThan(5);
    expect(sum(want)).toBeLessThan(sum(unnarrowed)); // the narrowing bites along the route

    const q = `from=2018-01&to=2018-07&category=@serious-violence&corridor_m=${CORRIDOR}&term_only=false&age_max=none&days=mon-sun`;
    const seg = await get(analyst, `/api/journeys/routes/${routeId}/segments?${q}`);
    expect(seg.status).toBe(200);
    const got = new Map<number, number>(
      seg.body.features.filter((f: any) => f.properties.all > 0).map((f: any) => [f.properties.seq, f.properties.all]),
    );
    expect(got).toEqual(want);
    expect(seg.body.meta.category_set).toMatchObject({ token: '@serious-violence', label: DEFINITION.label });

    const rank = await get(analyst, `/api/journeys/ranking?${q}&rank_by=all`);
    expect(rank.status).toBe(200);
    const route = rank.body.routes.find((r: any) => r.route_id === routeId);
    expect(route.all).toBe(sum(want));
    expect(rank.body.totals.all).toBe(sum(want));
    expect(rank.body.meta.category_set.applied).toMatch(/narrowed to offence codes 10A, 34B, 5D, 8N/);

    // The worst-segments export (a POST body carrying the set) states it in the file and counts the same.
    const file = await analyst.request('/api/journeys/exports', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        purpose: 'SV route walk',
        recipient: 'school safety team',
        format: 'geojson',
        filters: Object.fromEntries(new URLSearchParams(`${q}&rank_by=all&top=100`)),
      }),
    });
    expect(file.status).toBe(200);
    const fc = (await file.json()) as any;
    expect(fc.meta.category_set).toMatchObject({ token: '@serious-violence', offence_codes: ['10A', '34B', '5D', '8N'] });
    expect(
      new Map(fc.features.filter((f: any) => f.properties.all > 0).map((f: any) => [f.properties.seq, f.properties.all])),
    ).toEqual(want);
  });

  it('CHB: area, buffer and control counts per phase and baseline equal a direct SQL count of the kept rows', async () => {
    await db.exec('DELETE FROM chb_areas');
    const perWard = new Map<string, number>();
    for (const r of kept) {
      const w = ward.get(r.id);
      if (w) perWard.set(w, (perWard.get(w) ?? 0) + 1);
    }
    const [area, , control] = [...perWard.entries()].sort((a, b) => b[1] - a[1]).map(([w]) => w);
    const made = await analyst.request('/api/chb', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'SV narrowing test area',
        area: { wards: [area] },
        control: { wards: [control] },
        buffer_m: 300,
        clear_start: '2018-03-01',
        hold_start: '2018-04-01',
        build_start: '2018-05-01',
        build_end: '2018-07-01',
        baseline: { from: '2018-01-01', to: '2018-03-01' },
      }),
    });
    expect(made.status).toBe(201);
    const id = ((await made.json()) as any).id as number;
    const ev = await get(analyst, `/api/chb/${id}/evaluation?weights=count&category=@serious-violence`);
    expect(ev.status).toBe(200);
    expect(ev.body.meta.category_set).toMatchObject({ token: '@serious-violence', label: DEFINITION.label });
    const ids = (from: string, to: string, pick: (r: Row) => boolean) =>
      rows.filter((r) => pick(r) && r.month >= from.slice(0, 7) && r.month < to.slice(0, 7)).map((r) => r.id);
    const inSet = (r: Row) => DEFINITION.categories.includes(r.category);
    let bites = 0;
    for (const ph of ev.body.phases) {
      expect(ph.no_data, ph.phase).toBeNull();
      for (const rg of ph.regions) {
        const count = async (w: { from: string; to: string }, pick: (r: Row) => boolean) =>
          (
            await db.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM incidents i, chb_areas c
               WHERE c.id = $1 AND i.source_id = ANY($2::text[])
                 AND ST_Intersects(CASE $3 WHEN 'area' THEN c.area_geom WHEN 'buffer' THEN c.buffer_geom ELSE c.control_geom END, i.geom)`,
              [id, ids(w.from, w.to, pick), rg.region],
            )
          )[0].n;
        expect(rg.phase_count, `${ph.phase} ${rg.region}`).toBe(await count(ph.window, selected));
        expect(rg.baseline_count, `${ph.phase} ${rg.region} baseline`).toBe(await count(ph.baseline, selected));
        if ((await count(ph.window, inSet)) > rg.phase_count) bites++;
      }
    }
    expect(bites).toBeGreaterThan(0);
  });

  it('POST bodies carry the set: outreach demand, the incidents and areas exports equal the rows the rule keeps; patrol files state it', async () => {
    const post = (url: string, body: unknown) =>
      analyst.request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const inWindow = kept.filter((r) => r.month >= '2018-04');
    const inArea = inWindow.filter((r) => ward.get(r.id));
    // Outreach (planning): total harm with the count scheme is the number of kept incidents (every demand point).
    const out = await post('/api/planning/outreach', {
      from: '2018-04',
      to: '2018-07',
      category: ['@serious-violence'],
      weights: 'count',
      k: 2,
      exact: 'never',
    });
    expect(out.status).toBe(200);
    const o = (await out.json()) as any;
    expect(o.total_harm).toBe(inWindow.length);
    expect(o.meta.category_set).toMatchObject({ token: '@serious-violence', location_types: DEFINITION.location_types });
    // Record-level export: exactly the kept rows of the window.
    const who = { purpose: 'SV check', recipient: 'CSP analyst' };
    const inc = await post('/api/exports/incidents', {
      ...who,
      format: 'geojson',
      filters: { from: '2018-04', to: '2018-07', category: '@serious-violence' },
    });
    expect(inc.status).toBe(200);
    const gj = (await inc.json()) as any;
    const idOf = new Map(
      (await db.query<{ id: number; source_id: string }>('SELECT id, source_id FROM incidents')).map((r) => [
        String(r.id),
        r.source_id,
      ]),
    );
    expect(gj.features.map((f: any) => idOf.get(String(f.id ?? f.properties.id))).sort()).toEqual(
      inWindow.map((r) => r.id).sort(),
    );
    expect(inc.headers.get('x-saferplaces-category-set')).toMatch(/^@serious-violence v\d+/);
    expect(gj.category_set).toMatchObject({ token: '@serious-violence', location_types: DEFINITION.location_types });
    // The same as CSV: the rows, then the definition stated in the file (a header is lost once it is saved).
    const incCsv = await post('/api/exports/incidents', {
      ...who,
      format: 'csv',
      filters: { from: '2018-04', to: '2018-07', category: '@serious-violence' },
    });
    expect(incCsv.status).toBe(200);
    const incText = await incCsv.text();
    const incTable = parse(incText, { relax_column_count: true }) as string[][];
    expect(incTable.filter((r) => /^\d+$/.test(r[0])).length).toBe(inWindow.length);
    expect(incTable.filter((r) => r[0] === 'category_set').map((r) => r[2])).toEqual([
      expect.stringMatching(/^Category set @serious-violence "Lewisham SV \(test\)[^"]*" version \d+ .*victim age 0–24/),
    ]);
    // Areas export (CSV): counts per ward equal the kept rows, and the file states the definition.
    const csv = await post('/api/exports/areas', {
      ...who,
      format: 'csv',
      filters: { level: 'ward', from: '2018-04', to: '2018-07', category: '@serious-violence' },
    });
    expect(csv.status).toBe(200);
    const table = parse(await csv.text(), { relax_column_count: true }) as string[][];
    const byWard = new Map<string, number>();
    for (const r of inArea) byWard.set(ward.get(r.id)!, (byWard.get(ward.get(r.id)!) ?? 0) + 1);
    const shown = new Map(
      table
        .slice(1)
        .filter((r) => /^E05/.test(r[0]) && Number(r[2]) > 0)
        .map((r) => [r[0], Number(r[2])]),
    );
    expect(shown).toEqual(byWard);
    expect(table.find((r) => r[0] === 'category_set')?.[2]).toMatch(
      /^Category set @serious-violence "Lewisham SV \(test\)[^"]*" version \d+ .*location types street, public space/,
    );
    // Patrol files (a POST body's filters): the GeoJSON carries the definition, the briefing and GPX say it.
    const filters = { from: '2018-04', to: '2018-07', category: '@serious-violence', weights: 'count' };
    const plan = await get(analyst, `/api/planning/patrol?${new URLSearchParams(filters)}`);
    expect(plan.status).toBe(200);
    expect(plan.body.meta.category_set).toMatchObject({ token: '@serious-violence', label: DEFINITION.label });
    const pg = await post('/api/planning/patrol/export', { ...who, format: 'geojson', filters });
    expect(pg.status).toBe(200);
    const pgj = (await pg.json()) as any;
    expect(pgj.category_set).toMatchObject({ token: '@serious-violence', victim_age: { max: 24 } });
    expect(pgj.features.map((f: any) => f.properties.incidents)).toEqual(plan.body.boxes.map((b: any) => b.count));
    const pcsv = await post('/api/planning/patrol/export', { ...who, format: 'csv', filters });
    expect(pcsv.status).toBe(200);
    expect(
      (parse(await pcsv.text(), { relax_column_count: true }) as string[][]).filter((r) => r[0] === 'category_set'),
    ).toHaveLength(1);
    for (const format of ['html', 'gpx']) {
      const f = await post('/api/planning/patrol/export', { ...who, format, filters });
      expect(f.status, format).toBe(200);
      expect(await f.text(), format).toContain(
        `Categories: @serious-violence &quot;${DEFINITION.label}&quot; version ${plan.body.meta.category_set.version}: category filter: possession-of-weapons, robbery, violent-crime; narrowed to offence codes 10A, 34B, 5D, 8N`,
      );
    }
  });

  it('a narrowing set is not combined with other categories in one request', async () => {
    const r = await get(analyst, '/api/stats/areas?level=ward&from=2018-01&to=2018-07&category=@serious-violence,burglary');
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/cannot be combined/);
  });

  it('partners get the set as one selection, its ward counts cell-key perturbed and small ones suppressed', async () => {
    const W = 'from=2018-03&to=2018-04';
    const ids = kept.filter((r) => r.month === '2018-03').map((r) => r.id);
    const truth = new Map(
      (
        await db.query<{ code: string; n: number; k: number }>(
          `SELECT ward_code AS code, count(*)::int AS n, (sum(record_key) % 256)::int AS k FROM incidents
           WHERE source_id = ANY($1::text[]) AND ward_code IS NOT NULL GROUP BY ward_code`,
          [ids],
        )
      ).map((r) => [r.code, r]),
    );
    const part = await get(partner, `/api/stats/areas?level=ward&${W}&category=@serious-violence`);
    expect(part.status).toBe(200);
    expect((part.body.meta?.category_set ?? part.body.category_set).version).toBeGreaterThan(0);
    const min = part.body.disclosure.min_count;
    let suppressed = 0;
    for (const a of part.body.areas) {
      const t = truth.get(a.code) ?? { n: 0, k: 0 };
      const shown = perturbCount(t.n, t.k);
      // Counts small after perturbation are withheld; others may be too (complementary suppression).
      if (shown > 0 && shown < min) expect(a.count, a.code).toBeNull();
      if (a.count === null) suppressed++;
      else {
        expect(a.count, a.code).toBe(shown);
        expect(a.count).toBeGreaterThanOrEqual(min);
      }
    }
    expect(suppressed).toBeGreaterThan(0);
    const two = await partner.request(`/api/stats/areas?level=ward&${W}&category=@serious-violence,robbery`);
    expect(two.status).toBeGreaterThanOrEqual(400);
  });
});
