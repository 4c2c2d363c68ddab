// `npm run user`: through the running app (embedded database held by the app) and directly against
// the PostGIS server; the password comes from standard input; tokens are printed once and work.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/app.js';
import { findUser } from '../api/auth/store.js';
import { signIn, uniqueEmail } from './helpers/auth.js';
import { SERVER_URL, testDb } from './helpers/db.js';

function cli(args: string[], env: Record<string, string>, stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'scripts/user.ts', ...args], {
      env: { ...process.env, DATABASE_URL: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    p.stdin.end(stdin);
  });
}

describe('npm run user', () => {
  let server: ReturnType<typeof serve> | undefined;
  afterAll(() => server?.close());

  it('adds an account (password from stdin) and makes a token through the running app', async () => {
    const db = await testDb('pglite');
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-user-'));
    const app = createApp({
      db,
      config: { dataDir, MAX_UPLOAD_MB: 1, BASEMAP_STYLE_URL: undefined },
      localSecret: 'the-lock-secret',
    });
    const port: number = await new Promise((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port));
    });
    fs.writeFileSync(
      path.join(dataDir, 'lock.json'),
      JSON.stringify({ pid: process.pid, owner: 'app', secret: 'the-lock-secret', port, host: '127.0.0.1' }),
    );
    const env = { DATA_DIR: dataDir };
    const email = uniqueEmail('cli');

    const short = await cli(['add', email, '--role', 'analyst'], env, 'short\n');
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/at least 12 characters/);
    const bad = await cli(['add', email, '--role', 'wizard'], env, 'long enough password\n');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/role must be one of admin, analyst, officer, partner/);

    const add = await cli(
      ['add', email, '--role', 'officer', '--area', 'E05013723,E05013724', '--name', 'PC Test'],
      env,
      'long enough password\n',
    );
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    expect(add.stdout).toMatch(new RegExp(`Created officer ${email}`));
    const u = (await findUser(db, { email }))!;
    expect(u).toMatchObject({ role: 'officer', name: 'PC Test', area_codes: ['E05013723', 'E05013724'] });
    expect((await signIn(app, email, 'long enough password')).status).toBe(200);

    const tok = await cli(['token', email, '--scope', 'read', '--json'], env);
    expect(tok.code).toBe(0);
    const { token } = JSON.parse(tok.stdout);
    expect(token).toMatch(/^spt_/);
    const res = await app.request('/api/incidents?limit=1', { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).not.toBe(401);
    expect(res.status).not.toBe(403);

    const [log] = await db.query<{ user_email: string; via: string; action: string }>(
      `SELECT user_email, via, action FROM audit_log WHERE query->>'email' = $1 ORDER BY id LIMIT 1`,
      [email],
    );
    expect(log).toMatchObject({ via: 'cli', action: 'change' });
    expect(log.user_email).toMatch(/^cli:/);
  });

  it.skipIf(!SERVER_URL)('works directly against the PostGIS server', async () => {
    const db = await testDb('postgres');
    const email = uniqueEmail('direct');
    const add = await cli(['add', email, '--role', 'partner'], { DATABASE_URL: SERVER_URL! }, 'long enough password\n');
    expect(add.code).toBe(0);
    expect((await findUser(db, { email }))!.role).toBe('partner');
    const list = await cli(['list', '--json'], { DATABASE_URL: SERVER_URL! });
    expect(JSON.parse(list.stdout).users.some((x: { email: string }) => x.email === email)).toBe(true);
    expect(list.stdout).not.toMatch(/scrypt\$/);
    const dis = await cli(['disable', email], { DATABASE_URL: SERVER_URL! });
    expect(dis.code).toBe(0);
    expect((await findUser(db, { email }))!.disabled_at).not.toBeNull();
  });
});
