// Administration calls (admin role): users, API tokens, settings and the audit log.
import { getJson, queryString, sendJson, downloadFile } from './client';
import type { ApiToken, AuditPage, NewToken, Role, SessionUser, Settings, TokenScope } from './types';

export interface NewUser {
  email: string;
  name?: string;
  role: Role;
  password?: string;
  area_codes?: string[] | null;
}

export interface UserPatch {
  name?: string;
  role?: Role;
  password?: string;
  area_codes?: string[] | null;
  disabled?: boolean;
}

export interface AuditFilter {
  from?: string;
  to?: string;
  user?: string;
  action?: string;
  q?: string;
}

const clean = (f: AuditFilter): AuditFilter =>
  Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined && v !== '')) as AuditFilter;

export const admin = {
  users: (signal?: AbortSignal) => getJson<{ users: SessionUser[] }>('/api/users', signal),
  addUser: (u: NewUser) => sendJson<SessionUser>('POST', '/api/users', u),
  updateUser: (id: number, patch: UserPatch) => sendJson<SessionUser>('PATCH', `/api/users/${id}`, patch),
  revokeSessions: (id: number) => sendJson<{ revoked: number }>('POST', `/api/users/${id}/revoke-sessions`),
  tokens: (signal?: AbortSignal) => getJson<{ tokens: ApiToken[] }>('/api/tokens', signal),
  createToken: (userId: number, body: { scopes: TokenScope[]; label?: string; days?: number }) => sendJson<NewToken>('POST', `/api/users/${userId}/tokens`, body),
  revokeToken: (id: number) => sendJson<{ revoked: boolean }>('DELETE', `/api/tokens/${id}`),
  settings: (signal?: AbortSignal) => getJson<Settings>('/api/settings', signal),
  putSettings: (s: Settings) => sendJson<Settings>('PUT', '/api/settings', s),
  audit: (f: AuditFilter, limit: number, offset: number, signal?: AbortSignal) =>
    getJson<AuditPage>(`/api/audit${queryString({ ...clean(f), limit, offset })}`, signal),
  exportAudit: (f: AuditFilter, stated: { purpose: string; recipient: string }) =>
    downloadFile('/api/audit/export', { ...clean(f), ...stated }, 'saferplaces-audit.csv'),
};

/** "E05013714, E05013715" or one per line -> codes; empty -> null (no limit). */
export function parseAreaCodes(text: string): string[] | null {
  const codes = text.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);
  return codes.length ? [...new Set(codes)] : null;
}
