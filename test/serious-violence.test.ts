// Serious violence as the partnership defines it (issue 18), on real police.uk rows of every category:
// category=@serious-violence gives exactly what the explicit category list gives, on every kind of route,
// and states the definition; changes are versions kept in an append-only history.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../api/db/index.js';
import { importFile } from '../api/imports/index.js';
import { APPROXIMATION_NOTE, DEFAULT_DEFINITION } from '../api/definitions/serious-violence.js';
import { clientFor, signedInApp, type Client } from './helpers/auth.js';
import { drivers, resetData, SHARED, testDb } from './helpers/db.js';
import { tmpFile } from './helpers/files.js';

const WARDS = path.join(SHARED, 'lewisham_wards_2022.geojson');
const ALL = path.join(SHARED, 'lewisham_street_all_api_2016-01_2018-06.csv');
const hasData = fs.existsSync(WARDS) && fs.existsSync(ALL);

describe.skipIf(!hasData).each(drivers())('category=@serious-violence (%s)', (driver) => {
  let db: Db;
  let analyst: Client;
  let partner: Client;
  let admin: Client;
  const get = async (who: Client, url: string) => {
    const res = await who.request(url);
    return { status: res.status, body: (await res.json()) as any };
  };
  const put = (who: Client, body: unknown) =>
    who.request('/api/definitions/serious-violence', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  /** The body without the stated category set (in meta, or at the top where a response has no meta). */
  // The definition noted, and which table answered (a definition that narrows by offence code reads the
  // incidents, an explicit category list the aggregate cube: api/aggregates/source.ts), set aside.
  const without = (b: any) => {
    const { category_set: _top, source: _src, ...rest } = b;
    if (!rest.meta) return rest;
    const { category_set: _meta, source: _msrc, ...meta } = rest.meta;
    return { ...rest, meta };
  };

  beforeAll(async () => {
    db = await testDb(driver);
    await resetData(db);
    // 2018 rows of every category (real police.uk API rows for Lewisham), as the file gives them.
    const lines = fs.readFileSync(ALL, 'utf8').split('\n');
    const file = tmpFile(
      'lewisham-all-2018.csv',
      [lines[0], ...lines.slice(1).filter((l) => l.startsWith('2018-'))].join('\n') + '\n',
    );
    for (const [f, opts] of [
      [WARDS, { kind: 'boundaries' as const, level: 'ward' }],
      [file, { dataset: 'serious violence test' }],
    ] as const) {
      const r = await importFile(db, f, opts);
      if (r.status !== 'committed') throw new Error(`import of ${f} failed: ${r.error?.message}`);
    }
    const config = { dataDir: '/nonexistent', MAX_UPLOAD_MB: 10, BASEMAP_STYLE_URL: undefined };
    analyst = await signedInApp(db, config, 'analyst');
    partner = await clientFor(analyst.app, db, 'partner');
    admin = await clientFor(analyst.app, db, 'admin');
  });

  it('the built-in default is police.uk violence, robbery and weapons, labelled as an approximation', async () => {
    expect(DEFAULT_DEFINITION.categories).toEqual(['possession-of-weapons', 'robbery', 'violent-crime']);
    const { body } = await get(partner, '/api/definitions/serious-violence/history');
    const v0 = body.versions.at(-1);
    expect(v0).toMatchObject({
      version: 0,
      default: true,
      categories: DEFAULT_DEFINITION.categories,
      approximation: APPROXIMATION_NOTE,
      token: '@serious-violence',
    });
    expect(APPROXIMATION_NOTE).toMatch(/approximation/);
  });

  it('equals the explicit category list on aggregates, hexes and hotspots, and states the definition', async () => {
    const { body: cur } = await get(analyst, '/api/definitions/serious-violence');
    const list = cur.definition.categories.join(',');
    for (const route of [
      '/api/stats/areas?level=ward&from=2018-01&to=2018-07',
      '/api/hexes?res=8&from=2018-01&to=2018-07',
      '/api/hotspots?res=8&from=2018-01&to=2018-07',
      '/api/series?h3=88195da49bfffff',
    ]) {
      const viaSet = await get(analyst, `${route}&category=@serious-violence`);
      const explicit = await get(analyst, `${route}&category=${list}`);
      expect(viaSet.status, route).toBe(200);
      expect(without(viaSet.body), route).toEqual(without(explicit.body));
      const stated = viaSet.body.meta?.category_set ?? viaSet.body.category_set;
      expect(stated, route).toMatchObject({
        name: 'serious-violence',
        version: cur.definition.version,
        categories: cur.definition.categories,
        approximation: APPROXIMATION_NOTE,
      });
    }
    // The set selects a strict subset of the data: the file holds every category.
    const all = await get(analyst, '/api/stats/areas?level=ward&from=2018-01&to=2018-07');
    const sv = await get(analyst, '/api/stats/areas?level=ward&from=2018-01&to=2018-07&category=@serious-violence');
    const total = (b: any) => b.areas.reduce((s: number, a: any) => s + (a.count ?? 0), 0);
    expect(total(sv.body)).toBeGreaterThan(0);
    expect(total(sv.body)).toBeLessThan(total(all.body));
    expect((await get(analyst, '/api/hotspots?res=8&category=@no-such-set')).status).toBe(400);
  });

  it('analysts and admins change it (validated, audited); every version stays in the history; partners may not', async () => {
    const before = (await get(analyst, '/api/definitions/serious-violence/history')).body.versions;
    const top = before[0].version;
    expect((await put(partner, { label: 'x', categories: ['robbery'] })).status).toBe(403);
    const bad = await put(analyst, {
      label: 'x',
      categories: ['robbery'],
      offence_codes: ['not-a-code'],
      victim_age: { min: 30, max: 20 },
    });
    expect(bad.status).toBe(400);
    expect((await put(analyst, { label: 'x', categories: ['no-such-category'] })).status).toBe(400);
    const mine = {
      label: 'Lewisham SV 2024',
      categories: ['violent-crime', 'robbery'],
      offence_codes: ['005D', '8N'],
      victim_age: { max: 24 },
      location_types: ['public space'],
      note: 'CSP board, March 2024',
    };
    const ok = await put(analyst, mine);
    expect(ok.status).toBe(200);
    const saved = ((await ok.json()) as any).definition;
    expect(saved).toMatchObject({
      version: top + 1,
      categories: ['robbery', 'violent-crime'],
      offence_codes: ['5D', '8N'],
      victim_age: { max: 24 },
      default: false,
    });
    expect(saved.applied).toMatch(/narrowed to offence codes 5D, 8N; victim age 0–24 .*; location types public space$/);
    expect(saved.not_applied).toMatch(/police\.uk data: no offence code, victim age or location type\) .* are kept/);
    const [a] = await db.query<{ action: string; query: any }>(
      `SELECT action, query FROM audit_log WHERE resource = 'definitions.serious-violence' ORDER BY id DESC LIMIT 1`,
    );
    expect(a).toMatchObject({ action: 'change', query: { version: top + 1, label: 'Lewisham SV 2024' } });
    // The new definition applies at once, everywhere; police.uk rows carry no code, age or location type,
    // so its narrowing keeps them all (test/serious-violence-narrowing.test.ts has a file that carries them).
    const viaSet = await get(analyst, '/api/hotspots?res=8&from=2018-01&to=2018-07&category=@serious-violence');
    const explicit = await get(analyst, '/api/hotspots?res=8&from=2018-01&to=2018-07&category=robbery,violent-crime');
    expect(without(viaSet.body)).toEqual(without(explicit.body));
    expect(viaSet.body.meta.category_set).toMatchObject({ version: top + 1, label: 'Lewisham SV 2024' });
    // Admins may change it back; the history keeps every version, newest first.
    expect((await put(admin, { label: DEFAULT_DEFINITION.label, categories: DEFAULT_DEFINITION.categories })).status).toBe(200);
    const after = (await get(analyst, '/api/definitions/serious-violence/history')).body.versions;
    expect(after.map((v: any) => v.version)).toEqual([top + 2, top + 1, ...before.map((v: any) => v.version)]);
    expect(after[1]).toMatchObject({ label: 'Lewisham SV 2024', changed_by: analyst.email });
    await expect(db.query(`UPDATE category_set_versions SET changed_by = 'x'`)).rejects.toThrow(/append-only/);
    await expect(db.query(`DELETE FROM category_set_versions`)).rejects.toThrow(/append-only/);
  });
});
