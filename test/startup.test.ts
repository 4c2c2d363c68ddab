// Start-up (issue 13): the web app is built only when its sources changed, and a database problem at start
// names the cause and the fix, keeping PostgreSQL's DETAIL and HINT.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { explainDbError } from '../api/db/startup-errors.js';
import { buildReason, buildServer, serverBuildReason, serverSourceHash, webSourceHash } from '../scripts/start.mjs';
import { SERVER_URL } from './helpers/db.js';

/** Runs `tsx api/main.ts` until it exits; resolves to its exit code and output. */
function startApp(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'api/main.ts'], { env: { ...process.env, PORT: '18991', ...env } });
    let out = '';
    p.stdout.on('data', (b) => (out += b));
    p.stderr.on('data', (b) => (out += b));
    p.on('exit', (code) => resolve({ code, out }));
  });
}

describe('database problems at start', () => {
  it('explains each cause with its fix and keeps DETAIL and HINT', () => {
    const url = 'postgres://sp:secret@db.example:5433/saferplaces';
    const missing = explainDbError({ code: '3D000', message: 'database "saferplaces" does not exist' }, url);
    expect(missing).toMatch(/The database "saferplaces" does not exist on the PostgreSQL server at db\.example:5433/);
    expect(missing).toMatch(/createdb -h db\.example -U sp saferplaces/);
    expect(missing).not.toMatch(/secret/);
    const postgis = explainDbError(
      {
        code: '0A000',
        message: 'extension "postgis" is not available',
        detail:
          'Could not open extension control file "/usr/share/postgresql/15/extension/postgis.control": No such file or directory.',
        hint: 'The extension must first be installed on the system where PostgreSQL is running.',
      },
      url,
    );
    expect(postgis).toMatch(/PostGIS is not installed/);
    expect(postgis).toMatch(/install postgresql-15-postgis-3/);
    expect(postgis).toMatch(/DETAIL: Could not open extension control file/);
    expect(postgis).toMatch(/HINT: The extension must first be installed/);
    const rights = explainDbError(
      {
        code: '42501',
        message: 'permission denied to create extension "postgis"',
        hint: 'Must be superuser to create this extension.',
      },
      url,
    );
    expect(rights).toMatch(/The role "sp" may not create the PostGIS extension in database "saferplaces"/);
    expect(rights).toMatch(/CREATE EXTENSION postgis/);
    expect(rights).toMatch(/HINT: Must be superuser/);
    expect(
      explainDbError(
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5999'), { code: 'ECONNREFUSED' }),
        'postgres://x@127.0.0.1:5999/a',
      ),
    ).toMatch(/No PostgreSQL server is accepting connections at 127\.0\.0\.1:5999/);
    expect(explainDbError({ code: 'XX000', message: 'odd', detail: 'd', hint: 'h' })).toBe(
      'The database could not be opened: odd\nDETAIL: d\nHINT: h',
    );
  });

  it.skipIf(!SERVER_URL)(
    'a DATABASE_URL naming a missing database on the local server stops the app with the cause and the fix',
    async () => {
      const u = new URL(SERVER_URL!);
      u.pathname = '/sp_first_missing_database';
      const r = await startApp({ DATABASE_URL: u.toString(), DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'sp-start-')) });
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/Connecting to the PostgreSQL server/);
      expect(r.out).toMatch(/The database "sp_first_missing_database" does not exist/);
      expect(r.out).toMatch(/Fix: Create it: createdb/);
      expect(r.out).toMatch(/PostgreSQL said: database "sp_first_missing_database" does not exist/);
    },
  );
});

