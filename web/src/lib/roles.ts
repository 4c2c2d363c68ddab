// What the UI offers each role. The server enforces every rule; the UI only leaves out what it would
// refuse (see api/auth/roles.ts).
import type { Role, SessionUser } from '../api/types';
import type { Page } from '../state/url-state';

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

type Who = Pick<SessionUser, 'role'>;

/** Record-level incident points: analysts, and officers (the API limits officers to their wards). */
export const canSeePoints = (u: Who) => u.role === 'analyst' || u.role === 'officer';
export const canImport = (u: Who) => u.role === 'analyst';
export const canExportIncidents = (u: Who) => u.role === 'analyst';
export const isAdmin = (u: Who) => u.role === 'admin';
/** School-journey routes: analysts and officers draw, edit, import, export them and edit term dates. */
export const canEditRoutes = (u: Who) => u.role === 'analyst' || u.role === 'officer';
/** Meetings: analysts and officers present (everyone signed in may follow). */
export const canPresent = (u: Who) => u.role === 'analyst' || u.role === 'officer';
/** Partners get small counts withheld. */
export const seesWithheld = (u: Who) => u.role === 'partner';

/** Pages the role may open. */
export function canOpen(u: Who, page: Page): boolean {
  switch (page) {
    case 'map':
    case 'setup':
    case 'present':
    case 'pack':
    case 'journeys':
      return true;
    case 'import':
      return canImport(u);
    case 'users':
    case 'settings':
    case 'audit':
      return isAdmin(u);
    // Planning and CHB: every role (partners see coverage shares and CHB figures only, small counts withheld).
    case 'planning':
    case 'chb':
      return true;
  }
}

// Planning (issue 6), as api/planning/routes.ts allows it.
/** The intervention register (list, history): everyone but partners. */
export const canReadRegister = (u: Who) => u.role !== 'partner';
/** Create, edit, end and import interventions. */
export const canEditRegister = (u: Who) => u.role === 'analyst' || u.role === 'officer';
/** Delete interventions and add intervention types. */
export const canManageRegister = (u: Who) => u.role === 'analyst';
/** Patrol boxes (and their exports) and outreach sites. */
export const canPlan = (u: Who) => u.role === 'analyst' || u.role === 'officer';
/** Create and delete Clear-Hold-Build areas. */
export const canManageChb = (u: Who) => u.role === 'analyst';

/** The label of the incident-points layer toggle for the user. */
export function pointsLayerLabel(u: Pick<SessionUser, 'role' | 'area_codes'>): string {
  if (u.role === 'officer' && u.area_codes?.length) {
    return `Incident points (your ${u.area_codes.length === 1 ? 'ward' : `${u.area_codes.length} wards`})`;
  }
  return 'Incident points';
}
