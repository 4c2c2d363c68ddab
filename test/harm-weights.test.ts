// Harm weights from the published ONS table (issue 18), on real files. Expected figures come from the
// shared CSV read here directly (not through the app's table builder): code weights, the author's
// police.uk category per row, the offence-count-weighted category means under a stated mix; and a force
// CSV written here from real police.uk rows with offence codes added, whose per-cell harm and Gi* are
// recomputed from those rows and compared with giStar and with R spdep::localG on the same values and
// neighbour lists (skipped, with a message, without Rscript).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { latLngToCell } from 'h3-js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../api/db/index.js';
import { importFile } from '../api/imports/index.js';
import { normaliseOffenceCode } from '../geodata/harm/offence-codes.js';
import { buildOnsCssTable, ONS_CSS_PROVENANCE } from '../geodata/harm/ons-table.js';
import { onsCssTable, shippedScheme, weightOf } from '../geodata/harm/schemes.js';
import { giStar } from '../geodata/stats/gistar.js';
import { h3Neighbours } from '../geodata/stats/neighbours.js';
import { signedInApp, type Client } from './helpers/auth.js';
import { drivers, resetData, SHARED, testDb } from './helpers/db.js';
import { tmpFile } from './helpers/files.js';
import { RSCRIPT, rLocalG } from './helpers/r.js';

const TABLE = path.join(SHARED, ONS_CSS_PROVENANCE.input_file);
const WARDS = path.join(SHARED, 'lewisham_wards_2022.geojson');
const CRIMES = path.join(SHARED, 'lewisham_violence_robbery_street_api_2016-01_2018-06.csv');
const hasData = [TABLE, WARDS, CRIMES].every((f) => fs.existsSync(f));
if (!RSCRIPT) console.log('SKIPPED: Gi* on harm vs R spdep::localG (Rscript not found)');

/** The shared CSV read directly: code (as written, leading zeros never present there) → weight and category label. */
function rawTable() {
  const rows = parse(fs.readFileSync(TABLE), { columns: true }) as Record<string, string>[];
  const weight = new Map<string, number>();
  const category = new Map<string, string>();
  for (const r of rows) {
    for (const code of r.code_original.split('/')) {
      weight.set(code.trim(), Number(r.weight));
      category.set(code.trim(), r.policeuk_cat_manual_match);
    }
  }
  return { rows, weight, category };
}

describe.skipIf(!hasData)('the ONS CSS reference table', () => {
  it('is the shared file, rebuilt: the shipped JSON equals what the generator makes from it', () => {
    const text = fs.readFileSync(TABLE, 'utf8');
    expect(crypto.createHash('sha256').update(text).digest('hex')).toBe(ONS_CSS_PROVENANCE.input_sha256);
    expect(onsCssTable()).toEqual(buildOnsCssTable(text));
    const t = onsCssTable();
    expect(t.codes).toHaveLength(133); // 134 rows: 4.1 twice, the combined homicide row adds 4.10
    expect(t.label).toMatch(/edition current in late 2020/);
    expect(t.source).toMatch(/M-O-P-D\/Police-Supply-Demand @ 94bd8d15e8943c08b3304fedfb15a08e7b547260/);
    expect(t.source).toMatch(/Open Government Licence v3\.0/);
    expect(t.police_uk_mapping).toMatch(/NOT an official/);
  });

  it('weighs every code as the CSV does (SOURCES.md examples included)', () => {
    const { weight } = rawTable();
    const s = shippedScheme('ons-css');
    for (const [code, w] of weight) expect(s.codeWeights![normaliseOffenceCode(code)!], code).toBe(w);
    expect(Object.keys(s.codeWeights!)).toHaveLength(weight.size);
    expect(s.codeWeights!['34B']).toBeCloseTo(799.63, 2);
    expect(s.codeWeights!['28E']).toBeCloseTo(465.38, 2);
    expect(s.codeWeights!['8N']).toBeCloseTo(189.15, 2);
    expect(s.codeWeights!['105A']).toBeCloseTo(13.51, 2);
    expect(s.codeWeights!['46']).toBeCloseTo(11.86, 2);
    expect(s.codeWeights!['92E']).toBeCloseTo(1.77, 2);
    expect(s.codeWeights!['4.10']).toBe(weight.get('1')); // corporate manslaughter: a homicide code of its own
  });

  it('normalises codes as the table writes them', () => {
    expect(normaliseOffenceCode('008N')).toBe('8N');
    expect(normaliseOffenceCode(' 8n ')).toBe('8N');
    expect(normaliseOffenceCode('037.2')).toBe('37.2');
    expect(normaliseOffenceCode('4.10')).toBe('4.10');
    expect(normaliseOffenceCode('004/01')).toBe('4.1');
    expect(normaliseOffenceCode('105A')).toBe('105A');
    for (const bad of ['', 'abc', '0', '8NN', '12345']) expect(normaliseOffenceCode(bad), bad).toBeNull();
  });

  it('without a mix, a category weighs only where all its codes weigh the same; the others say their composition is unknown', () => {
    const { rows } = rawTable();
    const s = shippedScheme('ons-css');
    const byCat = new Map<string, number[]>();
    for (const r of rows)
      byCat.set(r.policeuk_cat_manual_match, [...(byCat.get(r.policeuk_cat_manual_match) ?? []), Number(r.weight)]);
    const invariant = ['Robbery', 'Shoplifting', 'Theft from the Person', 'Bicycle Theft'];
    for (const [label, ws] of byCat) expect(new Set(ws).size === 1, label).toBe(invariant.includes(label));
    expect(s.weights).toEqual({
      robbery: byCat.get('Robbery')![0],
      shoplifting: byCat.get('Shoplifting')![0],
      'theft-from-the-person': byCat.get('Theft from the Person')![0],
      'bicycle-theft': byCat.get('Bicycle Theft')![0],
    });
    expect(s.categoryNotes!['violent-crime']).toMatch(/composition unknown.*no offence mix is loaded/);
    expect(s.categoryNotes!['anti-social-behaviour']).toMatch(/not a notifiable offence/);
    expect(weightOf(s, 'violent-crime', '8N')).toBe(s.codeWeights!['8N']);
    expect(weightOf(s, 'violent-crime', null)).toBe(0);
  });
});

