// The s62 audit log (DPA 2018 Part 3): append-only (triggers refuse UPDATE/DELETE/TRUNCATE).
// Everything that consults or discloses record-level data, every export, import, change, sign-in and
// failed sign-in writes one row here.
import type { Queryable } from '../db/index.js';
import type { Principal } from './roles.js';

export { AUDIT_ACTIONS, type AuditAction } from '../../contract/auth.js';
import type { AuditAction, AuditRow } from '../../contract/auth.js';

export interface AuditEntry {
  action: AuditAction;
  resource: string;
  query?: unknown;
  recordCount?: number | null;
  purpose?: string | null;
  recipient?: string | null;
  outcome?: string;
}

export async function audit(
  db: Queryable,
  who: Principal | { email: string | null; via: 'anonymous' | 'system' | 'cli' } | null,
  ip: string | null,
  e: AuditEntry,
) {
  const p = who && 'user' in who ? who : null;
  await db.query(
    `INSERT INTO audit_log (user_id, user_email, role, via, action, resource, query, record_count, purpose, recipient, ip, outcome)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12)`,
    [
      p?.user.id ?? null,
      p ? p.user.email : who && 'email' in who ? who.email : null,
      p?.user.role ?? null,
      p ? p.via : (who?.via ?? 'anonymous'),
      e.action,
      e.resource,
      e.query === undefined ? null : JSON.stringify(e.query),
      e.recordCount ?? null,
      e.purpose ?? null,
      e.recipient ?? null,
      ip,
      e.outcome ?? 'ok',
    ],
  );
}

export interface AuditFilter {
  from?: string;
  to?: string;
  user?: string;
  action?: AuditAction;
  q?: string;
  limit: number;
  offset: number;
}

export const AUDIT_COLUMNS = [
  'id',
  'at',
  'user_id',
  'user_email',
  'role',
  'via',
  'action',
  'resource',
  'query',
  'record_count',
  'purpose',
  'recipient',
  'ip',
  'outcome',
] as const;

/** Search the log: date range (at >= from, at < to), user email (exact), action, free text over resource/query/purpose/recipient. */
export async function searchAudit(db: Queryable, f: AuditFilter) {
  const args = [
    f.from ?? null,
    f.to ?? null,
    f.user ?? null,
    f.action ?? null,
    f.q ? `%${f.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%` : null,
  ];
  const where = `($1::timestamptz IS NULL OR at >= $1) AND ($2::timestamptz IS NULL OR at < $2)
    AND ($3::text IS NULL OR user_email = $3) AND ($4::text IS NULL OR action = $4)
    AND ($5::text IS NULL OR resource ILIKE $5 OR query::text ILIKE $5 OR purpose ILIKE $5 OR recipient ILIKE $5)`;
  const [{ total }] = await db.query<{ total: number }>(`SELECT count(*)::int AS total FROM audit_log WHERE ${where}`, args);
  const rows = await db.query<AuditRow>(
    `SELECT ${AUDIT_COLUMNS.join(', ')} FROM audit_log WHERE ${where} ORDER BY id DESC LIMIT $6 OFFSET $7`,
    [...args, f.limit, f.offset],
  );
  return { total, rows };
}
