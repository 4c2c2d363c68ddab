// Sign-in, first-run setup, users, API tokens, settings and the audit log (api/auth/routes.ts).
import { z } from './zod.js';
import { CAPABILITY_NAMES, ROLES, roleParam, scopeParam, SCOPES } from './capabilities.js';
import { defineRoute, file, json, jsonBody, noQuery } from './http.js';
import { exportStatement } from './params.js';

export const emailParam = z.string().trim().toLowerCase().max(254).email('must be an email address');
/** Ward (or other area) codes limiting an officer's record-level view. */
export const areaCodesParam = z.array(z.string().regex(/^[A-Za-z0-9]{1,20}$/, 'area codes are letters and digits')).max(500);
/** A new API token's fields (admin route and `npm run user -- token`). */
export const tokenFields = {
  scopes: z.array(scopeParam).min(1).max(3),
  label: z.string().trim().max(100).optional(),
  days: z.number().int().min(1).max(3650).optional(),
};

/** What the s62 audit log records (api/auth/audit.ts). */
export const AUDIT_ACTIONS = [
  'view_records', // record-level data shown (incident points, import rejects)
  'export', // a file leaves the system (with purpose and recipient)
  'import',
  'change', // users, tokens, settings, mappings
  'login',
  'login_failed',
  'logout',
  'setup',
  'view_audit',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** A user id in the path: a positive 32-bit integer. */
export const idPath = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,9}$/, 'must be a positive integer')
    .transform(Number)
    .pipe(z.number().max(2 ** 31 - 1, 'must be a positive integer')),
});

// ---------- request bodies ----------

