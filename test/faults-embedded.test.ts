// Faults on the embedded database (issue 15): the app process killed with SIGKILL in the middle of an upload's
// import. On the next start the batch is failed ("abandoned", nothing kept), the upload file it left is
// deleted, the space the interrupted import wrote is reclaimed (VACUUM), and health reports the disk use.
// Measured before the clean-up existed: 6 upload files left after 6 kills and the data directory grown from
// 797 MB to 2,016 MB. Here: two kills in a row, and the data directory may not keep growing. The kills land
// while rows are staged (a temporary table, gone at restart); a kill during the final move into incidents
// (dead rows VACUUM must reclaim) is not timed reliably from outside and is not covered here.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openConfiguredDb } from '../api/db/index.js';
import { createToken, createUser } from '../api/auth/store.js';
import { policeCsv, until } from './helpers/faults.js';
import { uniqueEmail } from './helpers/auth.js';

const WAIT_MS = 300_000;
const ROWS = 150_000;

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

function dirBytes(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) n += dirBytes(p);
    else if (e.isFile()) n += fs.statSync(p).size;
  }
  return n;
}

describe('faults on the embedded database', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-kill-'));
  const csv = path.join(dataDir, '..', `${path.basename(dataDir)}-big.csv`);
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(csv, { force: true });
  });

  async function startApp() {
    const port = await freePort();
    const p = spawn(process.execPath, ['--import', 'tsx', 'api/main.ts'], {
      env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(p);
    let out = '';
    p.stdout!.on('data', (d) => (out += d));
    p.stderr!.on('data', (d) => (out += d));
    const base = `http://127.0.0.1:${port}`;
    await until(`the app to answer /api/health (output so far: ${out.slice(-400)})`, WAIT_MS, async () =>
      (await fetch(`${base}/api/health`)).ok ? true : undefined,
    );
    return { p, base, output: () => out };
  }

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
      const app = await startApp();
      if (round === 2) {
        // What the first kill left has been cleaned up by this start.
        expect(fs.readdirSync(path.join(dataDir, 'uploads')).filter((n) => n.endsWith('.upload'))).toEqual([]);
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
      expect(fs.readdirSync(path.join(dataDir, 'uploads')).filter((n) => n.endsWith('.upload')).length).toBe(1);
      app.p.kill('SIGKILL');
      await new Promise((r) => app.p.once('exit', r));
    }

    const app = await startApp();
    expect(fs.readdirSync(path.join(dataDir, 'uploads')).filter((n) => n.endsWith('.upload'))).toEqual([]);
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
