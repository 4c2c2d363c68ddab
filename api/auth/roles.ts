// Roles, token scopes and the signed-in principal.
export { ROLES, SCOPES, roleParam, scopeParam, type Role, type Scope } from '../../contract/capabilities.js';
import { CAPABILITIES, type Role, type Scope } from '../../contract/capabilities.js';
export { areaCodesParam, emailParam, tokenFields } from '../../contract/auth.js';

/** Every role (routes open to all signed-in users). */
export const ALL_ROLES: readonly Role[] = CAPABILITIES['aggregates.read'];
/** Record-level incident points: analysts, and officers (limited to users.area_codes). */
export const RECORD_LEVEL_ROLES: readonly Role[] = CAPABILITIES['records.read'];

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

/** Ward codes an officer's record-level view is limited to (null = no limit). */
export const recordScope = (p: Principal): string[] | null => (p.user.role === 'officer' ? p.user.area_codes : null);
