// Imports never destroy data by default (issue 13): a boundary file's level follows its ONS code fields,
// and replacing a loaded level by a file without some of its codes is refused, naming what would go,
// until confirmed (API replace=true, CLI --replace). Through the API, the CLI and the import page's detection.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../api/auth/store.js';
import type { Db } from '../api/db/index.js';
import { detectFromHead, pendingRemoval } from '../web/src/pages/import/detect-level.js';
import { summaryFacts } from '../web/src/pages/import/summary-words.js';
import { progressLabel } from '../web/src/pages/import/ImportJobView.js';
import { clientFor, signedInApp, type Client } from './helpers/auth.js';
import { drivers, resetData, SHARED, testDb } from './helpers/db.js';
import { appHoldingDataDir, importCli } from './helpers/cli.js';

const haveShared = fs.existsSync(SHARED);
const WARDS = SHARED + 'lewisham_wards_2022.geojson';
const LSOAS = SHARED + 'lewisham_lsoa21.geojson';
const POPULATION = SHARED + 'lewisham_lsoa21_population_census2021.csv';
const HACKNEY = SHARED + 'hackney_wards_2024_bng.geojson';

/** The first `n` Lewisham wards as a file of their own (a "different set of codes" at level ward). */
function someWards(n: number): string {
  const fc = JSON.parse(fs.readFileSync(WARDS, 'utf8'));
  fc.features = fc.features.slice(0, n);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sp-wards-')), `wards-${n}.geojson`);
  fs.writeFileSync(file, JSON.stringify(fc));
  return file;
}

async function waitForImport(app: Client, id: number) {
  // Until the job ends; the deadline only guards against a hang (imports are many times slower on a loaded machine).
  for (const deadline = Date.now() + 600_000; Date.now() < deadline; ) {
    const body = await (await app.request(`/api/imports/${id}`)).json();
    if (body.status === 'committed' || body.status === 'failed') return body;
    await new Promise((r) => setTimeout(r, 100)); // polling a background job, as the page does
  }
  throw new Error(`import ${id} did not finish`);
}

