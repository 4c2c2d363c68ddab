// Account administration shared by `npm run user` (direct database access, or through the running
// app's local endpoint when the app holds the embedded database) — one implementation for both.
import { Hono } from 'hono';
import { z } from 'zod';
import type { Db } from '../db/index.js';
import { ApiError } from '../errors.js';
import { parseBody } from '../validate.js';
import { audit } from './audit.js';
import type { AppEnv } from './middleware.js';
import { areaCodesParam, emailParam, roleParam, tokenFields } from './roles.js';
import { safeEqual } from './secrets.js';
import { createSetupToken, createToken, createUser, findUser, listTokens, listUsers, revokeSessions, revokeToken, updateUser } from './store.js';

export const userCommand = z.discriminatedUnion('command', [
  z.strictObject({
    command: z.literal('add'),
    email: emailParam,
    role: roleParam,
    name: z.string().trim().max(200).optional(),
    password: z.string().min(1).max(1000).optional(),
    area_codes: areaCodesParam.optional(),
  }),
  z.strictObject({
    command: z.literal('token'),
    email: emailParam,
    ...tokenFields,
  }),
  z.strictObject({ command: z.literal('list') }),
  z.strictObject({ command: z.literal('disable'), email: emailParam }),
  z.strictObject({ command: z.literal('enable'), email: emailParam }),
  z.strictObject({ command: z.literal('password'), email: emailParam, password: z.string().min(1).max(1000) }),
  z.strictObject({ command: z.literal('sign-out'), email: emailParam }),
  z.strictObject({ command: z.literal('revoke-token'), id: z.number().int().min(1) }),
  z.strictObject({ command: z.literal('setup-link') }),
]);
export type UserCommand = z.infer<typeof userCommand>;

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
      const u = await createUser(db, { email: cmd.email, role: cmd.role, name: cmd.name, password: cmd.password ?? null, areaCodes: cmd.area_codes ?? null, createdBy: actor });
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

export const LOCAL_HEADER = 'x-saferplaces-local';

/**
 * POST /api/local/users: the same commands for `npm run user` while the app holds the embedded
 * database. Only with the secret from DATA_DIR/lock.json (mode 0600): whoever can read it can read the
 * database files anyway. Without a local secret (server mode) the route does not exist.
 */
export function localAdminRoutes(db: Db, localSecret: string | undefined) {
  const r = new Hono<AppEnv>();
  if (!localSecret) return r;
  r.post('/local/users', async (c) => {
    const sent = c.req.header(LOCAL_HEADER) ?? '';
    if (!safeEqual(sent, localSecret)) throw new ApiError(403, 'forbidden', 'Local administration needs the secret from the data directory.');
    const cmd = await parseBody(c, userCommand);
    return c.json(await runUserCommand(db, cmd, c.req.header('x-saferplaces-actor')?.slice(0, 100) || 'cli'));
  });
  // `npm run backup` while the app holds the embedded database: the snapshot is taken in this process.
  r.get('/local/backup', async (c) => {
    const sent = c.req.header(LOCAL_HEADER) ?? '';
    if (!safeEqual(sent, localSecret)) throw new ApiError(403, 'forbidden', 'Local administration needs the secret from the data directory.');
    if (!db.snapshot) throw new ApiError(400, 'not_embedded', 'A server database is backed up with pg_dump (npm run backup uses it).');
    const blob = await db.snapshot();
    await audit(db, { email: c.req.header('x-saferplaces-actor')?.slice(0, 100) || 'cli', via: 'cli' }, null, { action: 'export', resource: 'backup', recordCount: null, purpose: 'backup', recipient: 'local file' });
    return c.body(await blob.arrayBuffer(), 200, { 'content-type': 'application/gzip' });
  });
  return r;
}
