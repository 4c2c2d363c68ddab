// Accounts, sessions, CSRF, rate limiting, first-run setup, the audit log and hardening, through the
// real app and database (both drivers).
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/app.js';
import { hashPassword, verifyPassword } from '../api/auth/secrets.js';
import { createSetupToken, createUser, findUser } from '../api/auth/store.js';
import { LOGIN_MAX_PER_ACCOUNT, LOGIN_MAX_PER_ADDRESS } from '../api/auth/routes.js';
import type { Db } from '../api/db/index.js';
import { clientFor, sessionCookie, signIn, TEST_PASSWORD, uniqueEmail } from './helpers/auth.js';
import { drivers, resetData, SHARED, testDb } from './helpers/db.js';
import { DEMO_EMAIL, ensureDemoLogin } from '../api/auth/demo.js';
import { importFile } from '../api/imports/index.js';
import fs from 'node:fs';
import { tmpFile } from './helpers/files.js';

const CONFIG = { dataDir: '/nonexistent', MAX_UPLOAD_MB: 1, BASEMAP_STYLE_URL: 'https://tiles.example.test/style.json' };

describe('password hashing', () => {
  it('uses scrypt with a per-hash salt and verifies only the right password', async () => {
    const a = await hashPassword('correct horse battery staple');
    const b = await hashPassword('correct horse battery staple');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery staple', a)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', a)).toBe(false);
    expect(await verifyPassword('anything', null)).toBe(false);
  });
});

