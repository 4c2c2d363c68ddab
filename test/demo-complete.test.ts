// The demo shows the whole product, and the credits come from what is loaded (issue 13): after
// `npm run demo`'s loader every page's API returns something; the attribution is built from the provenance
// of the loaded files (Lewisham vs Hackney vs the synthetic demo), never a fixed Lewisham/Metropolitan list.
import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/app.js';
import { attributionFor, OGL_LINE, SYNTHETIC_LINE } from '../api/aggregates/attribution.js';
import { DEMO_EMAIL } from '../api/auth/demo.js';
import type { Db } from '../api/db/index.js';
import { importFile } from '../api/imports/index.js';
import { INTERVENTION_TYPES } from '../geodata/synthetic-extras.js';
import { loadDemo } from '../scripts/demo.js';
import { sessionCookie, signIn } from './helpers/auth.js';
import { drivers, resetData, resetPlanning, SHARED, testDb } from './helpers/db.js';

const config = { dataDir: '/nonexistent', MAX_UPLOAD_MB: 10, BASEMAP_STYLE_URL: undefined };

describe.each(drivers())('the synthetic demo fills every page (%s)', (driver) => {
  let db: Db;
  let get: (url: string) => Promise<any>;
  beforeAll(async () => {
    db = await testDb(driver);
    await resetData(db);
    await resetPlanning(db);
    const r = await loadDemo(db);
    expect(r.extras).not.toBeNull();
    const app = createApp({ db, config });
    // The sign-in page's hint: a demo login exists, so no "No accounts exist yet".
    expect(await (await app.request('/api/session')).json()).toMatchObject({ user: null, demo_login: true });
    const res = await signIn(app, DEMO_EMAIL, r.password);
    expect(res.status).toBe(200);
    const cookie = sessionCookie(res)!;
    get = async (url: string) => {
      const out = await app.request(url, { headers: { cookie } });
      expect(out.status, url).toBe(200);
      return out.json();
    };
  });

  it('map, hotspots and coverage', async () => {
    expect((await get('/api/summary')).synthetic).toBe(true);
    expect((await get('/api/stats/areas?level=ward')).areas.some((a: { count: number }) => a.count > 0)).toBe(true);
    expect((await get('/api/hotspots?res=9')).cells?.length ?? (await get('/api/hotspots?res=9')).units?.length).toBeGreaterThan(
      0,
    );
    expect((await get('/api/coverage')).categories.length).toBeGreaterThan(0);
  });

  it('school routes: schools, hubs, term dates, routes and a ranking', async () => {
    const sites = await get('/api/journeys/sites');
    const kinds = sites.features.map((f: { properties: { kind: string } }) => f.properties.kind);
    expect(kinds.filter((k: string) => k === 'school').length).toBeGreaterThanOrEqual(3);
    expect(kinds.filter((k: string) => k === 'hub').length).toBeGreaterThanOrEqual(2);
    expect((await get('/api/journeys/term-dates')).terms.length).toBeGreaterThanOrEqual(6);
    const routes = await get('/api/journeys/routes');
    expect((routes.features ?? routes.routes).length).toBe(3);
    expect(JSON.stringify(await get('/api/journeys/ranking'))).toMatch(/Synthetic/);
  });

  it('planning: every intervention type with history, a walking network, coverage; CHB with phases and a control', async () => {
    const list = await get('/api/interventions');
    const items = list.interventions ?? list.features ?? list;
    const types = new Set(items.map((i: any) => i.properties?.type ?? i.type));
    expect([...types].sort()).toEqual([...INTERVENTION_TYPES].sort());
    const first = items[0].properties?.id ?? items[0].id;
    const history = await get(`/api/interventions/${first}/history`);
    expect((history.history ?? history.versions ?? history).length).toBeGreaterThan(1);
    expect((await get('/api/planning/network')).network).not.toBeNull();
    expect(await get('/api/planning/coverage')).toBeTruthy();
    const chb = await get('/api/chb');
    const areas = chb.areas ?? chb.chb ?? chb;
    expect(areas.length).toBe(1);
    const ev = await get(`/api/chb/${areas[0].id}/evaluation`);
    expect(JSON.stringify(ev)).toMatch(/clear/i);
    expect(JSON.stringify(ev)).toMatch(/control/i);
  });

  it('credits the synthetic demo as invented, with no Lewisham or police force text', async () => {
    const { attribution } = await get('/api/config');
    expect(attribution).toEqual([SYNTHETIC_LINE]);
    expect(attribution.join(' ')).not.toMatch(/Lewisham|Metropolitan|police\.uk|Census/);
  });
});

describe.skipIf(!fs.existsSync(SHARED)).each(drivers())('attribution from provenance (%s)', (driver) => {
  let db: Db;
  const load = async (file: string, opts: Parameters<typeof importFile>[2] = {}) =>
    expect((await importFile(db, SHARED + file, opts)).status).toBe('committed');
  beforeAll(async () => {
    db = await testDb(driver);
  });

  it('Lewisham: police.uk with the force named in the files, ONS boundaries and population', async () => {
    await resetData(db);
    await load('lewisham_wards_2022.geojson');
    await load('lewisham_lsoa21.geojson');
    await load('lewisham_lsoa21_population_census2021.csv');
    await load('lewisham_burglary_street_2022-03_2025-02.csv');
    await load('lewisham_violence_robbery_street_api_2016-01_2018-06.csv');
    const lines = await attributionFor(db);
    expect(lines).toEqual([
      OGL_LINE,
      'Crime data: data.police.uk (Metropolitan Police Service).',
      'Boundaries (Electoral wards, Lower layer super output areas): Office for National Statistics (OGL v3.0).',
      'Contains OS data © Crown copyright and database right.',
      'Population (lsoa): Office for National Statistics (OGL v3.0).',
    ]);
    expect(lines.join(' ')).not.toMatch(/Lewisham|City of London|Synthetic/);
  });

  it('Hackney: its own boundary source as stated at import, no population, no Lewisham', async () => {
    await resetData(db);
    await load('hackney_wards_2024_bng.geojson', { source: 'London Borough of Hackney (OGL v3.0)' });
    await load('hackney_burglary_street_2022-03_2025-02.csv');
    const lines = await attributionFor(db);
    expect(lines).toEqual([
      OGL_LINE,
      'Crime data: data.police.uk (Metropolitan Police Service).',
      'Boundaries (Electoral wards): London Borough of Hackney (OGL v3.0).',
    ]);
    expect(lines.join(' ')).not.toMatch(/Lewisham|Population|Census/);
  });

  it('an unstated source of a file without ONS codes is said to be unstated', async () => {
    await resetData(db);
    await load('hackney_wards_2024_bng.geojson', { codeField: 'GlobalID', nameField: 'WD24NM', level: 'custom' });
    expect(await attributionFor(db)).toEqual(['Boundaries (custom): hackney_wards_2024_bng.geojson (source not stated).']);
  });
});
