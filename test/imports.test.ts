// Import pipeline against real data, on every database driver (PGlite always; the PostGIS server
// when DATABASE_URL is set). Independent checks: PostGIS ST_Within on the original ward polygons,
// and h3-js run directly over the CSV.
import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { latLngToCell } from 'h3-js';
import type { Db } from '../api/db/index.js';
import { importFile } from '../api/imports/index.js';
import { POLICE_UK_HEADER } from '../api/imports/sniff.js';
import { drivers, resetData, SHARED, testDb } from './helpers/db.js';
import { tmpFile } from './helpers/files.js';

const haveShared = fs.existsSync(SHARED);
const WARDS = SHARED + 'lewisham_wards_2022.geojson';
const LSOAS = SHARED + 'lewisham_lsoa21.geojson';
const POP = SHARED + 'lewisham_lsoa21_population_census2021.csv';
const LOOKUP = SHARED + 'lewisham_lsoa21_to_ward24_best_fit_lookup_ons.csv';
const BURGLARY = SHARED + 'lewisham_burglary_street_2022-03_2025-02.csv';
const VIOLENCE = SHARED + 'lewisham_violence_robbery_street_api_2016-01_2018-06.csv';

const count = async (db: Db, sql = 'SELECT count(*)::int AS n FROM incidents', p: unknown[] = []) =>
  (await db.query<{ n: number }>(sql, p))[0].n;

const pukRow = (o: Partial<Record<(typeof POLICE_UK_HEADER)[number], string>>) =>
  POLICE_UK_HEADER.map(
    (h) =>
      o[h] ??
      (
        {
          Month: '2024-01',
          'Reported by': 'Metropolitan Police Service',
          'Falls within': 'Metropolitan Police Service',
          Longitude: '-0.020',
          Latitude: '51.445',
          Location: 'On or near Rushey Green',
          'Crime type': 'Anti-social behaviour',
        } as Record<string, string>
      )[h] ??
      '',
  ).join(',');
const pukFile = (name: string, rows: string[], trailingNewline = true) =>
  tmpFile(name, [POLICE_UK_HEADER.join(','), ...rows].join('\n') + (trailingNewline ? '\n' : ''));

