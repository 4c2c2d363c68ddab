// Administration helpers (admin role): the routes themselves are in contract/auth.ts and are called
// with useRoute / useRouteMutation.
import type { QueryOf } from '../../../contract/http';
import type { searchAudit } from '../../../contract/auth';

/** The audit log's filters (GET /api/audit's query without paging). */
export type AuditFilter = Omit<NonNullable<QueryOf<typeof searchAudit>>, 'limit' | 'offset'>;

/** "E05013714, E05013715" or one per line -> codes; empty -> null (no limit). */
export function parseAreaCodes(text: string): string[] | null {
  const codes = text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  return codes.length ? [...new Set(codes)] : null;
}
