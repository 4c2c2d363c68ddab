// Administration: the audit log (DPA 2018 s62) with filters, pages of 50 rows, and a CSV export for
// the Information Commissioner (itself logged with purpose and recipient).
import { useState } from 'react';
import * as auth from '../../../../contract/auth';
import { AUDIT_ACTIONS, type AuditAction } from '../../../../contract/auth';
import type { AuditFilter } from '../../api/admin';
import { routeUrl } from '../../api/call';
import { downloadFile } from '../../api/client';
import { useRoute } from '../../api/query';
import { ExportDialog } from '../../components/ExportDialog';
import { formatCount } from '../../lib/format';
import { AuditTable } from './AuditTable';

export const AUDIT_PAGE_SIZE = 50;

/** The form's inclusive "until" day -> the API's exclusive `to` (the next day). */
export function untilToExclusive(day: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

interface Form {
  from: string;
  until: string;
  user: string;
  action: string;
  q: string;
}
const EMPTY: Form = { from: '', until: '', user: '', action: '', q: '' };

const toFilter = (f: Form): AuditFilter => ({
  from: f.from || undefined,
  to: untilToExclusive(f.until),
  user: f.user.trim() || undefined,
  action: (f.action as AuditAction) || undefined,
  q: f.q.trim() || undefined,
});

export function AuditPage() {
  const [form, setForm] = useState<Form>(EMPTY);
  const [filter, setFilter] = useState<AuditFilter>({});
  const [offset, setOffset] = useState(0);
  const [exporting, setExporting] = useState(false);
  const page = useRoute(auth.searchAudit, { query: { ...filter, limit: AUDIT_PAGE_SIZE, offset } });
  const set = (k: keyof Form) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setForm({ ...form, [k]: e.target.value });
  const total = page.data?.total ?? 0;

  return (
    <div className="admin-page" data-testid="audit-page">
      <h1>Audit log</h1>
      <form
        className="panel admin-form"
        onSubmit={(e) => {
          e.preventDefault();
          setFilter(toFilter(form));
          setOffset(0);
        }}
      >
        <div className="field-row">
          <label className="field">
            From
            <input type="date" value={form.from} onChange={set('from')} data-testid="audit-from" />
          </label>
          <label className="field">
            Until (inclusive)
            <input type="date" value={form.until} onChange={set('until')} data-testid="audit-until" />
          </label>
          <label className="field">
            User email
            <input type="email" value={form.user} onChange={set('user')} data-testid="audit-user" />
          </label>
          <label className="field">
            Action
            <select value={form.action} onChange={set('action')} data-testid="audit-action">
              <option value="">Any</option>
              {AUDIT_ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            Text
            <input value={form.q} placeholder="resource, query, purpose, recipient" onChange={set('q')} data-testid="audit-q" />
          </label>
        </div>
        <div className="form-actions">
          <button type="submit" className="primary" data-testid="audit-search">
            Search
          </button>
          <button
            type="button"
            onClick={() => {
              setForm(EMPTY);
              setFilter({});
              setOffset(0);
            }}
          >
            Clear
          </button>
          <button type="button" onClick={() => setExporting(true)} data-testid="audit-export">
            Export…
          </button>
        </div>
      </form>
      <div className="panel">
        {page.error && <p className="error-text">{page.error.message}</p>}
        <div className="pager">
          <span data-testid="audit-total">
            {page.data
              ? total === 0
                ? 'No entries'
                : `${formatCount(offset + 1)}–${formatCount(Math.min(offset + AUDIT_PAGE_SIZE, total))} of ${formatCount(total)}`
              : 'Loading…'}
          </span>
          <button
            type="button"
            disabled={offset === 0}
            onClick={() => setOffset(Math.max(0, offset - AUDIT_PAGE_SIZE))}
            data-testid="audit-newer"
          >
            ← Newer
          </button>
          <button
            type="button"
            disabled={offset + AUDIT_PAGE_SIZE >= total}
            onClick={() => setOffset(offset + AUDIT_PAGE_SIZE)}
            data-testid="audit-older"
          >
            Older →
          </button>
        </div>
        {page.data && <AuditTable rows={page.data.rows} />}
      </div>
      {exporting && (
        <ExportDialog
          title="Export the audit log"
          description={<p>All {formatCount(total)} entries matching the current filters, as CSV.</p>}
          formats={[{ value: 'csv', label: 'CSV' }]}
          onExport={(stated) => downloadFile(routeUrl(auth.exportAudit), { ...filter, ...stated }, 'saferplaces-audit.csv')}
          onClose={() => setExporting(false)}
        />
      )}
    </div>
  );
}