const wardCount = async (db: Db) =>
  (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM areas WHERE level = 'ward'`))[0].n;

describe.skipIf(!haveShared)('the import page detects the level from the file', () => {
  const head = (f: string) => fs.readFileSync(f).subarray(0, 65536).toString('utf8');
  it('reads ONS code fields from GeoJSON properties and CSV headers', () => {
    expect(detectFromHead(head(WARDS))).toEqual({ code: 'WD22CD', name: 'WD22NM', level: 'ward' });
    expect(detectFromHead(head(LSOAS))).toEqual({ code: 'LSOA21CD', name: 'LSOA21NM', level: 'lsoa' });
    expect(detectFromHead(head(HACKNEY))).toMatchObject({ code: 'WD24CD', level: 'ward' });
    expect(detectFromHead(head(POPULATION))).toMatchObject({ code: 'LSOA21CD', level: 'lsoa' });
    expect(detectFromHead('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"LAD23CD":"E0900')).toBeNull(); // incomplete
    expect(
      detectFromHead(
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"LAD23CD":"E09000023","LAD23NM":"x"},',
      ),
    ).toEqual({ code: 'LAD23CD', name: 'LAD23NM', level: 'lad' });
    expect(detectFromHead('{"features":[{"properties":{"name":"a \\"}\\" b","id":1}}]}')).toEqual({
      code: undefined,
      name: 'name',
    });
  });

  it('says summaries and progress in words', () => {
    const facts = Object.fromEntries(
      summaryFacts('boundaries', {
        details: {
          level: 'lsoa',
          label: 'Lower layer super output areas',
          added: 175,
          changed: 0,
          unchanged: 0,
          removed: 0,
          areaKm2: 35.153,
          codeField: 'LSOA21CD',
          nameField: 'LSOA21NM',
          crs: 'EPSG:4326',
          source: null,
        },
      }),
    );
    expect(facts).toMatchObject({
      'Area level': 'Lower layer super output areas (lsoa)',
      Areas: '175 new, 0 changed, 0 unchanged, 0 removed',
      'Area covered': '35.15 km²',
      'Codes and names': 'codes from the LSOA21CD property, names from LSOA21NM',
    });
    expect(facts.Source).toMatch(/not stated/);
    const inc = Object.fromEntries(
      summaryFacts('police_uk_street', {
        details: { wardsLoaded: true, dataset: 'police.uk street CSV', categories: ['burglary'] },
      }),
    );
    expect(inc).toEqual({
      Dataset: 'police.uk street CSV',
      Categories: 'burglary',
      Wards: 'incidents assigned to the loaded wards',
    });
    for (const [k, v] of [
      ...summaryFacts('boundaries', { details: { areaKm2: 1, wardsLoaded: true } }),
      ...summaryFacts('police_uk_street', { details: { wardsLoaded: false } }),
    ]) {
      expect(`${k} ${v}`).not.toMatch(/km2|wards loaded|code field|true|false/);
    }
    expect(progressLabel({ status: 'running', phase: 'reading', rows_read: 4000, bytes_read: 1000, bytes_total: 3000 })).toMatch(
      /4,000 rows so far/,
    );
    expect(
      progressLabel({ status: 'running', phase: 'assigning', rows_read: 20512, bytes_read: 3000, bytes_total: 3000 }),
    ).toMatch(/storing rows.*20,512 rows read/);
  });
});

describe.skipIf(!haveShared).each(drivers())('boundary imports keep loaded levels (%s)', (driver) => {
  let db: Db;
  let app: Client;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-replace-'));
  const upload = async (file: string, query = '') => {
    const res = await app.request(`/api/imports?filename=${path.basename(file)}${query}`, {
      method: 'POST',
      body: fs.readFileSync(file),
    });
    expect(res.status).toBe(202);
    return waitForImport(app, (await res.json()).id);
  };
  beforeAll(async () => {
    db = await testDb(driver);
    await resetData(db);
    app = await signedInApp(db, { dataDir, MAX_UPLOAD_MB: 50, BASEMAP_STYLE_URL: undefined });
  });

  it('imports LSOAs with no level given as level lsoa, leaving the 19 wards', async () => {
    expect(await upload(WARDS)).toMatchObject({ status: 'committed', imported: 19 });
    const lsoa = await upload(LSOAS);
    expect(lsoa).toMatchObject({ status: 'committed', imported: 175 });
    expect(lsoa.summary).toMatchObject({
      level: 'lsoa',
      codeField: 'LSOA21CD',
      removed: 0,
      source: 'Office for National Statistics (OGL v3.0)',
    });
    expect(await wardCount(db)).toBe(19);
  });

  it('re-importing the same codes needs no confirmation', async () => {
    expect(await upload(WARDS)).toMatchObject({ status: 'committed', imported: 0, duplicates: 19 });
  });

  it('refuses a ward file with a different set of codes, naming what it would remove, until replace=true', async () => {
    const three = someWards(3);
    const refused = await upload(three);
    expect(refused.status).toBe('failed');
    expect(refused.error.code).toBe('replace_required');
    expect(refused.error.message).toMatch(/16 of them are not in it and would be removed/);
    const removal = pendingRemoval(refused.error)!;
    expect(removal).toMatchObject({ level: 'ward', loaded: 19, in_file: 3, remove_count: 16 });
    expect(removal.remove).toHaveLength(16);
    expect(removal.remove[0]).toEqual({ code: expect.stringMatching(/^E05/), name: expect.any(String) });
    expect(await wardCount(db)).toBe(19); // nothing changed
    // An invalid confirmation value is refused before anything is read.
    expect(
      (await app.request('/api/imports?filename=x.geojson&replace=yes', { method: 'POST', body: fs.readFileSync(three) })).status,
    ).toBe(400);
    const confirmed = await upload(three, '&replace=true');
    expect(confirmed).toMatchObject({ status: 'committed' });
    expect(confirmed.summary.removed).toBe(16);
    expect(await wardCount(db)).toBe(3);
    // The newest row: batch ids restart with each test file's reset, and the audit log is append-only.
    const [audit] = await db.query<{ query: { replace: boolean } }>(
      `SELECT query FROM audit_log WHERE action = 'import' AND resource = $1 ORDER BY id DESC LIMIT 1`,
      [`imports/${confirmed.id}`],
    );
    expect(audit.query.replace).toBe(true);
  });
});

describe.skipIf(!haveShared)('import CLI: --replace', () => {
  const cli = importCli;
  let server: { close(): void } | undefined;
  afterAll(() => server?.close());

  it('without --replace lists the areas and changes nothing; with it replaces them', async () => {
    const db = await testDb('pglite');
    await resetData(db);
    const held = await appHoldingDataDir(db, 'sp-cli-replace-');
    server = held.server;
    const { app, dataDir } = held;
    const analyst = await clientFor(app, db, 'analyst');
    const { token } = await createToken(db, analyst.userId, ['import', 'read'], 'test', null);
    const env = { DATA_DIR: dataDir, SAFERPLACES_TOKEN: token };
    expect((await cli([WARDS], env)).code).toBe(0);
    const two = someWards(2);
    const refused = await cli([two], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/FAILED: .*17 of them are not in it/);
    expect(refused.stderr).toMatch(/Areas at level "ward" that replacing would remove \(17\)/);
    expect(refused.stderr).toMatch(/E0501373\d {2}\S/); // codes with names
    expect(refused.stderr).toMatch(/Run again with --replace/);
    expect(await wardCount(db)).toBe(19);
    const replaced = await cli([two, '--replace', '--json'], env);
    expect(replaced.code).toBe(0);
    expect(JSON.parse(replaced.stdout)).toMatchObject({ status: 'committed', details: { removed: 17 } });
    expect(await wardCount(db)).toBe(2);
  });
});
