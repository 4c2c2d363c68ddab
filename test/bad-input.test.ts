// The bad-input corpus (issue 15, scripts/bad-input-corpus.ts): every file through the real importer on each
// driver, and a sample through POST /api/imports and the import CLI; the database's row counts are compared
// before and after each import (a failed import changes nothing; a committed one adds only what it should).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../api/auth/store.js';
import type { Db } from '../api/db/index.js';
import { importFile, type ImportSummary } from '../api/imports/index.js';
import {
  BASE_POPULATION_CSV,
  baseWardsGeoJson,
  CORPUS_TABLES,
  writeCorpus,
  type CorpusCase,
  type CorpusTable,
} from '../scripts/bad-input-corpus.js';
import { clientFor, signedInApp, type Client } from './helpers/auth.js';
import { appHoldingDataDir, importCli } from './helpers/cli.js';
import { drivers, resetData, testDb } from './helpers/db.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-bad-input-'));
const cases = writeCorpus(dir);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

type Counts = Record<CorpusTable, number>;
async function counts(db: Db): Promise<Counts> {
  const [r] = await db.query<Counts>(`SELECT ${CORPUS_TABLES.map((t) => `(SELECT count(*)::int FROM ${t}) AS ${t}`).join(', ')}`);
  return r;
}

/** What an import gave, whichever way it went (importFile, the API, the CLI). */
interface Outcome {
  status: string;
  code?: string;
  message?: string;
  line?: number;
  rejected: number;
  rejectCodes?: string[];
  rejectLines?: number[];
  reasons: string[];
  details?: Record<string, unknown>;
}

const fromSummary = (s: ImportSummary): Outcome => ({
  status: s.status,
  code: s.error?.code,
  message: s.error?.message,
  line: s.error?.line,
  rejected: s.rejected,
  rejectCodes: s.rejects.map((r) => r.code),
  rejectLines: s.rejects.map((r) => r.line),
  reasons: s.rejects.map((r) => r.reason),
  details: s.details,
});

/** The differences between what a case expects and what happened ([] when none). */
function problems(c: CorpusCase, o: Outcome, before: Counts, after: Counts, ms?: number): string[] {
  const e = c.expected;
  const out: string[] = [];
  const check = (what: string, f: () => void) => {
    try {
      f();
    } catch (err) {
      out.push(`${c.name}: ${what}: ${(err as Error).message.split('\n')[0]}`);
    }
  };
  check('status', () => expect(`${o.status} ${o.code ?? ''} ${o.message ?? ''}`).toMatch(new RegExp(`^${e.status}`)));
  if (e.code) check('code', () => expect(o.code).toBe(e.code));
  if (e.line) check('line', () => expect(o.line).toBe(e.line));
  if (e.message) check('message', () => expect([o.message ?? '', ...o.reasons].join(' | ')).toMatch(e.message!));
  if (e.status === 'failed') check('message length', () => expect((o.message ?? '').length).toBeGreaterThan(15));
  if (e.rejects) {
    check('rejects', () => expect(o.rejected).toBeGreaterThanOrEqual(e.rejects!.min));
    check('rejects', () => expect(o.rejected).toBeLessThanOrEqual(e.rejects!.max));
    if (e.rejects.codes && o.rejectCodes)
      for (const code of e.rejects.codes) check('reject code', () => expect(o.rejectCodes).toContain(code));
    if (e.rejects.lines && o.rejectLines) check('reject lines', () => expect(o.rejectLines).toEqual(e.rejects!.lines));
  }
  if (e.details && o.details) check('details', () => expect(o.details).toMatchObject(e.details!));
  const added = e.status === 'failed' ? {} : (e.added ?? {});
  for (const t of CORPUS_TABLES) check(`rows added to ${t}`, () => expect(after[t] - before[t]).toBe(added[t] ?? 0));
  if (e.maxMs && ms !== undefined) check('time', () => expect(ms).toBeLessThan(e.maxMs!));
  return out;
}

/** A varied sample for the slower paths: every case of some categories, and a spread of the rest. */
const sample = (every: number, offset: number) =>
  cases.filter(
    (c, i) =>
      i % every === offset || ['puk-lone-quote-line-1001', 'geo-18-of-19-null', 'puk-1000-rows-then-8mb-nul'].includes(c.name),
  );

async function setUp(db: Db) {
  await resetData(db);
  await db.exec('DELETE FROM journey_sites; DELETE FROM coverage;');
  const wards = path.join(dir, 'base-wards.geojson');
  fs.writeFileSync(wards, baseWardsGeoJson());
  const s = await importFile(db, wards);
  if (s.status !== 'committed') throw new Error(`base wards: ${s.error?.message}`);
  const population = path.join(dir, 'base-population.csv');
  fs.writeFileSync(population, BASE_POPULATION_CSV);
  const p = await importFile(db, population, { level: 'ward' });
  if (p.status !== 'committed') throw new Error(`base population: ${p.error?.message}`);
}

it('the corpus has at least 150 files, each with an expected outcome', () => {
  expect(cases.length).toBeGreaterThanOrEqual(150);
  const cats = new Set(cases.map((c) => c.category));
  expect(cats.size).toBeGreaterThanOrEqual(10);
  for (const c of cases) expect(fs.existsSync(c.file), c.name).toBe(true);
});

