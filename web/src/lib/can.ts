// What the UI offers the signed-in user: questions asked of the capabilities the server sent with the
// session (GET /api/session, from contract/capabilities.ts). The server enforces every rule; the UI only
// leaves out what it would refuse.
import type { PublicUser } from '../../../contract/auth';
import type { Capability } from '../../../contract/capabilities';
import type { Page } from '../state/url-state';

/** A session as far as these questions go. */
export interface Capable {
  capabilities: readonly Capability[];
}

/** May the session do this? */
export function can(session: Capable, capability: Capability): boolean {
  return session.capabilities.includes(capability);
}

/** Counts below the disclosure threshold are withheld from this session's answers (partners). */
export const seesWithheld = (session: Capable) => !can(session, 'counts.all');

/** Pages the session may open. */
export function canOpen(session: Capable, page: Page): boolean {
  switch (page) {
    case 'import':
      return can(session, 'imports.write');
    case 'knox':
      return can(session, 'records.read');
    case 'users':
    case 'settings':
    case 'audit':
      return can(session, 'admin');
    // Every other page: every role (partners see coverage shares and CHB figures only, small counts withheld).
    default:
      return true;
  }
}

/** The label of the incident-points layer toggle for the user. */
export function pointsLayerLabel(u: Pick<PublicUser, 'role' | 'area_codes'>): string {
  if (u.role === 'officer' && u.area_codes?.length) {
    return `Incident points (your ${u.area_codes.length === 1 ? 'ward' : `${u.area_codes.length} wards`})`;
  }
  return 'Incident points';
}
