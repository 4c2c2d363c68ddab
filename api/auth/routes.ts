// Sign-in, first-run setup, users, API tokens, settings and the audit log.
// The routes are declared in contract/auth.ts.
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { stringify } from 'csv-stringify/sync';
import * as contract from '../../contract/auth.js';
import { capabilitiesOf } from '../../contract/capabilities.js';
import type { Db } from '../db/index.js';
import { ApiError } from '../errors.js';
import { contractRouter, principal, register } from '../routing.js';
import { audit, AUDIT_COLUMNS, searchAudit } from './audit.js';
import { isHttps, SESSION_COOKIE, type AppEnv } from './middleware.js';
import type { User } from './roles.js';
import { verifyPassword } from './secrets.js';
import { demoLoginExists, holdsRealData } from './demo.js';
import { minCount } from './disclosure.js';
import {
  consumeSetupToken,
  createSession,
  createToken,
  createUser,
  findUser,
  listTokens,
  listUsers,
  putSetting,
  revokeSession,
  revokeSessions,
  revokeToken,
  SESSION_HOURS,
  updateUser,
  userCount,
} from './store.js';

export const LOGIN_WINDOW_MINUTES = 15;
export const LOGIN_MAX_PER_ACCOUNT = 5;
export const LOGIN_MAX_PER_ADDRESS = 20;
/** Advisory lock namespace serialising the check-and-count of sign-in attempts per account / address. */
const LOGIN_LOCK = 70002;

/**
 * Count a sign-in attempt as failed *before* its password is checked, if the limit allows one more:
 * the check and the count happen under one advisory lock, so parallel requests cannot all pass the
 * check (they queue on the lock and see each other's rows). A correct password turns its row into a
 * success afterwards, which ends the account's run of failures. Known accounts are limited per account
 * (LOGIN_MAX_PER_ACCOUNT failures since the last success, from any address); unknown emails per
 * address (LOGIN_MAX_PER_ADDRESS failures from it), so failures with made-up emails from one address
 * (behind a proxy without TRUST_PROXY, everyone's) never lock a known account out. Resolves to the
 * attempt's id, or null when refused.
 */
export async function reserveAttempt(db: Db, email: string, ip: string, known: boolean): Promise<number | null> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOGIN_LOCK, known ? `account:${email}` : `address:${ip}`]);
    const [{ n }] = known
      ? await tx.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM login_attempts
          WHERE email = $1 AND NOT ok AND at > now() - make_interval(mins => $2)
            AND at > COALESCE((SELECT max(at) FROM login_attempts WHERE email = $1 AND ok), '-infinity')`,
          [email, LOGIN_WINDOW_MINUTES],
        )
      : await tx.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM login_attempts WHERE ip = $1 AND NOT ok AND at > now() - make_interval(mins => $2)`,
          [ip, LOGIN_WINDOW_MINUTES],
        );
    if (n >= (known ? LOGIN_MAX_PER_ACCOUNT : LOGIN_MAX_PER_ADDRESS)) return null;
    const [{ id }] = await tx.query<{ id: number }>(
      'INSERT INTO login_attempts (email, ip, ok) VALUES ($1, $2, false) RETURNING id',
      [email, ip],
    );
    return id;
  });
}

const publicUser = (u: User) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  area_codes: u.area_codes,
  demo: u.demo,
  disabled: u.disabled_at !== null,
  created_at: u.created_at,
});