describe.each(drivers())('bad input corpus (%s)', (driver) => {
  let db: Db;
  beforeAll(async () => {
    db = await testDb(driver);
  });

  it('every file through importFile gets its expected outcome; failed imports change nothing', async () => {
    await setUp(db);
    const found: string[] = [];
    for (const c of cases) {
      const before = await counts(db);
      const t0 = performance.now();
      const s = await importFile(db, c.file, c.opts);
      const ms = performance.now() - t0;
      found.push(...problems(c, fromSummary(s), before, await counts(db), ms));
      if (!s.error?.code && s.status === 'failed') found.push(`${c.name}: failed without a code`);
      if (s.error?.code === 'internal') found.push(`${c.name}: internal error`);
    }
    expect(found).toEqual([]);
  }, 900_000);

  it('a sample through POST /api/imports gives the same outcomes', async () => {
    await setUp(db);
    const app = await signedInApp(db, {
      dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'sp-bad-api-')),
      MAX_UPLOAD_MB: 100,
      BASEMAP_STYLE_URL: undefined,
    });
    const found: string[] = [];
    const picked = sample(8, 3);
    expect(picked.length).toBeGreaterThanOrEqual(20);
    for (const c of picked) {
      const before = await counts(db);
      const o = await viaApi(app, c);
      found.push(
        ...problems(
          { ...c, expected: { ...c.expected, code: c.expected.apiCode ?? c.expected.code } },
          o,
          before,
          await counts(db),
        ),
      );
    }
    expect(found).toEqual([]);
  }, 900_000);

  it('a sample through the import CLI gives the same outcomes', async () => {
    await setUp(db);
    const held = await appHoldingDataDir(db, 'sp-bad-cli-');
    try {
      const analyst = await clientFor(held.app, db, 'analyst');
      const t = await createToken(db, analyst.userId, ['import', 'read'], 'test', null);
      const found: string[] = [];
      const picked = sample(16, 5);
      expect(picked.length).toBeGreaterThanOrEqual(10);
      for (const c of picked) {
        const before = await counts(db);
        const r = await importCli([c.file, '--json', ...cliArgs(c)], { DATA_DIR: held.dataDir, SAFERPLACES_TOKEN: t.token });
        let o: Outcome;
        try {
          const j = JSON.parse(r.stdout);
          o = {
            status: j.status,
            code: j.error?.code,
            message: j.error?.message,
            line: j.error?.line,
            rejected: j.rejected,
            reasons: (j.rejects ?? []).map((x: { reason: string }) => x.reason),
            details: j.details,
          };
        } catch {
          // Refused at once by the app (the first bytes): only the message on stderr.
          o = { status: 'failed', message: r.stderr, rejected: 0, reasons: [] };
        }
        found.push(
          ...problems(
            {
              ...c,
              expected: {
                ...c.expected,
                code: undefined,
                line: undefined,
                rejects: c.expected.rejects && { min: c.expected.rejects.min, max: c.expected.rejects.max },
              },
            },
            o,
            before,
            await counts(db),
          ),
        );
        if ((r.code === 0) !== (c.expected.status === 'committed')) found.push(`${c.name}: CLI exit code ${r.code}`);
      }
      expect(found).toEqual([]);
    } finally {
      held.server.close();
    }
  }, 900_000);
});

function cliArgs(c: CorpusCase): string[] {
  const o = c.opts;
  const a: string[] = [];
  if (o.kind) a.push('--kind', o.kind);
  if (o.level) a.push('--level', o.level);
  if (o.codeField) a.push('--code-field', o.codeField);
  if (o.crs) a.push('--crs', o.crs);
  if (o.object) a.push('--object', o.object);
  if (typeof o.mapping === 'string') a.push('--mapping', o.mapping);
  if (o.replace) a.push('--replace');
  return a;
}

async function viaApi(app: Client, c: CorpusCase): Promise<Outcome> {
  const o = c.opts;
  const q = new URLSearchParams({ filename: path.basename(c.file) });
  const params: Record<string, string | undefined> = {
    kind: o.kind,
    level: o.level,
    code_field: o.codeField,
    crs: o.crs,
    object: o.object,
    mapping: typeof o.mapping === 'string' ? o.mapping : undefined,
    replace: o.replace ? 'true' : undefined,
  };
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
  const res = await app.request(`/api/imports?${q}`, { method: 'POST', body: fs.readFileSync(c.file) });
  const body = await res.json();
  if (res.status === 400)
    return { status: 'failed', code: body.error.code, message: body.error.message, rejected: 0, reasons: [] };
  expect(res.status, `${c.name}: ${JSON.stringify(body)}`).toBe(202);
  for (let i = 0; i < 1200; i++) {
    const b = await (await app.request(`/api/imports/${body.id}`)).json();
    if (b.status === 'committed' || b.status === 'failed') {
      const rej = await (await app.request(`/api/imports/${body.id}/rejects?limit=100`)).json();
      return {
        status: b.status,
        code: b.error?.code,
        message: b.error?.message,
        line: b.error?.line,
        rejected: b.rejected,
        rejectLines: (rej.rejects as { line: number }[]).map((r) => r.line),
        reasons: (rej.rejects as { reason: string }[]).map((r) => r.reason),
        details: b.summary,
      };
    }
    await new Promise((r) => setTimeout(r, 100)); // polling a background job
  }
  throw new Error(`${c.name}: import ${body.id} did not finish`);
}