describe.skipIf(!hasData).each(drivers())('offence codes and mixes through the API (%s)', (driver) => {
  let db: Db;
  let analyst: Client;
  const raw = hasData ? rawTable() : null!;
  // A force CSV from real police.uk rows (2017-07..2018-06), with Home Office codes added: violence
  // cycles through assault with injury (written 008N), assault without injury, harassment, GBH with intent,
  // a code the table lacks (999Z) and no code; robbery through 34B and 34A. One row has a malformed code.
  const VIOLENCE_CODES = ['008N', '105A', '8L', '5D', '999Z', ''];
  const ROBBERY_CODES = ['34B', '034A'];
  interface Row {
    id: string;
    month: string;
    category: string;
    lat: number;
    lon: number;
    code: string;
  }
  let rows: Row[] = [];
  const FROM = '2017-07';
  const TO = '2018-07';

  beforeAll(async () => {
    db = await testDb(driver);
    await resetData(db);
    await db.query(`DELETE FROM harm_schemes`);
    const src = (parse(fs.readFileSync(CRIMES), { columns: true }) as Record<string, string>[]).filter(
      (r) => r.month >= FROM && r.month < TO,
    );
    let v = 0;
    let b = 0;
    rows = src.slice(0, 3000).map((r) => ({
      id: r.id,
      month: r.month,
      category: r.category,
      lat: Number(r.latitude),
      lon: Number(r.longitude),
      code: r.category === 'robbery' ? ROBBERY_CODES[b++ % ROBBERY_CODES.length] : VIOLENCE_CODES[v++ % VIOLENCE_CODES.length],
    }));
    const csv =
      [
        'crime_ref,month,offence,ho_code,longitude,latitude',
        ...rows.map((r) => `${r.id},${r.month},${r.category},${r.code},${r.lon},${r.lat}`),
        `bad-1,2018-01,violent-crime,8-N!,-0.02,51.45`,
      ].join('\n') + '\n';
    const file = tmpFile('force-offence-codes.csv', csv);
    const w = await importFile(db, WARDS, { kind: 'boundaries', level: 'ward' });
    expect(w.status).toBe('committed');
    const summary = await importFile(db, file, {
      dataset: 'force CSV with offence codes',
      mapping: {
        id: 'crime_ref',
        date: 'month',
        category: 'offence',
        offenceCode: 'ho_code',
        lon: 'longitude',
        lat: 'latitude',
        locationPrecision: 'snapped',
      },
    });
    expect(summary.status).toBe('committed');
    expect(summary.imported).toBe(rows.length);
    expect(summary.details.rejectsByReason).toEqual({ bad_offence_code: 1 });
    const unknownRows = rows.filter((r) => r.code === '999Z').length;
    expect(summary.details.offenceCodes).toMatchObject({
      rows_with_code: rows.filter((r) => r.code).length,
      unknown: [{ code: '999Z', rows: unknownRows }],
    });
    analyst = await signedInApp(db, { dataDir: '/nonexistent', MAX_UPLOAD_MB: 10, BASEMAP_STYLE_URL: undefined }, 'analyst');
  });

  it('stores the codes normalised (008N as 8N, 034A as 34A)', async () => {
    const stored = await db.query<{ offence_code: string | null; n: number }>(
      `SELECT offence_code, count(*)::int AS n FROM incidents GROUP BY 1 ORDER BY 1`,
    );
    const expected = new Map<string | null, number>();
    for (const r of rows) {
      const c = r.code ? normaliseOffenceCode(r.code) : null;
      expected.set(c, (expected.get(c) ?? 0) + 1);
    }
    expect(new Map(stored.map((s) => [s.offence_code, s.n]))).toEqual(expected);
  });

  /** Per-cell harm of the rows, recomputed here: the code's weight from the CSV, else the category's `byCategory`. */
  async function expectGiOn(scheme: string, byCategory: (cat: string) => number | undefined) {
    const res = await analyst.request(`/api/hotspots?res=8&weights=${scheme}&from=${FROM}&to=${TO}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    const ward = new Map(
      (await db.query<{ source_id: string; ward_code: string | null }>(`SELECT source_id, ward_code FROM incidents`)).map((r) => [
        r.source_id,
        r.ward_code,
      ]),
    );
    const cells: string[] = body.cells.map((c: any) => c.h3);
    const value = new Map<string, number>();
    let unweighted = 0;
    for (const r of rows) {
      const code = r.code ? normaliseOffenceCode(r.code)! : null;
      const raw1 = code === null ? undefined : raw.weight.get(code);
      const w = raw1 ?? byCategory(r.category);
      if (w === undefined) unweighted++;
      if (ward.get(r.id) === null) continue; // outside the study area
      const cell = latLngToCell(r.lat, r.lon, 8);
      value.set(cell, (value.get(cell) ?? 0) + (w ?? 0));
    }
    const values = cells.map((c) => value.get(c) ?? 0);
    body.cells.forEach((c: any, i: number) => expect(c.value).toBeCloseTo(values[i], 6));
    const nb = h3Neighbours(cells, 1);
    const g = giStar(values, nb);
    body.cells.forEach((c: any, i: number) => expect(c.gi_z).toBeCloseTo(g.z[i], 8));
    // The independent implementation: R spdep::localG on the same harm values and neighbour lists.
    if (RSCRIPT) {
      const r = rLocalG(values, nb);
      body.cells.forEach((c: any, i: number) => expect(c.gi_z, c.h3).toBeCloseTo(r[i], 8));
    }
    expect(body.meta.unweighted.count).toBe(unweighted);
    return body;
  }

  it('Gi* on ONS CSS harm weighs each incident by its code, robbery by its mix-invariant weight, uncoded violence not at all', async () => {
    const robbery = raw.rows.find((r) => r.code_original === '34B')!;
    const body = await expectGiOn('ons-css', (c) => (c === 'robbery' ? Number(robbery.weight) : undefined));
    expect(body.meta.scheme).toMatchObject({ name: 'ons-css', version: 'ons-list-of-weights-2020', mix: null });
    expect(body.meta.scheme.label).toMatch(/edition current in late 2020/);
    expect(body.meta.scheme.categories_without_weight['violent-crime']).toMatch(/composition unknown/);
  });

  it('exports state the ONS edition: hotspot CSV header and GeoJSON meta, the patrol briefing, the CHB/planning meta', async () => {
    const post = (url: string, body: unknown) =>
      analyst.request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const who = { purpose: 'harm briefing', recipient: 'CSP board' };
    const label = shippedScheme('ons-css').label;
    expect(label).toMatch(/edition current in late 2020/);
    const csv = await post('/api/exports/hotspots', { ...who, format: 'csv', filters: { level: 'ward', weights: 'ons-css' } });
    expect(csv.status).toBe(200);
    expect((await csv.text()).split('\n')[0]).toContain(`harm scheme ons-css ons-list-of-weights-2020 (${label}`);
    const geo = await post('/api/exports/hotspots', { ...who, format: 'geojson', filters: { res: '8', weights: 'ons-css' } });
    expect(((await geo.json()) as any).meta.scheme).toMatchObject({
      name: 'ons-css',
      label,
      version: 'ons-list-of-weights-2020',
    });
    const html = await post('/api/planning/patrol/export', { ...who, format: 'html', filters: { weights: 'ons-css', res: '8' } });
    expect(html.status).toBe(200);
    expect(await html.text()).toContain(`harm scheme ${label}`);
    const plan = await analyst.request('/api/planning/patrol?weights=ons-css&res=8');
    const meta = ((await plan.json()) as any).meta;
    expect(meta.scheme).toMatchObject({ name: 'ons-css', version: 'ons-list-of-weights-2020' });
    expect(meta.scheme.categories_without_weight['violent-crime']).toMatch(/composition unknown/);
  });

  it('a loaded offence mix gives the category weights as offence-count-weighted means, and the scheme names it', async () => {
    // A stated mix (offence code -> count), written with leading zeros and one code the table lacks.
    const mix: Record<string, number> = {
      '008N': 1200,
      '105A': 2500,
      '8L': 900,
      '1': 3,
      '19C': 80,
      '28E': 400,
      '30C': 150,
      '29A': 5,
      '999Z': 7,
    };
    const csv = ['offence_code,count', ...Object.entries(mix).map(([c, n]) => `${c},${n}`)].join('\n');
    const res = await analyst.request(
      '/api/harm-schemes?name=ons-css-test-mix&base=ons-css&mix_name=test%20mix&source=written%20in%20the%20test',
      { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv },
    );
    expect(res.status).toBe(201);
    const out = (await res.json()) as any;
    expect(out.kind).toBe('offence-mix');
    expect(out.unknown_codes).toEqual([{ line: 10, code: '999Z' }]);
    // Independently: Σ count × weight / Σ count over the codes the CSV's author mapping puts in each category.
    const expected = (label: string) => {
      let n = 0;
      let s = 0;
      for (const [c, k] of Object.entries(mix)) {
        const code = c.replace(/^0+/, '');
        if (raw.category.get(code) !== label) continue;
        n += k;
        s += k * raw.weight.get(code)!;
      }
      return s / n;
    };
    const list = (await (await analyst.request('/api/harm-schemes')).json()) as any;
    const scheme = list.schemes.find((s: any) => s.name === 'ons-css-test-mix');
    expect(scheme.weights['violent-crime']).toBeCloseTo(expected('Violence and Sexual Offences'), 9);
    expect(scheme.weights.burglary).toBeCloseTo(expected('Burglary'), 9);
    expect(scheme.weights.robbery).toBe(shippedScheme('ons-css').weights.robbery); // mix has no robbery: still invariant
    expect(scheme.weights.drugs).toBeUndefined();
    expect(scheme.mix).toMatchObject({
      name: 'test mix',
      source: 'written in the test',
      total: Object.values(mix).reduce((a, b) => a + b, 0),
    });
    const body = await expectGiOn('ons-css-test-mix', (c) =>
      c === 'robbery'
        ? shippedScheme('ons-css').weights.robbery
        : c === 'violent-crime'
          ? expected('Violence and Sexual Offences')
          : undefined,
    );
    expect(body.meta.scheme.mix).toMatchObject({ name: 'test mix', total: 5245 });
    expect(body.meta.scheme.category_weights['violent-crime']).toMatch(/offence-count-weighted mean .* "test mix"/);
  });

  it('a code-level table (offence code → days) replaces the derived CHI for coded incidents', async () => {
    const csv = 'offence_code,weight\n8N,365\n105A,10\n8L,10\n5D,1095\n34A,365\n34B,365\n';
    const res = await analyst.request('/api/harm-schemes?name=cchi-primary-test&source=test%20table', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: csv,
    });
    expect(res.status).toBe(201);
    const out = (await res.json()) as any;
    expect(out.kind).toBe('offence-codes');
    expect(out.scheme.weights).toEqual({ robbery: 365 }); // violence codes differ: composition unknown without a mix
    const bad = await analyst.request('/api/harm-schemes?name=x&base=ons-css', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'offence_code,count\n8N,-1\nfoo,2\n',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.details.problems).toEqual([
      'line 2: negative count "-1"',
      expect.stringMatching(/^line 3: "foo" is not a Home Office offence code/),
    ]);
  });
});
