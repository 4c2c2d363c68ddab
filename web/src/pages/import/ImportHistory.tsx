// Past imports, newest first; a click opens one.
import { useEffect } from 'react';
import { listImports } from '../../../../contract/imports';
import { errorMessage } from '../../api/client';
import { useRoute } from '../../api/query';
import { formatCount } from '../../lib/format';
import { isFinished as finished } from './use-import-job';

export function ImportHistory({
  version,
  selectedId,
  onSelect,
}: {
  version: number;
  selectedId: string | null;
  onSelect: (id: string) => void;
}) {
  const list = useRoute(listImports, { query: {} });
  // `version` changes when an import started or ended here: the list is out of date.
  const { refetch } = list;
  useEffect(() => {
    if (version > 0) void refetch();
  }, [version, refetch]);
  return (
    <div className="panel" data-testid="import-history">
      <h2 className="panel-title">Past imports</h2>
      {list.error && <p className="error-text">{errorMessage(list.error)}</p>}
      {list.data && list.data.imports.length === 0 && <p className="hint">No imports yet.</p>}
      {list.data && list.data.imports.length > 0 && (
        <div className="table-scroll">
          <table className="history-table">
            <thead>
              <tr>
                <th>File</th>
                <th className="num">Imported</th>
                <th className="num">Rejected</th>
              </tr>
            </thead>
            <tbody>
              {list.data.imports.map((j) => (
                <tr
                  key={j.id}
                  className={String(j.id) === selectedId ? 'selected' : undefined}
                  onClick={() => onSelect(String(j.id))}
                  tabIndex={0}
                  onKeyDown={(e) => e.key === 'Enter' && onSelect(String(j.id))}
                  data-testid="history-row"
                >
                  <td>
                    <div className="file-name">{j.file_name ?? `#${j.id}`}</div>
                    <div className="hint">
                      <span className={`status status-${j.status}`}>{j.status}</span>
                      {j.kind && j.kind.replace(/_/g, ' ')}
                    </div>
                    {j.started_at && <div className="hint nowrap">{new Date(j.started_at).toLocaleString('en-GB')}</div>}
                  </td>
                  <td className="num">{finished(j) ? formatCount(j.imported) : '…'}</td>
                  <td className="num">{finished(j) ? formatCount(j.rejected) : '…'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
