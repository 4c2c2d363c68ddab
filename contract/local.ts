// Local administration for the CLIs (`npm run user`, `npm run backup`) while the app holds the embedded
// database: served only in embedded mode, only with the secret from DATA_DIR/lock.json (header
// x-saferplaces-local). Not part of the API document (contract/index.ts ROUTES): a server-mode app does
// not have these routes at all.
import { z } from './zod.js';
import { roleParam } from './capabilities.js';
import { defineRoute, file, json, jsonBody } from './http.js';
import { areaCodesParam, emailParam, tokenFields } from './auth.js';

export const LOCAL_HEADER = 'x-saferplaces-local';

/** One account-administration command (the same for direct database access and this route). */
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

export const localUsers = defineRoute({
  method: 'post',
  path: '/local/users',
  summary: 'Run one `npm run user` command in the app holding the embedded database (data-directory secret)',
  tags: ['local'],
  'x-access': { capability: 'public' },
  request: { body: jsonBody(userCommand) },
  responses: { 200: json(z.record(z.string(), z.unknown()), "The command's printable result") },
});

export const localBackup = defineRoute({
  method: 'get',
  path: '/local/backup',
  summary: 'A snapshot of the embedded database for `npm run backup` (data-directory secret; audited)',
  tags: ['local'],
  'x-access': { capability: 'public' },
  responses: { 200: file('application/gzip', 'The database snapshot') },
});

export const localRoutes = [localUsers, localBackup] as const;