export function authRoutes(db: Db, opts: { trustProxy: boolean }) {
  const r = contractRouter();
  const ip = (c: Context<AppEnv>) => c.get('ip');

  const startSession = async (c: Context<AppEnv>, user: User) => {
    // Session fixation: a sign-in always gets a new id; whatever session the browser had ends.
    const old = c.get('principal');
    if (old?.sessionHash) await revokeSession(db, old.sessionHash);
    const s = await createSession(db, user.id, { ip: ip(c), userAgent: c.req.header('user-agent') ?? '' });
    setCookie(c, SESSION_COOKIE, s.id, {
      httpOnly: true,
      secure: isHttps(c, opts.trustProxy),
      sameSite: 'Strict',
      path: '/',
      maxAge: SESSION_HOURS * 3600,
    });
    return { user: publicUser(user), csrf: s.csrf, capabilities: capabilitiesOf(user.role) };
  };

  // ---------- session ----------

  register(r, db, contract.getSession, async (c) => {
    const p = c.get('principal');
    if (!p) return c.json({ user: null, setup_needed: (await userCount(db)) === 0, demo_login: await demoLoginExists(db) }, 200);
    return c.json({ user: publicUser(p.user), via: p.via, csrf: p.csrf ?? null, capabilities: capabilitiesOf(p.user.role) }, 200);
  });

  register(r, db, contract.signIn, async (c) => {
    const b = c.req.valid('json');
    const failed = (outcome: string) =>
      audit(db, { email: b.email, via: 'anonymous' }, ip(c), { action: 'login_failed', resource: 'session', outcome });
    const user = await findUser(db, { email: b.email });
    const attempt = await reserveAttempt(db, b.email, ip(c), user !== null);
    if (attempt === null) {
      await failed('rate_limited');
      c.header('retry-after', String(LOGIN_WINDOW_MINUTES * 60));
      throw new ApiError(429, 'rate_limited', `Too many failed sign-ins. Try again in ${LOGIN_WINDOW_MINUTES} minutes.`);
    }
    const ok = (await verifyPassword(b.password, user?.password_hash ?? null)) && user !== null && user.disabled_at === null;
    if (ok) await db.query('UPDATE login_attempts SET ok = true WHERE id = $1', [attempt]);
    if (!ok || !user) {
      await failed('bad_credentials');
      throw new ApiError(401, 'bad_credentials', 'Wrong email or password.');
    }
    if (user.demo && (await holdsRealData(db))) {
      await failed('demo_account_with_real_data');
      throw new ApiError(
        403,
        'demo_disabled',
        'The demo account only works on a database that holds nothing but the synthetic demo.',
      );
    }
    const { password_hash: _, ...clean } = user;
    const out = await startSession(c, clean);
    await audit(db, { user: clean, via: 'session', scopes: null }, ip(c), { action: 'login', resource: 'session' });
    return c.json(out, 200);
  });

  register(r, db, contract.signOut, async (c) => {
    const p = principal(c);
    if (p.sessionHash) await revokeSession(db, p.sessionHash);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    await audit(db, p, ip(c), { action: 'logout', resource: 'session' });
    return c.json({ ok: true as const }, 200);
  });

  register(r, db, contract.signOutEverywhere, async (c) => {
    const p = principal(c);
    const n = await revokeSessions(db, p.user.id);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    await audit(db, p, ip(c), { action: 'logout', resource: 'session/all', recordCount: n });
    return c.json({ ok: true as const, revoked: n }, 200);
  });

  // Change one's own password (the current one is required); every other session of the account ends.
  register(r, db, contract.changePassword, async (c) => {
    const p = principal(c);
    if (p.via !== 'session') throw new ApiError(403, 'forbidden', 'Sign in with a password to change it.');
    const b = c.req.valid('json');
    const user = await findUser(db, { id: p.user.id });
    if (!user || !(await verifyPassword(b.current, user.password_hash))) {
      await audit(db, p, ip(c), { action: 'change', resource: 'session/password', outcome: 'bad_credentials' });
      throw new ApiError(400, 'bad_credentials', 'The current password is wrong.');
    }
    await updateUser(db, p.user.id, { password: b.new }); // ends every session, this one included
    await audit(db, p, ip(c), { action: 'change', resource: 'session/password' });
    return c.json(await startSession(c, user), 200); // a fresh session for this browser
  });

  // ---------- first-run setup ----------

  register(r, db, contract.getSetup, async (c) => c.json({ needed: (await userCount(db)) === 0 }, 200));

  register(r, db, contract.setup, async (c) => {
    const b = c.req.valid('json');
    if (b.analyst_email !== undefined && b.analyst_email === b.email) {
      throw new ApiError(400, 'invalid_body', 'The analyst account needs its own email address (e.g. you+analyst@example.org).', [
        { path: 'analyst_email', message: 'same as the administrator email' },
      ]);
    }
    const { admin: user, analyst } = await db.transaction(async (tx) => {
      if ((await userCount(tx)) > 0)
        throw new ApiError(409, 'already_set_up', 'An administrator already exists; sign in instead.');
      if (!(await consumeSetupToken(tx, b.token)))
        throw new ApiError(
          403,
          'bad_setup_token',
          'The setup link is not valid (used, expired or mistyped). Restart the app for a new one.',
        );
      const admin = await createUser(tx, {
        email: b.email,
        name: b.name,
        role: 'admin',
        password: b.password,
        createdBy: 'setup',
      });
      const analyst = b.analyst_email
        ? await createUser(tx, {
            email: b.analyst_email,
            name: b.name,
            role: 'analyst',
            password: b.password,
            createdBy: 'setup',
          })
        : null;
      return { admin, analyst };
    });
    await audit(db, { user, via: 'session', scopes: null }, ip(c), {
      action: 'setup',
      resource: 'users',
      query: { email: user.email, role: 'admin' },
    });
    if (analyst)
      await audit(db, { user, via: 'session', scopes: null }, ip(c), {
        action: 'setup',
        resource: 'users',
        query: { email: analyst.email, role: 'analyst' },
      });
    // Signed in as the account that can load data when there is one, so the next step is the Import page.
    return c.json({ ...(await startSession(c, analyst ?? user)), admin_email: user.email }, 201);
  });

  // ---------- users (admin) ----------

  register(r, db, contract.listUsers, async (c) => c.json({ users: (await listUsers(db)).map(publicUser) }, 200));

  register(r, db, contract.addUser, async (c) => {
    const p = principal(c);
    const b = c.req.valid('json');
    const u = await createUser(db, {
      email: b.email,
      name: b.name,
      role: b.role,
      password: b.password ?? null,
      areaCodes: b.area_codes ?? null,
      createdBy: p.user.email,
    });
    await audit(db, p, ip(c), {
      action: 'change',
      resource: 'users',
      query: { op: 'add', email: u.email, role: u.role, area_codes: u.area_codes },
    });
    return c.json(publicUser(u), 201);
  });

  register(r, db, contract.updateUser, async (c) => {
    const p = principal(c);
    const { id } = c.req.valid('param');
    const b = c.req.valid('json');
    if (id === p.user.id && (b.disabled || (b.role && b.role !== 'admin'))) {
      throw new ApiError(400, 'self_lockout', 'You cannot disable yourself or remove your own admin role.');
    }
    const u = await updateUser(db, id, {
      name: b.name,
      role: b.role,
      areaCodes: b.area_codes,
      disabled: b.disabled,
      password: b.password,
    });
    const { password: _, ...logged } = b;
    await audit(db, p, ip(c), {
      action: 'change',
      resource: `users/${id}`,
      query: { op: 'update', ...logged, password_changed: b.password !== undefined },
    });
    return c.json(publicUser(u), 200);
  });

  register(r, db, contract.revokeUserSessions, async (c) => {
    const p = principal(c);
    const { id } = c.req.valid('param');
    if (!(await findUser(db, { id }))) throw new ApiError(404, 'not_found', `No user ${id}.`);
    const n = await revokeSessions(db, id);
    await audit(db, p, ip(c), { action: 'change', resource: `users/${id}`, query: { op: 'revoke_sessions' }, recordCount: n });
    return c.json({ revoked: n }, 200);
  });

  // ---------- API tokens (admin) ----------

  register(r, db, contract.listTokens, async (c) => c.json({ tokens: await listTokens(db) }, 200));

  register(r, db, contract.createToken, async (c) => {
    const p = principal(c);
    const { id } = c.req.valid('param');
    const b = c.req.valid('json');
    if (!(await findUser(db, { id }))) throw new ApiError(404, 'not_found', `No user ${id}.`);
    const t = await createToken(db, id, b.scopes, b.label ?? null, b.days ?? null);
    await audit(db, p, ip(c), {
      action: 'change',
      resource: `users/${id}/tokens`,
      query: { op: 'create_token', id: t.id, scopes: t.scopes },
    });
    return c.json(t, 201); // the only time the token is shown
  });

  register(r, db, contract.revokeToken, async (c) => {
    const p = principal(c);
    const { id } = c.req.valid('param');
    if (!(await revokeToken(db, id))) throw new ApiError(404, 'not_found', `No token ${id}.`);
    await audit(db, p, ip(c), { action: 'change', resource: `tokens/${id}`, query: { op: 'revoke_token' } });
    return c.json({ revoked: true as const }, 200);
  });

  // ---------- settings (admin) ----------

  register(r, db, contract.getSettings, async (c) => c.json({ partner_min_count: await minCount(db) }, 200));

  register(r, db, contract.putSettings, async (c) => {
    const p = principal(c);
    const b = c.req.valid('json');
    await putSetting(db, 'partner_min_count', b.partner_min_count, p.user.email);
    await audit(db, p, ip(c), { action: 'change', resource: 'settings', query: b });
    return c.json(b, 200);
  });

  // ---------- audit log (admin) ----------

  register(r, db, contract.searchAudit, async (c) => {
    const q = c.req.valid('query');
    const out = await searchAudit(db, q);
    await audit(db, principal(c), ip(c), { action: 'view_audit', resource: 'audit', query: q, recordCount: out.rows.length });
    return c.json(out, 200);
  });

  // For the Information Commissioner: CSV of the matching entries, itself logged with purpose and recipient.
  register(r, db, contract.exportAudit, async (c) => {
    const p = principal(c);
    const b = c.req.valid('json');
    const { purpose, recipient, ...filter } = b;
    const out = await searchAudit(db, { ...filter, limit: 1_000_000, offset: 0 });
    await audit(db, p, ip(c), {
      action: 'export',
      resource: 'audit',
      query: filter,
      recordCount: out.rows.length,
      purpose,
      recipient,
    });
    const csv = stringify(
      out.rows.map((row) =>
        AUDIT_COLUMNS.map((k) => {
          const v = (row as Record<string, unknown>)[k];
          return v !== null && typeof v === 'object' && !(v instanceof Date)
            ? JSON.stringify(v)
            : v instanceof Date
              ? v.toISOString()
              : v;
        }),
      ),
      { header: true, columns: [...AUDIT_COLUMNS] },
    );
    return c.body(csv, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="saferplaces-audit-${new Date().toISOString().slice(0, 10)}.csv"`,
    });
  });

  return r;
}