describe.skipIf(!haveShared).each(drivers())('imports on real Lewisham data (%s)', (driver) => {
  let db: Db;
  beforeAll(async () => {
    db = await testDb(driver);
    await resetData(db);
  });

  it('imports ward boundaries, recognising WD22CD/WD22NM without options, and re-imports as unchanged', async () => {
    const s = await importFile(db, WARDS);
    expect(s).toMatchObject({ status: 'committed', kind: 'boundaries', imported: 19, rejected: 0 });
    expect(s.details).toMatchObject({ level: 'ward', codeField: 'WD22CD', nameField: 'WD22NM', crs: 'EPSG:4326' });
    expect(s.details.areaKm2).toBeCloseTo(35.15, 1); // SOURCES.md: 35.15 km² in EPSG:27700
    const again = await importFile(db, WARDS);
    expect(again).toMatchObject({ status: 'committed', imported: 0, duplicates: 19 });
    expect(await count(db, `SELECT count(*)::int AS n FROM areas WHERE level = 'ward'`)).toBe(19);
  });

  it('derives ward population from LSOA populations by the ONS best-fit lookup (every resident counted once)', async () => {
    expect(await importFile(db, LSOAS)).toMatchObject({ status: 'committed', imported: 175 });
    expect(await importFile(db, POP)).toMatchObject({ status: 'committed', kind: 'population', imported: 175 });
    expect(await importFile(db, LOOKUP)).toMatchObject({ status: 'committed', kind: 'population_lookup', imported: 175 });
    const rows = parse(fs.readFileSync(POP), { columns: true }) as Record<string, string>[];
    const total = rows.reduce((a, r) => a + Number(r.usual_residents_total), 0);
    const wards = await db.query<{ population: number; population_rule: string }>(
      `SELECT population, population_rule FROM area_population_resolved WHERE level = 'ward'`,
    );
    expect(wards).toHaveLength(19);
    expect(wards.every((w) => w.population > 5000 && w.population_rule === 'best_fit_lookup')).toBe(true);
    expect(wards.reduce((a, w) => a + w.population, 0)).toBe(total);
  });

  it('imports the police.uk burglary file, counts repeated Crime IDs as separate offences and reports them', async () => {
    const s = await importFile(db, BURGLARY);
    const csv = parse(fs.readFileSync(BURGLARY), { columns: true }) as Record<string, string>[];
    const ids = new Map<string, number>();
    for (const r of csv) if (r['Crime ID']) ids.set(r['Crime ID'], (ids.get(r['Crime ID']) ?? 0) + 1);
    const repeated = [...ids.values()].filter((n) => n > 1);
    expect(s).toMatchObject({
      status: 'committed',
      kind: 'police_uk_street',
      rowsRead: csv.length,
      imported: csv.length,
      rejected: 0,
    });
    expect(s.details.repeatedSourceIds).toMatchObject({ ids: repeated.length, rows: repeated.reduce((a, b) => a + b, 0) });
    expect(repeated.length).toBe(60); // as SOURCES.md says
    const again = await importFile(db, BURGLARY);
    expect(again).toMatchObject({ status: 'committed', imported: 0, duplicates: csv.length });
    expect(await count(db)).toBe(csv.length);
    const [p] = await db.query<{ tp: string; lp: string }>(
      `SELECT min(time_precision) AS tp, min(location_precision) AS lp FROM incidents`,
    );
    expect(p).toEqual({ tp: 'month', lp: 'snapped' });
  });

  it('imports the police.uk API-layout violence file (detected, no mapping needed)', async () => {
    const s = await importFile(db, VIOLENCE);
    expect(s).toMatchObject({ status: 'committed', kind: 'incidents_csv', rowsRead: 20512, imported: 20512, rejected: 0 });
    expect(s.details.dataset).toBe('police.uk API');
    expect(await count(db, `SELECT count(*)::int AS n FROM incidents WHERE category IN ('violent-crime','robbery')`)).toBe(20512);
  });

  it('assigns wards exactly as an independent PostGIS ST_Within count, and reports the rest as outside', async () => {
    // Independent: the original (not subdivided) polygons, ST_Within per ward.
    const independent = await db.query<{ code: string; n: number }>(
      `SELECT a.code, count(i.id)::int AS n FROM areas a LEFT JOIN incidents i ON ST_Within(i.geom, a.geom)
       WHERE a.level = 'ward' GROUP BY a.code ORDER BY a.code`,
    );
    const ours = await db.query<{ code: string; n: number }>(
      `SELECT a.code, count(i.id)::int AS n FROM areas a LEFT JOIN incidents i ON i.ward_code = a.code
       WHERE a.level = 'ward' GROUP BY a.code ORDER BY a.code`,
    );
    const onBoundary = await count(
      db,
      `SELECT count(*)::int AS n FROM incidents i WHERE EXISTS (SELECT 1 FROM areas a WHERE a.level = 'ward' AND ST_Intersects(i.geom, a.geom))
         AND NOT EXISTS (SELECT 1 FROM areas a WHERE a.level = 'ward' AND ST_Within(i.geom, a.geom))`,
    );
    expect(onBoundary).toBe(0); // no snapped point lies exactly on a 2022 ward edge in this data
    expect(ours).toEqual(independent);
    const outside = await count(
      db,
      `SELECT count(*)::int AS n FROM incidents i WHERE NOT EXISTS
      (SELECT 1 FROM areas a WHERE a.level = 'ward' AND ST_Within(i.geom, a.geom))`,
    );
    expect(outside).toBeGreaterThan(0);
    expect(await count(db, `SELECT count(*)::int AS n FROM incidents WHERE ward_code IS NULL`)).toBe(outside);
    const batches = await db.query<{ outside_study_area: number }>(
      `SELECT outside_study_area FROM import_batches WHERE kind <> 'boundaries' AND imported > 0`,
    );
    expect(batches.reduce((a, b) => a + b.outside_study_area, 0)).toBe(outside);
  });

  it('stores H3 cells at resolutions 7-10 equal to a direct h3-js count over the CSV', async () => {
    const csv = parse(fs.readFileSync(VIOLENCE), { columns: true }) as Record<string, string>[];
    for (const res of [7, 8, 9, 10]) {
      const direct = new Map<string, number>();
      for (const r of csv) {
        const c = latLngToCell(+r.latitude, +r.longitude, res);
        direct.set(c, (direct.get(c) ?? 0) + 1);
      }
      const rows = await db.query<{ h3: string; n: number }>(
        `SELECT to_hex(h3_${res}) AS h3, count(*)::int AS n FROM incidents WHERE dataset = 'police.uk API' GROUP BY 1`,
      );
      expect(new Map(rows.map((r) => [r.h3, r.n]))).toEqual(direct);
    }
  });

  it('re-assigns incidents when ward boundaries are replaced', async () => {
    const fc = JSON.parse(fs.readFileSync(WARDS, 'utf8'));
    fc.features = fc.features.filter((f: any) => f.properties.WD22CD !== 'E05013714'); // drop Bellingham
    const before = await count(db, `SELECT count(*)::int AS n FROM incidents WHERE ward_code = 'E05013714'`);
    expect(before).toBeGreaterThan(0);
    // Removing a loaded ward needs confirmation (issue 13): refused first, nothing changed.
    const refused = await importFile(db, tmpFile('wards-18.geojson', JSON.stringify(fc)));
    expect(refused.error).toMatchObject({
      code: 'replace_required',
      details: { remove: [{ code: 'E05013714', name: 'Bellingham' }] },
    });
    expect(await count(db, `SELECT count(*)::int AS n FROM incidents WHERE ward_code = 'E05013714'`)).toBe(before);
    const s = await importFile(db, tmpFile('wards-18.geojson', JSON.stringify(fc)), { replace: true });
    expect(s.details).toMatchObject({ removed: 1, unchanged: 18, added: 0 });
    expect(await count(db, `SELECT count(*)::int AS n FROM incidents WHERE ward_code = 'E05013714'`)).toBe(0);
    await importFile(db, WARDS);
    expect(await count(db, `SELECT count(*)::int AS n FROM incidents WHERE ward_code = 'E05013714'`)).toBe(before);
  });
});