describe.each(drivers())('accounts and sessions (%s)', (driver) => {
  let db: Db;
  let app: ReturnType<typeof createApp>;
  const codeOf = async (r: Response) => ((await r.json()) as { error?: { code: string } }).error?.code;

  beforeAll(async () => {
    db = await testDb(driver);
    app = createApp({ db, config: CONFIG });
  });

  it('first run: a one-time setup token creates the first admin, once', async () => {
    await db.exec('DELETE FROM users'); // sessions and tokens go with them
    expect(await (await app.request('/api/session')).json()).toEqual({ user: null, setup_needed: true, demo_login: false });
    const token = (await createSetupToken(db))!;
    const post = (body: unknown) =>
      app.request('/api/setup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const weak = await post({ token, email: 'first@test.invalid', password: 'short' });
    expect([weak.status, await codeOf(weak)]).toEqual([400, 'weak_password']);
    const bad = await post({ token: token + 'x', email: 'first@test.invalid', password: TEST_PASSWORD });
    expect([bad.status, await codeOf(bad)]).toEqual([403, 'bad_setup_token']);
    // The failed attempts above did not use the token up.
    const ok = await post({ token, email: 'First@Test.invalid', password: TEST_PASSWORD, name: 'First Admin' });
    expect(ok.status).toBe(201);
    const body = await ok.json();
    expect(body.user).toMatchObject({ email: 'first@test.invalid', role: 'admin', name: 'First Admin' });
    const cookie = sessionCookie(ok)!;
    const me = await (await app.request('/api/session', { headers: { cookie } })).json();
    expect(me.user.role).toBe('admin');
    const again = await post({ token, email: 'second@test.invalid', password: TEST_PASSWORD });
    expect(again.status).toBe(409);
    expect(await createSetupToken(db)).toBeNull(); // no new links once an account exists
    const [log] = await db.query<{ action: string; user_email: string }>(
      `SELECT action, user_email FROM audit_log WHERE action = 'setup' ORDER BY id DESC LIMIT 1`,
    );
    expect(log).toEqual({ action: 'setup', user_email: 'first@test.invalid' });
  });

  it('first run for one person: "I will also analyse data" adds a paired analyst account and signs in as it', async () => {
    await db.exec('DELETE FROM users');
    const token = (await createSetupToken(db))!;
    const post = (body: unknown) =>
      app.request('/api/setup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const same = await post({ token, email: 'solo@test.invalid', password: TEST_PASSWORD, analyst_email: 'SOLO@test.invalid' });
    expect([same.status, await codeOf(same)]).toEqual([400, 'invalid_body']);
    const bad = await post({ token, email: 'solo@test.invalid', password: TEST_PASSWORD, analyst_email: 'not an email' });
    expect(bad.status).toBe(400);
    const ok = await post({
      token,
      email: 'solo@test.invalid',
      password: TEST_PASSWORD,
      name: 'Solo',
      analyst_email: 'solo+analyst@test.invalid',
    });
    expect(ok.status).toBe(201);
    const body = await ok.json();
    expect(body).toMatchObject({
      user: { email: 'solo+analyst@test.invalid', role: 'analyst' },
      admin_email: 'solo@test.invalid',
    });
    const me = await (await app.request('/api/session', { headers: { cookie: sessionCookie(ok)! } })).json();
    expect(me.user.role).toBe('analyst');
    const users = await db.query<{ email: string; role: string }>('SELECT email, role FROM users ORDER BY email');
    expect(users).toEqual([
      { email: 'solo+analyst@test.invalid', role: 'analyst' },
      { email: 'solo@test.invalid', role: 'admin' },
    ]);
    // Both accounts sign in with the one password.
    expect((await signIn(app, 'solo@test.invalid')).status).toBe(200);
  });

  it('signs in with a new httpOnly, SameSite=Strict cookie; wrong passwords get one vague answer and are logged', async () => {
    const email = uniqueEmail('analyst');
    await createUser(db, { email, role: 'analyst', password: TEST_PASSWORD, createdBy: 'test' });
    const wrong = await signIn(app, email, 'not the password at all');
    expect([wrong.status, await codeOf(wrong)]).toEqual([401, 'bad_credentials']);
    const unknown = await signIn(app, uniqueEmail('ghost'), 'not the password at all');
    expect([unknown.status, await codeOf(unknown)]).toEqual([401, 'bad_credentials']);
    const ok = await signIn(app, email);
    expect(ok.status).toBe(200);
    const set = ok.headers.get('set-cookie')!;
    expect(set).toMatch(/^sp_session=sps_[A-Za-z0-9_-]{43}; /);
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Strict/);
    expect(set).toMatch(/Path=\//);
    expect(set).not.toMatch(/Secure/); // plain http here
    const body = await ok.json();
    expect(JSON.stringify(body)).not.toMatch(/scrypt|password/);
    const rows = await db.query<{ action: string; outcome: string }>(
      'SELECT action, outcome FROM audit_log WHERE user_email = $1 ORDER BY id',
      [email],
    );
    expect(rows).toEqual([
      { action: 'login_failed', outcome: 'bad_credentials' },
      { action: 'login', outcome: 'ok' },
    ]);
    // Sessions are stored as hashes only.
    const cookie = sessionCookie(ok)!.split('=')[1];
    const stored = await db.query<{ id_hash: string }>(
      'SELECT id_hash FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1',
      [email],
    );
    expect(stored).toHaveLength(1);
    expect(stored[0].id_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored[0].id_hash).not.toContain(cookie);
  });

  it('marks the cookie Secure behind an HTTPS proxy it trusts', async () => {
    const behind = createApp({ db, config: { ...CONFIG, TRUST_PROXY: true } });
    const email = uniqueEmail('officer');
    await createUser(db, { email, role: 'officer', password: TEST_PASSWORD, createdBy: 'test' });
    const res = await signIn(behind, email, TEST_PASSWORD, { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' });
    expect(res.headers.get('set-cookie')).toMatch(/; Secure/);
  });

  it('rate-limits sign-in per account and per address', async () => {
    const behind = createApp({ db, config: { ...CONFIG, TRUST_PROXY: true } });
    const email = uniqueEmail('partner');
    await createUser(db, { email, role: 'partner', password: TEST_PASSWORD, createdBy: 'test' });
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    for (let i = 0; i < LOGIN_MAX_PER_ACCOUNT; i++) {
      expect((await signIn(behind, email, 'wrong password here', from(`198.51.100.${i + 1}`))).status).toBe(401);
    }
    // Locked for this account, even with the right password and from a fresh address.
    const locked = await signIn(behind, email, TEST_PASSWORD, from('198.51.100.200'));
    expect([locked.status, await codeOf(locked)]).toEqual([429, 'rate_limited']);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Per address: made-up emails tried from one address are refused after the limit, but a known
    // account's right password from that address still signs in (test/signin-limits.test.ts).
    const ip = from('192.0.2.77');
    for (let i = 0; i < LOGIN_MAX_PER_ADDRESS; i++)
      expect((await signIn(behind, uniqueEmail('spray'), 'wrong password here', ip)).status).toBe(401);
    expect((await signIn(behind, uniqueEmail('spray'), 'wrong password here', ip)).status).toBe(429);
    const other = uniqueEmail('analyst');
    await createUser(db, { email: other, role: 'analyst', password: TEST_PASSWORD, createdBy: 'test' });
    expect((await signIn(behind, other, TEST_PASSWORD, ip)).status).toBe(200);
  });

  it('refuses state-changing requests without the CSRF token or from another origin', async () => {
    const admin = await clientFor(app, db, 'admin');
    const body = JSON.stringify({ partner_min_count: 5 });
    const put = (headers: Record<string, string>) =>
      app.request('/api/settings', {
        method: 'PUT',
        body,
        headers: { cookie: admin.cookie, 'content-type': 'application/json', ...headers },
      });
    const none = await put({});
    expect([none.status, await codeOf(none)]).toEqual([403, 'csrf']);
    const wrong = await put({ 'x-csrf-token': admin.csrf.slice(0, -1) + (admin.csrf.endsWith('A') ? 'B' : 'A') });
    expect([wrong.status, await codeOf(wrong)]).toEqual([403, 'csrf']);
    const cross = await put({ 'x-csrf-token': admin.csrf, origin: 'https://evil.example' });
    expect([cross.status, await codeOf(cross)]).toEqual([403, 'bad_origin']);
    expect((await put({ 'x-csrf-token': admin.csrf, origin: 'http://localhost' })).status).toBe(200);
    // A signed-out login attempt from another origin is refused too (login CSRF).
    const x = await app.request('/api/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ email: admin.email, password: TEST_PASSWORD }),
    });
    expect(x.status).toBe(403);
    // A form post (no JSON content type) cannot sign in.
    const form = await app.request('/api/session', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `email=${admin.email}&password=x`,
    });
    expect(form.status).toBe(415);
  });

  it('gives a new session id at sign-in (no fixation) and ends the old one', async () => {
    const c = await clientFor(app, db, 'analyst');
    // An id planted by an attacker is not honoured, and sign-in does not adopt it.
    const planted = 'sp_session=sps_' + 'A'.repeat(43);
    expect((await app.request('/api/categories', { headers: { cookie: planted } })).status).toBe(401);
    const res = await signIn(app, c.email, TEST_PASSWORD, { cookie: planted });
    expect(sessionCookie(res)).not.toBe(planted);
    // Signing in again from a signed-in browser replaces its session.
    const again = await signIn(app, c.email, TEST_PASSWORD, { cookie: c.cookie });
    const fresh = sessionCookie(again)!;
    expect(fresh).not.toBe(c.cookie);
    expect((await app.request('/api/categories', { headers: { cookie: c.cookie } })).status).toBe(401);
    expect((await app.request('/api/categories', { headers: { cookie: fresh } })).status).toBe(200);
  });

  it('signs out, signs out everywhere, and ends sessions when an admin disables an account or resets a password', async () => {
    const app2 = createApp({ db, config: CONFIG });
    const a = await clientFor(app, db, 'officer');
    const second = await signIn(app2, a.email);
    const secondCookie = sessionCookie(second)!;
    expect((await a.request('/api/session', { method: 'DELETE' })).status).toBe(200);
    expect((await a.request('/api/categories')).status).toBe(401);
    expect((await app.request('/api/categories', { headers: { cookie: secondCookie } })).status).toBe(200);

    const b = await clientFor(app, db, 'analyst');
    const other = sessionCookie(await signIn(app, b.email))!;
    const r = await b.request('/api/session/revoke-all', { method: 'POST' });
    expect((await r.json()).revoked).toBe(2);
    for (const cookie of [b.cookie, other])
      expect((await app.request('/api/categories', { headers: { cookie } })).status).toBe(401);

    const admin = await clientFor(app, db, 'admin');
    const victim = await clientFor(app, db, 'partner');
    const patch = (body: unknown) =>
      admin.request(`/api/users/${victim.userId}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await patch({ disabled: true })).status).toBe(200);
    expect((await victim.request('/api/categories')).status).toBe(401);
    expect((await signIn(app, victim.email)).status).toBe(401);
    expect((await patch({ disabled: false, password: 'a brand new long password' })).status).toBe(200);
    expect((await signIn(app, victim.email, 'a brand new long password')).status).toBe(200);
    // An admin cannot lock themselves out.
    const self = await admin.request(`/api/users/${admin.userId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'analyst' }),
    });
    expect([self.status, await codeOf(self)]).toEqual([400, 'self_lockout']);
  });

  it('lets a user change their own password with the current one, ending their other sessions', async () => {
    const u = await clientFor(app, db, 'officer');
    const other = sessionCookie(await signIn(app, u.email))!;
    const change = (body: unknown) =>
      u.request('/api/session/password', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const wrong = await change({ current: 'not my password at all', new: 'my new long password' });
    expect([wrong.status, await codeOf(wrong)]).toEqual([400, 'bad_credentials']);
    const weak = await change({ current: TEST_PASSWORD, new: 'short' });
    expect([weak.status, await codeOf(weak)]).toEqual([400, 'weak_password']);
    const ok = await change({ current: TEST_PASSWORD, new: 'my new long password' });
    expect(ok.status).toBe(200);
    const fresh = sessionCookie(ok)!;
    for (const cookie of [u.cookie, other])
      expect((await app.request('/api/categories', { headers: { cookie } })).status).toBe(401);
    expect((await app.request('/api/categories', { headers: { cookie: fresh } })).status).toBe(200);
    expect((await signIn(app, u.email)).status).toBe(401);
    expect((await signIn(app, u.email, 'my new long password')).status).toBe(200);
  });

  it('never returns password hashes or token hashes', async () => {
    const admin = await clientFor(app, db, 'admin');
    const created = await admin.request('/api/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: uniqueEmail('new'), role: 'officer', password: TEST_PASSWORD, area_codes: ['E05013723'] }),
    });
    expect(created.status).toBe(201);
    const user = await created.json();
    const tok = await admin.request(`/api/users/${user.id}/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scopes: ['read'] }),
    });
    const t = await tok.json();
    expect(t.token).toMatch(/^spt_/);
    for (const url of ['/api/users', '/api/tokens', '/api/session', '/api/audit?limit=1000']) {
      const text = await (await admin.request(url)).text();
      expect(text, url).not.toMatch(/scrypt\$|password_hash|token_hash|id_hash/);
      expect(text, url).not.toContain(t.token);
    }
    expect(JSON.stringify(user)).not.toMatch(/scrypt|password/);
    expect((await findUser(db, { id: user.id }))!.password_hash).toMatch(/^scrypt\$/);
  });

  it('keeps the audit log append-only, searchable and exportable with a purpose', async () => {
    await expect(db.query(`UPDATE audit_log SET action = 'login' WHERE id = (SELECT max(id) FROM audit_log)`)).rejects.toThrow(
      /append-only/,
    );
    await expect(db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    await expect(db.exec('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
    const admin = await clientFor(app, db, 'admin');
    const search = await (await admin.request(`/api/audit?action=login&user=${encodeURIComponent(admin.email)}`)).json();
    expect(search.total).toBe(1);
    expect(search.rows[0]).toMatchObject({ action: 'login', user_email: admin.email, role: 'admin', via: 'session' });
    const noPurpose = await admin.request('/api/audit/export', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ recipient: 'ICO' }),
    });
    expect(noPurpose.status).toBe(400);
    const exp = await admin.request('/api/audit/export', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ purpose: 'ICO audit request 2026/14', recipient: 'Information Commissioner', user: admin.email }),
    });
    expect(exp.status).toBe(200);
    expect(exp.headers.get('content-type')).toMatch(/text\/csv/);
    const csv = await exp.text();
    expect(csv.split('\n')[0]).toBe(
      'id,at,user_id,user_email,role,via,action,resource,query,record_count,purpose,recipient,ip,outcome',
    );
    expect(csv).toContain(`,${admin.email},admin,session,login,session,`);
    const [logged] = await db.query<{ purpose: string; recipient: string; action: string }>(
      `SELECT action, purpose, recipient FROM audit_log WHERE user_email = $1 ORDER BY id DESC LIMIT 1`,
      [admin.email],
    );
    expect(logged).toEqual({ action: 'export', purpose: 'ICO audit request 2026/14', recipient: 'Information Commissioner' });
  });

  it('rejects malformed, oversized and wrongly typed bodies, and injection attempts, with clean 4xx answers', async () => {
    const admin = await clientFor(app, db, 'admin');
    const json = (url: string, method: string, body: string) =>
      admin.request(url, { method, headers: { 'content-type': 'application/json' }, body });
    const malformed = await json('/api/users', 'POST', '{"email": ');
    expect([malformed.status, await codeOf(malformed)]).toEqual([400, 'bad_json']);
    const big = await json(
      '/api/users',
      'POST',
      JSON.stringify({ email: 'a@b.c', role: 'analyst', name: 'x'.repeat(2 * 1024 * 1024) }),
    );
    expect([big.status, await codeOf(big)]).toEqual([413, 'too_large']);
    const extra = await json('/api/users', 'POST', JSON.stringify({ email: uniqueEmail('x'), role: 'analyst', is_admin: true }));
    expect([extra.status, await codeOf(extra)]).toEqual([400, 'invalid_body']);
    const role = await json('/api/users', 'POST', JSON.stringify({ email: uniqueEmail('x'), role: 'superuser' }));
    expect(role.status).toBe(400);
    const [{ n: before }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
    const attempts: Array<[string, string, string | null]> = [
      ['/api/session', 'POST', JSON.stringify({ email: "x@y.z' OR '1'='1", password: "' OR '1'='1" })],
      ['/api/session', 'POST', JSON.stringify({ email: "admin@test.invalid'--", password: 'x' })],
      ['/api/users', 'POST', JSON.stringify({ email: "a'); DROP TABLE users; --@x.y", role: 'analyst' })],
      ['/api/users/1%20OR%201=1', 'PATCH', JSON.stringify({ name: 'x' })],
      ["/api/audit?user=x'%20OR%201%3D1--", 'GET', null],
      ["/api/audit?action=login'%3B%20DELETE%20FROM%20audit_log%3B--", 'GET', null],
      ["/api/audit?from=2026-01-01'%3B--", 'GET', null],
      ['/api/tokens/1;DROP%20TABLE%20api_tokens', 'DELETE', null],
      ['/api/setup', 'POST', JSON.stringify({ token: "x' OR used_at IS NULL --", email: 'a@b.cd', password: TEST_PASSWORD })],
    ];
    for (const [url, method, body] of attempts) {
      const res = body === null ? await admin.request(url, { method }) : await json(url, method, body);
      expect(res.status, `${method} ${url}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `${method} ${url}`).toBeLessThan(500);
    }
    // The free-text audit search treats the input as text: it matched nothing and broke nothing.
    const q = await (await admin.request("/api/audit?q=%25'%20OR%20'1'%3D'1")).json();
    expect(q.total).toBe(0);
    const [{ n: after }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
    expect(after).toBe(before);
  });

  it.skipIf(!fs.existsSync(SHARED))('the demo login works only while the database holds nothing but the demo', async () => {
    await resetData(db);
    const password = await ensureDemoLogin(db);
    const ok = await signIn(app, DEMO_EMAIL, password);
    expect(ok.status).toBe(200);
    expect((await ok.json()).user).toMatchObject({ role: 'analyst', demo: true });
    const lines =
      fs.readFileSync(`${SHARED}lewisham_burglary_street_2022-03_2025-02.csv`, 'utf8').split('\n').slice(0, 3).join('\n') + '\n';
    expect((await importFile(db, tmpFile('real.csv', lines), {})).status).toBe('committed');
    const refused = await signIn(app, DEMO_EMAIL, password);
    expect([refused.status, await codeOf(refused)]).toEqual([403, 'demo_disabled']);
    await resetData(db);
  });

  it('sends security headers with a strict CSP, and no stack traces on errors', async () => {
    const res = await app.request('/api/health');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("worker-src 'self' blob:");
    expect(csp).toContain('https://tiles.example.test'); // the configured basemap's origin
    expect(csp).not.toContain('unsafe-eval');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    // A database failure inside a handler: a generic 500, nothing internal in the body.
    const broken = createApp({
      db: {
        ...db,
        driver: db.driver,
        query: async (sql: string, params?: unknown[]) => {
          if (/postgis_lib_version/.test(sql)) throw new Error('relation "secret_table" does not exist at /srv/app/x.ts:1');
          return db.query(sql, params);
        },
      } as Db,
      config: CONFIG,
    });
    const err = await broken.request('/api/health');
    expect(err.status).toBe(500);
    const text = await err.text();
    expect(JSON.parse(text)).toEqual({ error: { code: 'internal', message: 'Internal server error' } });
  });
});
