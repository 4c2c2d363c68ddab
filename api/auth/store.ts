// Accounts, sessions, API tokens and setup tokens in the database. Every value is a $n parameter.
import type { Queryable } from '../db/index.js';
import { ApiError } from '../errors.js';
import { hashPassword, newSecret, PASSWORD_MAX, PASSWORD_MIN, sha256 } from './secrets.js';
import type { Role, Scope, User } from './roles.js';
import type { ApiToken } from '../../contract/auth.js';

const USER_COLUMNS = 'id, email, name, role, area_codes, demo, disabled_at, created_at';
/** USER_COLUMNS qualified with `u.`, for queries that join users as u. */
const U_USER_COLUMNS = USER_COLUMNS.split(', ')
  .map((c) => `u.${c}`)
  .join(', ');

export const SESSION_HOURS = 12; // absolute lifetime
export const SESSION_IDLE_MINUTES = 120; // signed out after this long without a request
export const SETUP_TOKEN_HOURS = 24;

export function checkPassword(pw: string) {
  if (pw.length < PASSWORD_MIN) throw new ApiError(400, 'weak_password', `Passwords have at least ${PASSWORD_MIN} characters.`);
  if (pw.length > PASSWORD_MAX) throw new ApiError(400, 'weak_password', `Passwords have at most ${PASSWORD_MAX} characters.`);
}

export async function userCount(db: Queryable): Promise<number> {
  const [r] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users WHERE NOT demo');
  return r.n;
}

export async function findUser(
  db: Queryable,
  by: { id?: number; email?: string },
): Promise<(User & { password_hash: string | null }) | null> {
  const [u] =
    by.id !== undefined
      ? await db.query<User & { password_hash: string | null }>(
          `SELECT ${USER_COLUMNS}, password_hash FROM users WHERE id = $1`,
          [by.id],
        )
      : await db.query<User & { password_hash: string | null }>(
          `SELECT ${USER_COLUMNS}, password_hash FROM users WHERE email = $1`,
          [by.email],
        );
  return u ?? null;
}

export async function createUser(
  db: Queryable,
  u: {
    email: string;
    name?: string;
    role: Role;
    password?: string | null;
    areaCodes?: string[] | null;
    demo?: boolean;
    createdBy: string;
  },
): Promise<User> {
  if (u.password != null) checkPassword(u.password);
  const hash = u.password != null ? await hashPassword(u.password) : null;
  const rows = await db.query<User>(
    `INSERT INTO users (email, name, role, password_hash, area_codes, demo, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (email) DO NOTHING RETURNING ${USER_COLUMNS}`,
    [u.email, u.name ?? '', u.role, hash, u.areaCodes ?? null, u.demo ?? false, u.createdBy],
  );
  if (!rows.length) throw new ApiError(409, 'exists', `There is already an account for ${u.email}.`);
  return rows[0];
}

