// Sign-in limits under concurrency (issue 15): the check and the count are atomic, so parallel wrong
// passwords cannot get more password checks than the limit allows, and failures with made-up emails
// from one address never lock a known account's correct password out. Both drivers.
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/app.js';
import { LOGIN_MAX_PER_ACCOUNT, LOGIN_MAX_PER_ADDRESS } from '../api/auth/routes.js';
import { passwordChecks } from '../api/auth/secrets.js';
import { createUser } from '../api/auth/store.js';
import type { Db } from '../api/db/index.js';
import { signIn, TEST_PASSWORD, uniqueEmail } from './helpers/auth.js';
import { drivers, testDb } from './helpers/db.js';

const CONFIG = { dataDir: '/nonexistent', MAX_UPLOAD_MB: 1, BASEMAP_STYLE_URL: undefined, TRUST_PROXY: true };
const WRONG = 'not the password at all';

describe.each(drivers())('sign-in limits under concurrency (%s)', (driver) => {
  let db: Db;
  let app: ReturnType<typeof createApp>;
  const from = (ip: string) => ({ 'x-forwarded-for': ip });
  const account = async (role: 'admin' | 'analyst' = 'analyst') => {
    const email = uniqueEmail(role);
    await createUser(db, { email, role, password: TEST_PASSWORD, createdBy: 'test' });
    return email;
  };
  /** Statuses of the requests, and how many password checks they caused. */
  const burst = async (reqs: Array<() => Promise<Response>>) => {
    const before = passwordChecks.count;
    const statuses = (await Promise.all(reqs.map((r) => r()))).map((r) => r.status);
    return { statuses, checks: passwordChecks.count - before };
  };
  const tally = (s: number[]) => s.reduce<Record<number, number>>((m, x) => ((m[x] = (m[x] ?? 0) + 1), m), {});

  beforeAll(async () => {
    db = await testDb(driver);
    app = createApp({ db, config: CONFIG });
  });

  it('60 concurrent wrong passwords for one account: at most 5 are checked, the rest refused', async () => {
    const email = await account();
    const r = await burst(Array.from({ length: 60 }, (_, i) => () => signIn(app, email, WRONG, from(`198.51.100.${i + 1}`))));
    expect(r.checks).toBeLessThanOrEqual(LOGIN_MAX_PER_ACCOUNT);
    expect(tally(r.statuses)).toEqual({ 401: LOGIN_MAX_PER_ACCOUNT, 429: 60 - LOGIN_MAX_PER_ACCOUNT });
    console.log(`${driver}: 60 concurrent wrong passwords -> ${r.checks} password checks`);
  });

  it('a correct password sent among 40 concurrent wrong ones is refused while the account is locked', async () => {
    const email = await account();
    for (let i = 0; i < LOGIN_MAX_PER_ACCOUNT; i++)
      expect((await signIn(app, email, WRONG, from('203.0.113.1'))).status).toBe(401);
    const reqs = Array.from(
      { length: 41 },
      (_, i) => () => signIn(app, email, i === 20 ? TEST_PASSWORD : WRONG, from(`203.0.113.${i + 2}`)),
    );
    const r = await burst(reqs);
    expect(r.checks).toBe(0);
    expect(r.statuses.every((s) => s === 429)).toBe(true);
  });

  it('from a fresh account, 40 concurrent wrong passwords plus the right one: at most 5 checks, and the right one signs in only if it got one of them', async () => {
    const email = await account();
    const reqs = Array.from(
      { length: 41 },
      (_, i) => () => signIn(app, email, i === 40 ? TEST_PASSWORD : WRONG, from(`192.0.2.${i + 1}`)),
    );
    const r = await burst(reqs);
    expect(r.checks).toBeLessThanOrEqual(LOGIN_MAX_PER_ACCOUNT);
    const t = tally(r.statuses);
    expect((t[200] ?? 0) + (t[401] ?? 0)).toBe(r.checks);
  });

  it('failures with made-up emails from one address do not lock a known account out; made-up emails are then refused', async () => {
    const admin = await account('admin');
    const ip = from('192.0.2.250');
    // In parallel, too: the address limit holds.
    const spray = await burst(Array.from({ length: 40 }, () => () => signIn(app, uniqueEmail('ghost'), WRONG, ip)));
    expect(spray.checks).toBeLessThanOrEqual(LOGIN_MAX_PER_ADDRESS);
    expect(tally(spray.statuses)).toEqual({ 401: LOGIN_MAX_PER_ADDRESS, 429: 40 - LOGIN_MAX_PER_ADDRESS });
    expect((await signIn(app, uniqueEmail('ghost'), WRONG, ip)).status).toBe(429);
    // The admin, behind the same address: a typo is checked (and counted for the account), the right password signs in.
    expect((await signIn(app, admin, WRONG, ip)).status).toBe(401);
    expect((await signIn(app, admin, TEST_PASSWORD, ip)).status).toBe(200);
    // The per-account limit still guards the admin from that address.
    for (let i = 0; i < LOGIN_MAX_PER_ACCOUNT; i++) expect((await signIn(app, admin, WRONG, ip)).status).toBe(401);
    expect((await signIn(app, admin, TEST_PASSWORD, ip)).status).toBe(429);
  });
});
