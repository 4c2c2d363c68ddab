// Roles, token scopes and the signed-in principal.
import { z } from 'zod';

export const ROLES = ['admin', 'analyst', 'officer', 'partner'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What each role may do (enforced on the server by `allow(...)` on every route):
 * - admin: users, tokens, settings, the audit log; aggregate maps.
 * - analyst: everything analytical: aggregates, record-level incidents, imports, mappings, exports.
 * - officer: maps and planning; record-level points only within their area (users.area_codes).
 * - partner: aggregates only, small counts suppressed (api/auth/disclosure.ts); never record-level data.
 */
export const ALL_ROLES: readonly Role[] = ROLES;
export const RECORD_LEVEL_ROLES: readonly Role[] = ['analyst', 'officer'];

export const SCOPES = ['read', 'import', 'ingest'] as const;
export type Scope = (typeof SCOPES)[number];

export const roleParam = z.enum(ROLES, { message: `role must be one of ${ROLES.join(', ')}` });
export const scopeParam = z.enum(SCOPES, { message: `scope must be one of ${SCOPES.join(', ')}` });
export const emailParam = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .email('must be an email address');
/** Ward (or other area) codes limiting an officer's record-level view. */
export const areaCodesParam = z.array(z.string().regex(/^[A-Za-z0-9]{1,20}$/, 'area codes are letters and digits')).max(500);
/** A new API token's fields (admin route and `npm run user -- token`). */
export const tokenFields = {
  scopes: z.array(scopeParam).min(1).max(3),
  label: z.string().trim().max(100).optional(),
  days: z.number().int().min(1).max(3650).optional(),
};

export interface User {
  id: number;
  email: string;
  name: string;
  role: Role;
  area_codes: string[] | null;
  demo: boolean;
  disabled_at: string | null;
  created_at: string;
}

export interface Principal {
  user: User;
  via: 'session' | 'token' | 'cli';
  /** Token scopes; sessions have every scope their role allows. */
  scopes: readonly Scope[] | null;
  sessionHash?: string;
  csrf?: string;
  tokenId?: number;
}