describe('npm start builds the web app only when it changed', () => {
  it('compares a hash of web/ and the Vite config with the one stored beside the build', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-build-'));
    fs.mkdirSync(path.join(root, 'web/src'), { recursive: true });
    fs.writeFileSync(path.join(root, 'web/index.html'), '<html></html>');
    fs.writeFileSync(path.join(root, 'web/src/main.tsx'), 'one');
    fs.writeFileSync(path.join(root, 'vite.config.ts'), 'export default {}');
    expect(buildReason(root)).toBe('no build yet');
    fs.mkdirSync(path.join(root, 'dist/web'), { recursive: true });
    fs.writeFileSync(path.join(root, 'dist/web/index.html'), '<html></html>');
    expect(buildReason(root)).toBe('the build has no fingerprint');
    fs.writeFileSync(path.join(root, 'dist/web/.build-hash'), `${webSourceHash(root)}\n`);
    expect(buildReason(root)).toBeNull();
    fs.writeFileSync(path.join(root, 'web/src/main.tsx'), 'two');
    expect(buildReason(root)).toBe('web sources changed since the last build');
    fs.writeFileSync(path.join(root, 'web/src/main.tsx'), 'one');
    expect(buildReason(root)).toBeNull();
    fs.writeFileSync(path.join(root, 'vite.config.ts'), 'export default { base: "/x/" }');
    expect(buildReason(root)).not.toBeNull();
  });
});

describe('npm start rebuilds the server only when api/, geodata/ or contract/ changed', () => {
  it('compares a hash of the server sources with the one stored beside the build', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-sbuild-'));
    for (const d of ['api', 'geodata', 'contract', 'scripts', 'dist/server/api'])
      fs.mkdirSync(path.join(root, d), { recursive: true });
    fs.writeFileSync(path.join(root, 'api/main.ts'), 'one');
    expect(serverBuildReason(root)).toBe('no build yet');
    fs.writeFileSync(path.join(root, 'dist/server/api/main.js'), '');
    expect(serverBuildReason(root)).toBe('the build has no fingerprint');
    fs.writeFileSync(path.join(root, 'dist/server/.build-hash'), `${serverSourceHash(root)}\n`);
    expect(serverBuildReason(root)).toBeNull();
    fs.writeFileSync(path.join(root, 'geodata/x.json'), '{}');
    expect(serverBuildReason(root)).toBe('server sources changed since the last build');
    fs.rmSync(path.join(root, 'geodata/x.json'));
    expect(serverBuildReason(root)).toBeNull();
    fs.writeFileSync(path.join(root, 'web.ts'), 'not the server');
    expect(serverBuildReason(root)).toBeNull();
  });
});

describe('npm start runs the built server (no TypeScript loader at run time)', () => {
  it('transpiles api/, geodata/ and contract/ with their assets, and the built app answers on the embedded database', async () => {
    const root = path.resolve('.');
    // A build folder of this test's own inside the project, so packages resolve from node_modules as for dist/server.
    const out = path.join(root, 'dist', `server-test-${process.pid}`);
    try {
      const n = await buildServer(root, out);
      expect(n).toBeGreaterThan(50);
      for (const f of ['api/main.js', 'api/db/pglite-worker.mjs', 'api/db/migrations/001_core.sql', 'geodata/harm/ons-css.json'])
        expect(fs.existsSync(path.join(out, f)), f).toBe(true);
      expect(fs.existsSync(path.join(out, 'api/main.ts'))).toBe(false);
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-built-'));
      const env = { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, PORT: '18992', HOST: '127.0.0.1' };
      const p = spawn(process.execPath, [path.join(out, 'api/main.js')], { env });
      let log = '';
      p.stdout.on('data', (b) => (log += b));
      p.stderr.on('data', (b) => (log += b));
      try {
        for (let i = 0; i < 600 && !/Saferplaces running at/.test(log) && p.exitCode === null; i++)
          await new Promise((r) => setTimeout(r, 250));
        expect(log).toMatch(/Saferplaces running at/);
        const r = await fetch('http://127.0.0.1:18992/api/health');
        expect(r.status).toBe(200);
        expect(((await r.json()) as { database: { driver: string } }).database.driver).toBe('pglite');
      } finally {
        p.kill('SIGTERM');
        await new Promise((r) => (p.exitCode === null ? p.on('exit', r) : r(null)));
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 240_000);
});
