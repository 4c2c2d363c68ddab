// Configuration is parsed once with a schema and a bad value stops the app with a clear message (issue 2);
// migrations run once even when two processes start together on one server database.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../api/config.js';
import { openDb } from '../api/db/index.js';
import { SERVER_URL } from './helpers/db.js';

const run = promisify(execFile);

describe('configuration', () => {
  it('has working defaults', () => {
    const c = parseConfig({});
    expect(c).toMatchObject({
      PORT: 8787,
      HOST: '127.0.0.1',
      DATABASE_URL: undefined,
      TRUST_PROXY: false,
      MAX_UPLOAD_MB: 2048,
      LOG_LEVEL: 'info',
    });
    expect(c.dataDir).toBe(path.resolve('./.saferplaces'));
  });

  it('names every bad variable, what it must be and what it got', () => {
    let err: unknown;
    try {
      parseConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        MAX_UPLOAD_MB: '0',
        SAFERPLACES_TOKEN: 'hunter2',
        TRUST_PROXY: 'yes',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    for (const name of ['PORT', 'DATABASE_URL', 'MAX_UPLOAD_MB', 'SAFERPLACES_TOKEN', 'TRUST_PROXY'])
      expect(msg).toContain(`${name}:`);
    expect(msg).toMatch(/DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL \(got "mysql:\/\/x"\)/);
    // Values that are not secrets are echoed; the token's value is echoed too only because it is invalid.
    expect(msg.split('\n')).toHaveLength(6);
  });

  it('stops the app before it opens anything: exit code 2 and the message on stderr', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-config-'));
    const r = await run(process.execPath, ['--import', 'tsx', 'api/main.ts'], {
      env: { ...process.env, PORT: '99999', DATA_DIR: dataDir, DATABASE_URL: '' },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (e) => ({ code: e.code as number, stderr: e.stderr as string }),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Invalid configuration:\n\s+PORT: .*\(got "99999"\)/);
    // Nothing was created in the data directory.
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });
});

describe.skipIf(!SERVER_URL)('migrations on the PostGIS server', () => {
  it('two processes starting together on an empty database apply each migration once', async () => {
    const name = `sp_migrate_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: SERVER_URL });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name}`);
      const url = new URL(SERVER_URL!);
      url.pathname = `/${name}`;
      const [a, b] = await Promise.all([openDb({ databaseUrl: url.href }), openDb({ databaseUrl: url.href })]);
      try {
        const files = fs.readdirSync('api/db/migrations').filter((f) => /^\d{3}_.*\.sql$/.test(f));
        const rows = await a.query<{ version: number; n: number }>(
          'SELECT version, count(*)::int AS n FROM schema_migrations GROUP BY version ORDER BY version',
        );
        expect(rows).toHaveLength(files.length);
        expect(rows.every((r) => r.n === 1)).toBe(true);
        // Both connections see a working schema.
        expect((await b.query<{ n: number }>('SELECT count(*)::int AS n FROM categories'))[0].n).toBeGreaterThan(0);
      } finally {
        await a.close();
        await b.close();
      }
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
