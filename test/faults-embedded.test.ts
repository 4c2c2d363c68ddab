import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openConfiguredDb } from '../api/db/index.js';
import { createToken, createUser } from '../api/auth/store.js';
import { directoryBytes as dirBytes } from '../api/routes/health.js';
import { embeddedScratch, policeCsv, startApp, until, uploadsLeft } from './helpers/faults.js';
import { uniqueEmail } from './helpers/auth.js';

const WAIT_MS = 300_000;
const ROWS = 150_000;

describe('faults on the embedded database', () => {
  const { dataDir, csv, children, env } = embeddedScratch('sp-kill-');

  it('an app killed mid-import: next start fails the batch, deletes its upload, reclaims space; health reports disk', async () => {
    // An analyst with an import token, made before the app holds the directory.
    const db0 = await openConfiguredDb({ dataDir });
    const user = await createUser(db0, {
      email: uniqueEmail('kill'),
      password: 'correct horse battery staple',
      role: 'analyst',
      createdBy: 'test',
    });
    const { token } = await createToken(db0, user.id, ['import', 'read'], 'kill test', null);
    await db0.close();
    policeCsv(csv, ROWS, 'kill');
    const auth = { authorization: `Bearer ${token}` };

    const sizes: number[] = [];
    for (let round = 1; round <= 2; round++) {
      const app = await startApp(env, WAIT_MS, children);
      if (round === 2) {
        // What the first kill left has been cleaned up by this start.
        expect(uploadsLeft(dataDir)).toEqual([]);
      }
      sizes.push(dirBytes(dataDir));
      const posted = await fetch(`${app.base}/api/imports?filename=big.csv`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'text/csv' },
        body: fs.readFileSync(csv),
      });
      expect(posted.status, await posted.clone().text()).toBe(202);
      // Kill while the rows are being staged: the upload is on disk and the database files are growing. (Not
      // by polling the API: the embedded database has one connection, so a query waits for the import.)
      const pgdata = path.join(dataDir, 'pgdata');
      const base = dirBytes(pgdata);
      await until('the import to be writing rows', WAIT_MS, async () => (dirBytes(pgdata) > base + 8e6 ? true : undefined));
      expect(uploadsLeft(dataDir).length).toBe(1);
      app.p.kill('SIGKILL');
      await new Promise((r) => app.p.once('exit', r));
    }

    const app = await startApp(env, WAIT_MS, children);
    expect(uploadsLeft(dataDir)).toEqual([]);
    const list = (await (await fetch(`${app.base}/api/imports`, { headers: auth })).json()) as {
      imports: { status: string; error: { code: string } | string | null }[];
    };
    const code = (e: { code: string } | string | null) => (typeof e === 'string' ? JSON.parse(e).code : e?.code);
    const killed = list.imports.filter((b) => code(b.error) === 'abandoned');
    expect(killed.length, JSON.stringify(list.imports.map((b) => [b.status, b.error]))).toBe(2);
    for (const b of killed) expect(b.status).toBe('failed');
    expect(list.imports.some((b) => b.status === 'running')).toBe(false);
    const health = (await (await fetch(`${app.base}/api/health`, { headers: auth })).json()) as {
      disk?: { data_dir_bytes?: number; pgdata_bytes?: number; uploads_bytes: number };
    };
    expect(health.disk?.uploads_bytes).toBe(0);
    expect(health.disk?.data_dir_bytes).toBeGreaterThan(0);
    const after = dirBytes(dataDir);
    // Space is reclaimed: two interrupted imports of 150k rows do not keep adding their staged rows.
    console.log(
      `data directory: ${sizes.map((s) => (s / 1e6).toFixed(0)).join(' MB, ')} MB before each import; ${(after / 1e6).toFixed(0)} MB after two kills and a restart`,
    );
    expect(after).toBeLessThan(sizes[1] * 1.25);
    app.p.kill('SIGTERM');
  }, 900_000);
});
