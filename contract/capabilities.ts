// Who may do what: the one table the server's route guards read (api/routing.ts) and the UI receives with
// the session (GET /api/session → `capabilities`). The route × role test (test/auth-routes.test.ts) keeps
// its own independent table, so a change here that opens a route shows up there.
import { z } from './zod.js';

export const ROLES = ['admin', 'analyst', 'officer', 'partner'] as const;
export type Role = (typeof ROLES)[number];

export const SCOPES = ['read', 'import', 'ingest'] as const;
export type Scope = (typeof SCOPES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Administrator',
  analyst: 'Analyst',
  officer: 'Officer',
  partner: 'Partner',
};

export const ROLE_HINTS: Record<Role, string> = {
  admin: 'users, tokens, settings, audit log; aggregate maps',
  analyst: 'maps, incident points, imports, exports',
  officer: 'maps; incident points only in their wards',
  partner: 'aggregate maps only; small counts withheld',
};

/**
 * Capability → the roles that have it. Partners appear only where every count they get passes the
 * disclosure rule (api/auth/disclosure.ts); the server refuses to register a route open to partners
 * without its partner mask.
 */
export const CAPABILITIES = {
  /** Aggregate maps, statistics, hotspots, coverage, definitions, meetings (following), the pack, the change feed. */
  'aggregates.read': ['admin', 'analyst', 'officer', 'partner'],
  /** Record-level incident points (officers: only within users.area_codes). */
  'records.read': ['analyst', 'officer'],
  /** Imports, field mappings, open-data fetches, study-area settings. */
  'imports.write': ['analyst'],
  /** Live ingest of incidents (API token with the ingest scope). */
  'incidents.ingest': ['analyst'],
  /** Record-level incident exports. */
  'records.export': ['analyst'],
  /** One's own session: sign out (here or everywhere), change one's password. */
  session: ['admin', 'analyst', 'officer', 'partner'],
  /**
   * Every count as it is, however small. Partners lack it: their answers withhold counts below the
   * disclosure threshold (no route is guarded by it; the UI asks it to say "withheld").
   */
  'counts.all': ['admin', 'analyst', 'officer'],
  /** Users, tokens, settings, the audit log. */
  admin: ['admin'],
  /** Load harm schemes from CSV (POST /harm-schemes; audited). */
  'harm-schemes.write': ['analyst'],
  /** The partnership's serious-violence definition. */
  'definitions.write': ['analyst', 'admin'],
  /** School-journey routes: draw, edit, import, export; term dates. */
  'journeys.write': ['analyst', 'officer'],
  /** Present a meeting (everyone signed in may follow). */
  'meetings.present': ['analyst', 'officer'],
  /** The intervention register: list and history. */
  'register.read': ['analyst', 'officer', 'admin'],
  /** Create, edit, end and import interventions. */
  'register.write': ['analyst', 'officer'],
  /** Delete interventions and add intervention types. */
  'register.manage': ['analyst'],
  /** Patrol boxes (and their exports) and outreach sites. */
  'planning.write': ['analyst', 'officer'],
  /** See which walking network planning distances use. */
  'network.read': ['analyst', 'officer', 'admin'],
  /** Load and remove the walking network. */
  'network.write': ['analyst'],
  /** Create and delete Clear-Hold-Build areas. */
  'chb.manage': ['analyst'],
  /**
   * Published aggregate counts held as they came (MPS ward-level, no points): not for partners, since
   * these counts bypass the small-number rule partners' ward counts pass through.
   */
  'aggregate-counts.read': ['analyst', 'officer', 'admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Capability = keyof typeof CAPABILITIES;
export const CAPABILITY_NAMES = Object.keys(CAPABILITIES) as Capability[];

export function rolesWith(cap: Capability): readonly Role[] {
  return CAPABILITIES[cap];
}

export function hasCapability(role: Role, cap: Capability): boolean {
  return (CAPABILITIES[cap] as readonly Role[]).includes(role);
}

/** Every capability the role has (sent to the UI with the session). */
export function capabilitiesOf(role: Role): Capability[] {
  return CAPABILITY_NAMES.filter((c) => hasCapability(role, c));
}

export const roleParam = z.enum(ROLES, { message: `role must be one of ${ROLES.join(', ')}` });
export const scopeParam = z.enum(SCOPES, { message: `scope must be one of ${SCOPES.join(', ')}` });
export const capabilityParam = z.enum(CAPABILITY_NAMES as [Capability, ...Capability[]]);
