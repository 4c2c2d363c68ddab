// Account administration shared by `npm run user` (direct database access, or through the running
// app's local endpoint when the app holds the embedded database) — one implementation for both.
import type { MiddlewareHandler } from 'hono';
import * as contract from '../../contract/local.js';
import type { Db } from '../db/index.js';
import { ApiError } from '../errors.js';
import { contractRouter, register } from '../routing.js';
import { audit } from './audit.js';
import type { AppEnv } from './middleware.js';
import { safeEqual } from './secrets.js';
import {
  createSetupToken,
  createToken,
  createUser,
  findUser,
  listTokens,
  listUsers,
  revokeSessions,
  revokeToken,
  updateUser,
} from './store.js';

export { LOCAL_HEADER, userCommand, type UserCommand } from '../../contract/local.js';
type UserCommand = contract.UserCommand;

async function userId(db: Db, email: string) {
  const u = await findUser(db, { email });
  if (!u) throw new ApiError(404, 'not_found', `No account for ${email}.`);
  return u.id;
}

/** Runs one administration command; the result is printable JSON. Logged in the audit trail as via=cli. */
export async function runUserCommand(db: Db, cmd: UserCommand, actor: string) {
  const who = { email: actor, via: 'cli' as const };
  const log = (query: unknown) => audit(db, who, null, { action: 'change', resource: 'users', query });
  switch (cmd.command) {
    case 'add': {
      const u = await createUser(db, {
        email: cmd.email,
        role: cmd.role,
        name: cmd.name,
        password: cmd.password ?? null,
        areaCodes: cmd.area_codes ?? null,
        createdBy: actor,
      });
      await log({ op: 'add', email: u.email, role: u.role, area_codes: u.area_codes });
      return { user: { id: u.id, email: u.email, role: u.role, name: u.name, area_codes: u.area_codes } };
    }
    case 'token': {
      const id = await userId(db, cmd.email);
      const t = await createToken(db, id, cmd.scopes, cmd.label ?? null, cmd.days ?? null);
      await log({ op: 'create_token', email: cmd.email, id: t.id, scopes: t.scopes });
      return { token: t.token, id: t.id, scopes: t.scopes, expires_at: t.expires_at };
    }
    case 'list':
      return { users: await listUsers(db), tokens: await listTokens(db) };
    case 'disable':
    case 'enable': {
      const u = await updateUser(db, await userId(db, cmd.email), { disabled: cmd.command === 'disable' });
      await log({ op: cmd.command, email: u.email });
      return { email: u.email, disabled: u.disabled_at !== null };
    }
    case 'password': {
      const u = await updateUser(db, await userId(db, cmd.email), { password: cmd.password });
      await log({ op: 'password', email: u.email });
      return { email: u.email, password_changed: true };
    }
    case 'sign-out': {
      const n = await revokeSessions(db, await userId(db, cmd.email));
      await log({ op: 'sign_out', email: cmd.email });
      return { email: cmd.email, sessions_revoked: n };
    }
    case 'revoke-token': {
      if (!(await revokeToken(db, cmd.id))) throw new ApiError(404, 'not_found', `No token ${cmd.id}.`);
      await log({ op: 'revoke_token', id: cmd.id });
      return { id: cmd.id, revoked: true };
    }
    case 'setup-link': {
      const token = await createSetupToken(db);
      if (!token) throw new ApiError(409, 'already_set_up', 'Accounts exist already; an admin adds users.');
      return { setup_token: token };
    }
  }
}

/**
 * POST /api/local/users: the same commands for `npm run user` while the app holds the embedded
 * database. Only with the secret from DATA_DIR/lock.json (mode 0600): whoever can read it can read the
 * database files anyway. Without a local secret (server mode) the routes do not exist.
 */
export function localAdminRoutes(db: Db, localSecret: string | undefined) {
  const r = contractRouter();
  if (!localSecret) return r;
  // The secret is checked before anything else (the body is read only for the holder of the secret).
  const secret: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (!safeEqual(c.req.header(contract.LOCAL_HEADER) ?? '', localSecret))
      throw new ApiError(403, 'forbidden', 'Local administration needs the secret from the data directory.');
    await next();
  };
  r.use('/local/*', secret);
  const actor = (h: string | undefined) => h?.slice(0, 100) || 'cli';
  register(r, db, contract.localUsers, async (c) =>
    c.json(await runUserCommand(db, c.req.valid('json'), actor(c.req.header('x-saferplaces-actor'))), 200),
  );
  // `npm run backup` while the app holds the embedded database: the snapshot is taken in this process.
  register(r, db, contract.localBackup, async (c) => {
    if (!db.snapshot)
      throw new ApiError(400, 'not_embedded', 'A server database is backed up with pg_dump (npm run backup uses it).');
    const blob = await db.snapshot();
    await audit(db, { email: actor(c.req.header('x-saferplaces-actor')), via: 'cli' }, null, {
      action: 'export',
      resource: 'backup',
      recordCount: null,
      purpose: 'backup',
      recipient: 'local file',
    });
    return c.body(await blob.arrayBuffer(), 200, { 'content-type': 'application/gzip' });
  });
  return r;
}