const password = z.string().min(1).max(1000);
export const loginBody = z.strictObject({ email: emailParam, password });
export const passwordBody = z.strictObject({ current: password, new: password });
export const setupBody = z.strictObject({
  token: z.string().min(10).max(200),
  email: emailParam,
  password,
  name: z.string().trim().max(200).optional(),
  // "I will also analyse data": a paired analyst account, same password, created in the same step (one
  // role per account keeps administration and record-level access apart in the audit log).
  analyst_email: emailParam.optional(),
});
const areaCodes = areaCodesParam.nullable();
export const newUserBody = z.strictObject({
  email: emailParam,
  name: z.string().trim().max(200).optional(),
  role: roleParam,
  password: password.optional(),
  area_codes: areaCodes.optional(),
});
export const patchUserBody = z
  .strictObject({
    name: z.string().trim().max(200).optional(),
    role: roleParam.optional(),
    password: password.optional(),
    area_codes: areaCodes.optional(),
    disabled: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');
export const tokenBody = z.strictObject(tokenFields);
export const settingsBody = z.strictObject({ partner_min_count: z.number().int().min(2).max(100) });
const auditFilter = {
  from: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  to: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  user: emailParam.optional(),
  action: z.enum(AUDIT_ACTIONS).optional(),
  q: z.string().max(200).optional(),
};
export const auditQuery = z.strictObject({
  ...auditFilter,
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});
export const auditExportBody = z.strictObject({ ...auditFilter, ...exportStatement });

// ---------- responses ----------

/** A user account as the API shows it (never its password hash). */
export const PublicUser = z.object({
  id: z.number().int(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  /** Officers: ward codes where incident points are shown (null = the whole study area). */
  area_codes: z.array(z.string()).nullable(),
  demo: z.boolean(),
  disabled: z.boolean(),
  created_at: z.string(),
});
export type PublicUser = z.output<typeof PublicUser>;

const capabilities = z.array(
  z.enum(CAPABILITY_NAMES as [(typeof CAPABILITY_NAMES)[number], ...(typeof CAPABILITY_NAMES)[number][]]),
);

/** A new session (sign-in, setup, password change): the user, the CSRF token and what the user may do. */
export const SignedIn = z.object({ user: PublicUser, csrf: z.string(), capabilities });
export type SignedIn = z.output<typeof SignedIn>;

export const SessionAnswer = z.union([
  z.object({ user: z.null(), setup_needed: z.boolean(), demo_login: z.boolean() }),
  z.object({ user: PublicUser, via: z.enum(['session', 'token', 'cli']), csrf: z.string().nullable(), capabilities }),
]);
export type SessionAnswer = z.output<typeof SessionAnswer>;

export const ApiToken = z.object({
  id: z.number().int(),
  user_id: z.number().int(),
  email: z.string(),
  prefix: z.string(),
  scopes: z.array(z.enum(SCOPES)),
  label: z.string().nullable(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  expires_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});
export type ApiToken = z.output<typeof ApiToken>;

export const NewToken = z.object({
  id: z.number().int(),
  prefix: z.string(),
  scopes: z.array(z.enum(SCOPES)),
  label: z.string().nullable(),
  created_at: z.string(),
  expires_at: z.string().nullable(),
  /** Shown once; only its hash is stored. */
  token: z.string(),
});
export type NewToken = z.output<typeof NewToken>;

export const Settings = settingsBody;
export type Settings = z.output<typeof Settings>;

export const AuditRow = z.object({
  id: z.union([z.number(), z.string()]),
  at: z.string(),
  user_id: z.number().int().nullable(),
  user_email: z.string().nullable(),
  role: z.string().nullable(),
  via: z.string(),
  action: z.string(),
  resource: z.string(),
  query: z.unknown(),
  record_count: z.number().nullable(),
  purpose: z.string().nullable(),
  recipient: z.string().nullable(),
  ip: z.string().nullable(),
  outcome: z.string(),
});
export type AuditRow = z.output<typeof AuditRow>;
export const AuditPage = z.object({ total: z.number().int(), rows: z.array(AuditRow) });
export type AuditPage = z.output<typeof AuditPage>;

// ---------- routes ----------

const own = { kind: 'no-counts', reason: "one's own session: who is signed in, no counts" } as const;
const tags = ['auth'];

export const getSession = defineRoute({
  method: 'get',
  path: '/session',
  summary: 'Who is signed in (with what they may do), or whether first-run setup is needed',
  tags,
  'x-access': { capability: 'public' },
  request: { query: noQuery },
  responses: { 200: json(SessionAnswer, 'The signed-in user and capabilities, or `user: null`') },
});

export const signIn = defineRoute({
  method: 'post',
  path: '/session',
  summary: 'Sign in with email and password (sets the session cookie)',
  tags,
  'x-access': { capability: 'public' },
  request: { body: jsonBody(loginBody) },
  responses: { 200: json(SignedIn, 'The new session') },
});

export const signOut = defineRoute({
  method: 'delete',
  path: '/session',
  summary: 'Sign out (this session)',
  tags,
  'x-access': { capability: 'session', partner: own },
  responses: { 200: json(z.object({ ok: z.literal(true) }), 'Signed out') },
});

export const signOutEverywhere = defineRoute({
  method: 'post',
  path: '/session/revoke-all',
  summary: "Sign out everywhere: every session of one's account",
  tags,
  'x-access': { capability: 'session', partner: own },
  responses: { 200: json(z.object({ ok: z.literal(true), revoked: z.number().int() }), 'How many sessions ended') },
});

export const changePassword = defineRoute({
  method: 'post',
  path: '/session/password',
  summary: "Change one's own password (every other session ends; this browser gets a new one)",
  tags,
  'x-access': { capability: 'session', partner: own },
  request: { body: jsonBody(passwordBody) },
  responses: { 200: json(SignedIn, 'A fresh session') },
});

export const getSetup = defineRoute({
  method: 'get',
  path: '/setup',
  summary: 'Whether first-run setup is needed (no account yet)',
  tags,
  'x-access': { capability: 'public' },
  request: { query: noQuery },
  responses: { 200: json(z.object({ needed: z.boolean() }), 'Setup needed or not') },
});

export const setup = defineRoute({
  method: 'post',
  path: '/setup',
  summary: 'Create the first administrator (and optionally a paired analyst) with the setup token',
  tags,
  'x-access': { capability: 'public' },
  request: { body: jsonBody(setupBody) },
  responses: { 201: json(SignedIn.extend({ admin_email: z.string() }), 'Signed in (as the analyst when one was made)') },
});

export const listUsers = defineRoute({
  method: 'get',
  path: '/users',
  summary: 'Every account',
  tags,
  'x-access': { capability: 'admin' },
  request: { query: noQuery },
  responses: { 200: json(z.object({ users: z.array(PublicUser) }), 'Accounts by email') },
});

export const addUser = defineRoute({
  method: 'post',
  path: '/users',
  summary: 'Add an account (audited)',
  tags,
  'x-access': { capability: 'admin' },
  request: { body: jsonBody(newUserBody) },
  responses: { 201: json(PublicUser, 'The new account') },
});

export const updateUser = defineRoute({
  method: 'patch',
  path: '/users/{id}',
  summary: "Change an account's name, role, password, wards or disabled state (audited)",
  tags,
  'x-access': { capability: 'admin' },
  request: { params: idPath, body: jsonBody(patchUserBody) },
  responses: { 200: json(PublicUser, 'The account') },
});

export const revokeUserSessions = defineRoute({
  method: 'post',
  path: '/users/{id}/revoke-sessions',
  summary: 'End every session of an account (audited)',
  tags,
  'x-access': { capability: 'admin' },
  request: { params: idPath },
  responses: { 200: json(z.object({ revoked: z.number().int() }), 'How many sessions ended') },
});

export const listTokens = defineRoute({
  method: 'get',
  path: '/tokens',
  summary: 'Every API token (never the secret)',
  tags,
  'x-access': { capability: 'admin' },
  request: { query: noQuery },
  responses: { 200: json(z.object({ tokens: z.array(ApiToken) }), 'Tokens by id') },
});

export const createToken = defineRoute({
  method: 'post',
  path: '/users/{id}/tokens',
  summary: 'Create an API token for an account (audited; the token is shown once)',
  tags,
  'x-access': { capability: 'admin' },
  request: { params: idPath, body: jsonBody(tokenBody) },
  responses: { 201: json(NewToken, 'The token, shown this once') },
});

export const revokeToken = defineRoute({
  method: 'delete',
  path: '/tokens/{id}',
  summary: 'Revoke an API token (audited)',
  tags,
  'x-access': { capability: 'admin' },
  request: { params: idPath },
  responses: { 200: json(z.object({ revoked: z.literal(true) }), 'Revoked') },
});

export const getSettings = defineRoute({
  method: 'get',
  path: '/settings',
  summary: "Settings: the partners' disclosure threshold",
  tags,
  'x-access': { capability: 'admin' },
  request: { query: noQuery },
  responses: { 200: json(Settings, 'The settings') },
});

export const putSettings = defineRoute({
  method: 'put',
  path: '/settings',
  summary: 'Change the settings (audited)',
  tags,
  'x-access': { capability: 'admin' },
  request: { body: jsonBody(settingsBody) },
  responses: { 200: json(Settings, 'The saved settings') },
});

export const searchAudit = defineRoute({
  method: 'get',
  path: '/audit',
  summary: 'Search the audit log (itself audited)',
  tags,
  'x-access': { capability: 'admin' },
  request: { query: auditQuery },
  responses: { 200: json(AuditPage, 'Matching entries, newest first, and how many match') },
});

export const exportAudit = defineRoute({
  method: 'post',
  path: '/audit/export',
  summary: 'The matching audit entries as CSV, with purpose and recipient (itself audited)',
  tags,
  'x-access': { capability: 'admin' },
  request: { body: jsonBody(auditExportBody) },
  responses: { 200: file('text/csv', 'The entries as CSV') },
});

export const authRoutes = [
  getSession,
  signIn,
  signOut,
  signOutEverywhere,
  changePassword,
  getSetup,
  setup,
  listUsers,
  addUser,
  updateUser,
  revokeUserSessions,
  listTokens,
  createToken,
  revokeToken,
  getSettings,
  putSettings,
  searchAudit,
  exportAudit,
] as const;
