// Response shapes of the Saferplaces API, as the web UI uses them. (Aggregates, coverage, imports, open data,
// exports and health: their types come from the contract, contract/*.ts.)

export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export type Role = 'admin' | 'analyst' | 'officer' | 'partner';
export const ROLES: readonly Role[] = ['admin', 'analyst', 'officer', 'partner'];

export interface SessionUser {
  id: number;
  email: string;
  name: string;
  role: Role;
  /** Officers: ward codes where incident points are shown (null = the whole study area). */
  area_codes: string[] | null;
  demo: boolean;
  disabled: boolean;
  created_at: string;
}

export type SessionResponse =
  | { user: null; setup_needed: boolean; demo_login?: boolean }
  | { user: SessionUser; via: 'session' | 'token' | 'cli'; csrf: string | null };

// ---------- administration ----------

export interface ApiToken {
  id: number;
  user_id: number;
  email: string;
  prefix: string;
  scopes: string[];
  label: string | null;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
}

export interface NewToken {
  id: number;
  prefix: string;
  scopes: string[];
  label: string | null;
  created_at: string;
  expires_at: string | null;
  /** Shown once; only its hash is stored. */
  token: string;
}

export const TOKEN_SCOPES = ['read', 'import', 'ingest'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export interface Settings {
  partner_min_count: number;
}

export const AUDIT_ACTIONS = ['view_records', 'export', 'import', 'change', 'login', 'login_failed', 'logout', 'setup', 'view_audit'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditRow {
  id: number | string;
  at: string;
  user_id: number | null;
  user_email: string | null;
  role: string | null;
  via: string;
  action: string;
  resource: string;
  query: unknown;
  record_count: number | null;
  purpose: string | null;
  recipient: string | null;
  ip: string | null;
  outcome: string;
}

export interface AuditPage {
  total: number;
  rows: AuditRow[];
}
