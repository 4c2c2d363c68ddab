// Rows of the audit log: when, who, what, which query, how many records, purpose and recipient.
import type { AuditRow } from '../../../../contract/auth';
import { formatCount } from '../../lib/format';

const when = (at: string) => new Date(at).toLocaleString('en-GB', { dateStyle: 'short', timeStyle: 'medium' });

function queryText(q: unknown): string {
  if (q === null || q === undefined) return '';
  return typeof q === 'string' ? q : JSON.stringify(q);
}

export function AuditTable({ rows }: { rows: AuditRow[] }) {
  return (
    <div className="table-scroll">
      <table className="admin-table audit-table" data-testid="audit-table">
        <thead>
          <tr>
            <th>When</th>
            <th>Who</th>
            <th>Action</th>
            <th>Resource</th>
            <th>Query</th>
            <th className="num">Records</th>
            <th>Purpose / recipient</th>
            <th>Outcome</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={String(r.id)} data-testid="audit-row" data-action={r.action}>
              <td className="nowrap">{when(r.at)}</td>
              <td>
                {r.user_email ?? <span className="hint">anonymous</span>}
                {r.role && (
                  <span className="hint">
                    {' '}
                    ({r.role}, {r.via})
                  </span>
                )}
              </td>
              <td>{r.action}</td>
              <td>{r.resource}</td>
              <td className="audit-query" title={queryText(r.query)}>
                {queryText(r.query)}
              </td>
              <td className="num">{r.record_count === null ? '' : formatCount(r.record_count)}</td>
              <td>{r.purpose ? `${r.purpose} → ${r.recipient ?? ''}` : ''}</td>
              <td className={r.outcome === 'ok' ? undefined : 'error-text'}>{r.outcome}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
