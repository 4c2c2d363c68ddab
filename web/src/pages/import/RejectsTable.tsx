// Rejected rows of an import, a page at a time: line number, reason and the raw line.
import { useState } from 'react';
import { getRejects } from '../../../../contract/imports';
import { errorMessage } from '../../api/client';
import { useRoute } from '../../api/query';
import { formatCount } from '../../lib/format';

export const REJECTS_PAGE = 50;

export function RejectsTable({ id, total }: { id: string; total: number }) {
  const [offset, setOffset] = useState(0);
  const page = useRoute(getRejects, { params: { id }, query: { limit: REJECTS_PAGE, offset } });
  const count = page.data?.total ?? total;
  return (
    <div className="rejects">
      <h3>Rejected rows</h3>
      {page.error && <p className="error-text">{errorMessage(page.error)}</p>}
      <div className="table-scroll">
        <table className="rejects-table" data-testid="rejects-table">
          <thead>
            <tr>
              <th className="num">Line</th>
              <th>Reason</th>
              <th>Raw</th>
            </tr>
          </thead>
          <tbody>
            {page.data?.rejects.map((r, i) => (
              <tr key={`${r.line}-${i}`} data-testid="reject-row">
                <td className="num">{r.line}</td>
                <td>{r.reason}</td>
                <td>
                  <code>{r.raw}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="pager">
        <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - REJECTS_PAGE))}>
          ← Previous
        </button>
        <span>
          {count === 0
            ? 'none'
            : `${formatCount(offset + 1)}–${formatCount(Math.min(offset + REJECTS_PAGE, count))} of ${formatCount(count)}`}
        </span>
        <button type="button" disabled={offset + REJECTS_PAGE >= count} onClick={() => setOffset(offset + REJECTS_PAGE)}>
          Next →
        </button>
      </div>
    </div>
  );
}
