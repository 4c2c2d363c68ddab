// Roles, token scopes and the signed-in principal.
import { z } from 'zod';

export { ROLES, SCOPES, roleParam, scopeParam, type Role, type Scope } from '../../contract/capabilities.js';
import { CAPABILITIES, type Role, type Scope, scopeParam } from '../../contract/capabilities.js';

/** Every role (routes open to all signed-in users). */
export const ALL_ROLES: readonly Role[] = CAPABILITIES['aggregates.read'];
/** Record-level incident points: analysts, and officers (limited to users.area_codes). */
export const RECORD_LEVEL_ROLES: readonly Role[] = CAPABILITIES['records.read'];

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