export async function updateUser(
  db: Queryable,
  id: number,
  patch: { name?: string; role?: Role; areaCodes?: string[] | null; disabled?: boolean; password?: string },
): Promise<User> {
  if (patch.password !== undefined) checkPassword(patch.password);
  const hash = patch.password !== undefined ? await hashPassword(patch.password) : null;
  const rows = await db.query<User>(
    `UPDATE users SET
       name = COALESCE($2, name),
       role = COALESCE($3, role),
       area_codes = CASE WHEN $4::boolean THEN $5::text[] ELSE area_codes END,
       disabled_at = CASE WHEN $6::boolean IS NULL THEN disabled_at WHEN $6 THEN COALESCE(disabled_at, now()) ELSE NULL END,
       password_hash = COALESCE($7, password_hash)
     WHERE id = $1 RETURNING ${USER_COLUMNS}`,
    [
      id,
      patch.name ?? null,
      patch.role ?? null,
      patch.areaCodes !== undefined,
      patch.areaCodes ?? null,
      patch.disabled ?? null,
      hash,
    ],
  );
  if (!rows.length) throw new ApiError(404, 'not_found', `No user ${id}.`);
  // A disabled account, a new role or a new password ends every session and token use at once.
  if (patch.disabled || patch.role !== undefined || patch.password !== undefined) await revokeSessions(db, id);
  if (patch.disabled) await db.query('UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [id]);
  return rows[0];
}

export async function listUsers(db: Queryable): Promise<User[]> {
  return db.query<User>(`SELECT ${USER_COLUMNS} FROM users ORDER BY email`);
}

// ---------- sessions ----------

export async function createSession(db: Queryable, userId: number, meta: { ip: string; userAgent: string }) {
  const id = newSecret('sps');
  const csrf = newSecret('csrf', 24);
  await db.query(
    `INSERT INTO sessions (id_hash, user_id, csrf_token, expires_at, ip, user_agent)
     VALUES ($1, $2, $3, now() + make_interval(hours => $4), $5, $6)`,
    [sha256(id), userId, csrf, SESSION_HOURS, meta.ip, meta.userAgent.slice(0, 300)],
  );
  return { id, csrf };
}

/**
 * How often a request writes sessions.last_seen_at / api_tokens.last_used_at: at most once per this many
 * seconds per session or token (a burst of GETs makes one write, not one commit each). Idle expiry reads
 * last_seen_at, so a session may be signed out up to this long before SESSION_IDLE_MINUTES of real
 * idleness; it is never kept alive longer.
 */
export const TOUCH_SECONDS = 60;

/**
 * The live session for a cookie value (and its user), touching last_seen (throttled: TOUCH_SECONDS); null if
 * expired, idle, revoked or disabled. One statement: the UPDATE runs only when the last touch is older than
 * TOUCH_SECONDS, so most requests read and write nothing.
 */
export async function sessionUser(db: Queryable, cookie: string) {
  const rows = await db.query<User & { csrf_token: string; id_hash: string }>(
    `WITH live AS (
       SELECT ${U_USER_COLUMNS}, s.csrf_token, s.id_hash
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
          AND s.last_seen_at > now() - make_interval(mins => $2) AND u.disabled_at IS NULL
     ), touched AS (
       UPDATE sessions s SET last_seen_at = now() FROM live
        WHERE s.id_hash = live.id_hash AND s.last_seen_at <= now() - make_interval(secs => $3)
     )
     SELECT ${USER_COLUMNS}, csrf_token, id_hash FROM live`,
    [sha256(cookie), SESSION_IDLE_MINUTES, TOUCH_SECONDS],
  );
  return rows[0] ?? null;
}

export async function revokeSession(db: Queryable, idHash: string) {
  await db.query('UPDATE sessions SET revoked_at = now() WHERE id_hash = $1 AND revoked_at IS NULL', [idHash]);
}

/** Sign out everywhere: every session of the user. Returns how many were live. */
export async function revokeSessions(db: Queryable, userId: number): Promise<number> {
  const rows = await db.query('UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL RETURNING 1', [
    userId,
  ]);
  return rows.length;
}

// ---------- API tokens ----------

export async function createToken(db: Queryable, userId: number, scopes: Scope[], label: string | null, days: number | null) {
  const token = newSecret('spt');
  const [row] = await db.query<{
    id: number;
    prefix: string;
    scopes: Scope[];
    label: string | null;
    created_at: string;
    expires_at: string | null;
  }>(
    `INSERT INTO api_tokens (user_id, token_hash, prefix, scopes, label, expires_at)
     VALUES ($1, $2, $3, $4, $5, CASE WHEN $6::int IS NULL THEN NULL ELSE now() + make_interval(days => $6::int) END)
     RETURNING id, prefix, scopes, label, created_at, expires_at`,
    [userId, sha256(token), token.slice(0, 10), [...new Set(scopes)], label, days],
  );
  return { ...row, token };
}

/** The live token's user, touching last_used_at at most once per TOUCH_SECONDS (as sessionUser). */
export async function tokenUser(db: Queryable, token: string) {
  const rows = await db.query<User & { token_id: number; scopes: Scope[] }>(
    `WITH live AS (
       SELECT ${U_USER_COLUMNS}, t.id AS token_id, t.scopes
         FROM api_tokens t JOIN users u ON u.id = t.user_id
        WHERE t.token_hash = $1 AND t.revoked_at IS NULL
          AND (t.expires_at IS NULL OR t.expires_at > now()) AND u.disabled_at IS NULL
     ), touched AS (
       UPDATE api_tokens t SET last_used_at = now() FROM live
        WHERE t.id = live.token_id AND (t.last_used_at IS NULL OR t.last_used_at <= now() - make_interval(secs => $2))
     )
     SELECT ${USER_COLUMNS}, token_id, scopes FROM live`,
    [sha256(token), TOUCH_SECONDS],
  );
  return rows[0] ?? null;
}

export async function listTokens(db: Queryable, userId?: number): Promise<ApiToken[]> {
  return db.query<ApiToken>(
    `SELECT t.id, t.user_id, u.email, t.prefix, t.scopes, t.label, t.created_at, t.last_used_at, t.expires_at, t.revoked_at
       FROM api_tokens t JOIN users u ON u.id = t.user_id
      WHERE $1::int IS NULL OR t.user_id = $1 ORDER BY t.id`,
    [userId ?? null],
  );
}

export async function revokeToken(db: Queryable, id: number): Promise<boolean> {
  const rows = await db.query('UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 RETURNING 1', [id]);
  return rows.length > 0;
}

// ---------- first-run setup ----------

/** A one-time setup token for creating the first admin; only while no (non-demo) account exists. */
export async function createSetupToken(db: Queryable): Promise<string | null> {
  if ((await userCount(db)) > 0) return null;
  const token = newSecret('setup', 24);
  await db.query(`INSERT INTO setup_tokens (token_hash, expires_at) VALUES ($1, now() + make_interval(hours => $2))`, [
    sha256(token),
    SETUP_TOKEN_HOURS,
  ]);
  return token;
}

/** Marks the setup token used; true if it was valid and unused. */
export async function consumeSetupToken(db: Queryable, token: string): Promise<boolean> {
  const rows = await db.query(
    'UPDATE setup_tokens SET used_at = now() WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING 1',
    [sha256(token)],
  );
  return rows.length > 0;
}

// ---------- settings ----------

export async function getSetting<T>(db: Queryable, key: string, fallback: T): Promise<T> {
  const [r] = await db.query<{ value: T }>('SELECT value FROM settings WHERE key = $1', [key]);
  return r ? r.value : fallback;
}

export async function putSetting(db: Queryable, key: string, value: unknown, by: string) {
  await db.query(
    `INSERT INTO settings (key, value, updated_by) VALUES ($1, $2::jsonb, $3)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now(), updated_by = EXCLUDED.updated_by`,
    [key, JSON.stringify(value), by],
  );
}