describe.each(drivers())('import edge cases (%s)', (driver) => {
  let db: Db;
  beforeAll(async () => {
    db = await testDb(driver);
    await resetData(db);
  });

  it('keeps letter-identical rows with no Crime ID as separate incidents, and re-import adds nothing', async () => {
    const asb = pukRow({});
    const f1 = pukFile('asb-2.csv', [asb, asb]);
    expect(await importFile(db, f1)).toMatchObject({ status: 'committed', imported: 2, duplicates: 0 });
    expect(await importFile(db, f1)).toMatchObject({ status: 'committed', imported: 0, duplicates: 2 });
    // A later file holding the same two rows and a third identical one adds exactly one.
    expect(await importFile(db, pukFile('asb-3.csv', [asb, asb, asb]))).toMatchObject({ imported: 1, duplicates: 2 });
    expect(await count(db)).toBe(3);
  });

  it('rejects bad rows with their line numbers and reasons, and imports the rest', async () => {
    const f = pukFile(
      'mixed.csv',
      [
        pukRow({ 'Crime ID': 'a1', 'Crime type': 'Robbery' }),
        pukRow({ 'Crime ID': 'a2', Month: '2024-13' }),
        pukRow({ 'Crime ID': 'a3', Latitude: '95.1' }),
        pukRow({ 'Crime ID': 'a4', Longitude: '', Latitude: '', Location: 'No Location' }),
        pukRow({ 'Crime ID': 'a5' }) + ',extra',
        pukRow({ 'Crime ID': 'a6', 'Crime type': 'Robbery' }).split(',').slice(0, 7).join(','),
      ],
      false,
    );
    const s = await importFile(db, f);
    expect(s).toMatchObject({ status: 'committed', rowsRead: 6, imported: 1, rejected: 5 });
    expect(s.rejects.map((r) => [r.line, r.code])).toEqual([
      [3, 'bad_date'],
      [4, 'bad_coordinates'],
      [5, 'no_location'],
      [6, 'wrong_field_count'],
      [7, 'truncated'],
    ]);
    const stored = await db.query<{ line: number; reason: string }>(
      'SELECT line, reason FROM import_rejects WHERE batch_id = $1 ORDER BY line',
      [s.batchId],
    );
    expect(stored.map((r) => r.line)).toEqual([3, 4, 5, 6, 7]);
    expect(stored[4].reason).toMatch(/truncated last line/);
  });

  it('treats an unclosed quote at the end of the file as a truncated last line', async () => {
    const f = tmpFile(
      'open-quote.csv',
      `${POLICE_UK_HEADER.join(',')}\n${pukRow({ 'Crime ID': 'q1' })}\nq2,2024-01,"Metropolitan Police`,
    );
    const s = await importFile(db, f);
    expect(s.error).toBeUndefined();
    expect(s).toMatchObject({ status: 'committed', imported: 1, rejected: 1 });
    expect(s.rejects[0]).toMatchObject({ code: 'truncated', line: 3 });
  });

  it('fails whole files with specific errors and changes nothing', async () => {
    const before = await count(db);
    const cases: Array<[string, string | Buffer, Record<string, unknown>, string]> = [
      ['empty.csv', '', {}, 'empty_file'],
      ['blank.csv', '\n\n  \n', {}, 'empty_file'],
      ['header-only.csv', POLICE_UK_HEADER.join(',') + '\n', {}, 'empty_file'],
      ['binary.csv', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 1, 2]), {}, 'binary_file'],
      ['nul.csv', Buffer.from('a,b\n1,\u0000\n'), {}, 'binary_file'],
      ['latin1.csv', Buffer.from([0x61, 0x2c, 0x62, 0x0a, 0xe9, 0x2c, 0x31, 0x0a]), {}, 'bad_encoding'],
      [
        'wrong-header.csv',
        'Crime ID,Month,Longitude,Latitude,Crime type\nx,2024-01,0.1,51.4,Robbery\n',
        { kind: 'police_uk_street' },
        'bad_header',
      ],
      ['unknown.csv', 'foo,bar\n1,2\n', {}, 'unknown_kind'],
      [
        'bad-mapping.csv',
        'Ref,When,What,X,Y\n1,2024-01-01,Robbery,530000,180000\n',
        { mapping: 'date=When,category=Nope,easting=X,northing=Y' },
        'bad_mapping',
      ],
      [
        'crs.geojson',
        JSON.stringify({
          type: 'FeatureCollection',
          crs: { type: 'name', properties: { name: 'EPSG:3857' } },
          features: [
            {
              type: 'Feature',
              properties: { WD22CD: 'X' },
              geometry: {
                type: 'Polygon',
                coordinates: [
                  [
                    [0, 0],
                    [1, 0],
                    [1, 1],
                    [0, 0],
                  ],
                ],
              },
            },
          ],
        }),
        {},
        'unknown_crs',
      ],
      ['broken.geojson', '{"type": "FeatureCollection", "features": [', {}, 'bad_json'],
    ];
    for (const [name, content, opts, code] of cases) {
      const s = await importFile(db, tmpFile(name, content), opts);
      expect(s.status, name).toBe('failed');
      expect(s.error?.code, name).toBe(code);
      expect(s.error?.message.length, name).toBeGreaterThan(10);
    }
    expect(await count(db)).toBe(before);
    const failed = await count(db, `SELECT count(*)::int AS n FROM import_batches WHERE status = 'failed'`);
    expect(failed).toBe(cases.length);
  });

  it('rolls back everything when an import fails part-way (after rows were copied)', async () => {
    const rows = Array.from({ length: 25_000 }, (_, i) =>
      pukRow({ 'Crime ID': `big${i}`, Longitude: (-0.05 + (i % 100) / 1000).toFixed(3) }),
    );
    const f = pukFile('big.csv', rows);
    const before = await count(db);
    let copied = 0;
    const s = await importFile(db, f, {
      onProgress: (p) => {
        copied = Math.max(copied, p.rowsRead);
        if (p.phase === 'reading' && p.rowsRead >= 20_000) throw new Error('simulated crash');
      },
    });
    expect(copied).toBeGreaterThanOrEqual(20_000);
    expect(s.status).toBe('failed');
    expect(await count(db)).toBe(before);
    expect(await importFile(db, f)).toMatchObject({ status: 'committed', imported: 25_000 });
  });

  it('imports a generic CSV in British National Grid with a saved, reusable mapping', async () => {
    const csv =
      [
        'Ref,Date,Time,Offence,Easting,Northing,Victim age',
        'R1,05/03/2024,08:15,Knife crime,537500,174500,15-17',
        'R2,2024-03-06,,Robbery,537600,174600,',
        'R3,2024-03-07,25:00,Robbery,537600,174600,',
        'R4,2024-03-08,,Robbery,0,0,',
      ].join('\r\n') + '\r\n';
    const s = await importFile(db, tmpFile('force.csv', csv), {
      mapping: 'id=Ref,date=Date,time=Time,category=Offence,easting=Easting,northing=Northing,ageBand=Victim age',
      saveMapping: 'force export',
      dataset: 'force export',
    });
    expect(s).toMatchObject({ status: 'committed', imported: 2, rejected: 2 });
    expect(s.rejects.map((r) => r.code)).toEqual(['bad_date', 'no_location']);
    const [r1] = await db.query<{
      category: string;
      time_precision: string;
      location_precision: string;
      age_band: string;
      lon: number;
      lat: number;
      occurred: string;
    }>(
      `SELECT category, time_precision, location_precision, age_band, lon, lat, to_char(occurred_at, 'YYYY-MM-DD HH24:MI') AS occurred FROM incidents WHERE source_id = 'R1'`,
    );
    expect(r1).toMatchObject({
      category: 'knife-crime',
      time_precision: 'minute',
      location_precision: 'exact',
      age_band: '15-17',
      occurred: '2024-03-05 08:15',
    });
    expect(r1.lat).toBeCloseTo(51.45, 1);
    expect(r1.lon).toBeCloseTo(-0.02, 1);
    expect(await count(db, `SELECT count(*)::int AS n FROM categories WHERE slug = 'knife-crime' AND origin = 'custom'`)).toBe(1);
    // Re-use by name.
    const again = await importFile(db, tmpFile('force2.csv', csv.replace(/R(\d)/g, 'S$1')), {
      mapping: 'force export',
      dataset: 'force export',
    });
    expect(again).toMatchObject({ status: 'committed', imported: 2 });
  });

  it('reads British National Grid GeoJSON and TopoJSON boundaries', async () => {
    // A 1 km square at BNG 537000-538000 / 174000-175000 (in Lewisham).
    const ring = [
      [537000, 174000],
      [538000, 174000],
      [538000, 175000],
      [537000, 175000],
      [537000, 174000],
    ];
    const bng = {
      type: 'FeatureCollection',
      crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::27700' } },
      features: [
        { type: 'Feature', properties: { code: 'SQ1', name: 'Square' }, geometry: { type: 'Polygon', coordinates: [ring] } },
      ],
    };
    const s = await importFile(db, tmpFile('sq.geojson', JSON.stringify(bng)), { level: 'test_square' });
    expect(s).toMatchObject({ status: 'committed', imported: 1 });
    const [a] = await db.query<{ m2: number }>(`SELECT ST_Area(geom::geography) AS m2 FROM areas WHERE level = 'test_square'`);
    expect(a.m2).toBeGreaterThan(0.99e6);
    expect(a.m2).toBeLessThan(1.01e6);
    const topo = {
      type: 'Topology',
      objects: {
        squares: {
          type: 'GeometryCollection',
          geometries: [{ type: 'Polygon', arcs: [[0]], properties: { code: 'T1', name: 'Topo square' } }],
        },
      },
      arcs: [
        [
          [-0.03, 51.44],
          [-0.02, 51.44],
          [-0.02, 51.45],
          [-0.03, 51.45],
          [-0.03, 51.44],
        ],
      ],
    };
    const t = await importFile(db, tmpFile('sq.topojson', JSON.stringify(topo)), { level: 'test_topo' });
    expect(t).toMatchObject({ status: 'committed', imported: 1, details: { crs: 'EPSG:4326', codeField: 'code' } });
  });

  it('takes code and name field overrides for boundaries, and names the missing field', async () => {
    const s = await importFile(db, WARDS, { level: 'test_override', codeField: 'WD22CD', nameField: 'LAD22NM' });
    expect(s).toMatchObject({ status: 'committed', imported: 19, details: { codeField: 'WD22CD', nameField: 'LAD22NM' } });
    const names = await db.query<{ name: string }>(`SELECT DISTINCT name FROM areas WHERE level = 'test_override'`);
    expect(names).toEqual([{ name: 'Lewisham' }]);
    const bad = await importFile(db, WARDS, { level: 'test_override', codeField: 'WARD_CODE' });
    expect(bad.status).toBe('failed');
    expect(bad.error).toMatchObject({ code: 'no_code_field', message: expect.stringContaining('"WARD_CODE"') });
    expect(bad.error!.message).toContain('WD22CD');
    await db.query(`DELETE FROM areas WHERE level = 'test_override'`);
    await db.query(`DELETE FROM area_sets WHERE level = 'test_override'`);
  });

  it('reports progress by bytes and rows as it reads, ending at the file size', async () => {
    const seen: { phase: string; bytesRead: number; bytesTotal: number; rowsRead: number }[] = [];
    // 45,000 rows: three of the importer's 20,000-row chunks (the last one partial).
    const f = pukFile(
      'progress.csv',
      Array.from({ length: 45_000 }, (_, i) =>
        pukRow({ 'Crime ID': `prog${i}`, Longitude: (-0.05 + (i % 100) / 1000).toFixed(3) }),
      ),
    );
    const s = await importFile(db, f, { onProgress: (p) => void seen.push({ ...p }) });
    expect(s).toMatchObject({ status: 'committed', imported: 45_000 });
    const size = fs.statSync(f).size;
    const reading = seen.filter((p) => p.phase === 'reading');
    expect(reading.length).toBeGreaterThanOrEqual(3);
    for (const p of seen) expect(p.bytesTotal).toBe(size);
    for (let i = 1; i < reading.length; i++) {
      expect(reading[i].bytesRead).toBeGreaterThanOrEqual(reading[i - 1].bytesRead);
      expect(reading[i].rowsRead).toBeGreaterThanOrEqual(reading[i - 1].rowsRead);
    }
    expect(reading.at(-1)!.bytesRead).toBe(size);
    expect(reading.at(-1)!.rowsRead).toBe(s.rowsRead);
    // The phases come in order: reading, then assigning wards and storing, then finishing.
    const order = [...new Set(seen.map((p) => p.phase))];
    expect(order).toEqual(['reading', 'assigning', 'finishing']);
  });
});
