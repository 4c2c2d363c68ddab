// One intervention: its fields, who created and last changed it, the actions the role allows (edit, end,
// delete), and its history: every version with who, when and what changed (history, not overwrite).
import { useState } from 'react';
import * as contract from '../../../../contract/planning';
import type { Intervention } from '../../../../contract/planning';
import { errorMessage } from '../../api/client';
import { useRoute, useRouteMutation } from '../../api/query';
import { describeGeometry, historyChanges, isoToday } from '../../map/prepare/planning';
import { REGISTER_READS } from './register-routes';

const when = (iso: string) => iso.replace('T', ' ').slice(0, 16) + ' UTC';

export function InterventionDetail({
  iv,
  canEdit,
  canDelete,
  onEdit,
  onChanged,
  onClose,
}: {
  iv: Intervention;
  canEdit: boolean;
  canDelete: boolean;
  onEdit: () => void;
  onChanged: (deleted: boolean) => void;
  onClose: () => void;
}) {
  const history = useRoute(contract.interventionHistory, { params: { id: iv.id }, query: {} });
  const end = useRouteMutation(contract.endIntervention, REGISTER_READS);
  const remove = useRouteMutation(contract.deleteIntervention, REGISTER_READS);
  const [endOn, setEndOn] = useState(isoToday());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const act = async (fn: () => Promise<unknown>, deleted = false) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      onChanged(deleted);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel iv-detail" data-testid="iv-detail">
      <div className="detail-head">
        <h3 data-testid="iv-detail-name">{iv.name}</h3>
        <button type="button" className="link-button" onClick={onClose} aria-label="Close">
          ×
        </button>
      </div>
      <dl className="plan-facts">
        <dt>Type</dt>
        <dd>{iv.type_label}</dd>
        <dt>Where</dt>
        <dd>{describeGeometry(iv.geometry)}</dd>
        <dt>Dates</dt>
        <dd>
          {iv.starts_on} – {iv.ends_on ?? 'open'}
        </dd>
        {iv.owner && (
          <>
            <dt>Owner</dt>
            <dd>{iv.owner}</dd>
          </>
        )}
        {iv.partner && (
          <>
            <dt>Partner</dt>
            <dd>{iv.partner}</dd>
          </>
        )}
        {iv.notes && (
          <>
            <dt>Notes</dt>
            <dd>{iv.notes}</dd>
          </>
        )}
        <dt>Version</dt>
        <dd>
          {iv.version}, last changed by {iv.updated_by} {when(iv.updated_at)}
        </dd>
      </dl>
      {canEdit && (
        <div className="button-row">
          <button type="button" onClick={onEdit} disabled={busy} data-testid="iv-edit">
            Edit
          </button>
          {!iv.ends_on && (
            <span className="end-control">
              <input
                type="date"
                value={endOn}
                min={iv.starts_on}
                onChange={(e) => setEndOn(e.target.value)}
                aria-label="End date"
                data-testid="iv-end-date"
              />
              <button
                type="button"
                disabled={busy || !endOn}
                onClick={() =>
                  act(() => end.mutateAsync({ params: { id: iv.id }, body: { ends_on: endOn, version: iv.version } }))
                }
                data-testid="iv-end"
              >
                End
              </button>
            </span>
          )}
          {canDelete && (
            <button
              type="button"
              className="danger"
              disabled={busy}
              onClick={() =>
                window.confirm(`Delete “${iv.name}”? Its history is kept.`) &&
                act(() => remove.mutateAsync({ params: { id: iv.id } }), true)
              }
              data-testid="iv-delete"
            >
              Delete
            </button>
          )}
        </div>
      )}
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      <h4 className="panel-title">History</h4>
      {history.error && <p className="error-text">{errorMessage(history.error)}</p>}
      {history.data && (
        <ol className="history-list" data-testid="iv-history">
          {historyChanges(history.data.history)
            .slice()
            .reverse()
            .map((h) => (
              <li key={h.version} data-testid="iv-history-entry">
                <div>
                  <strong>v{h.version}</strong> {h.action} by {h.changed_by}, {when(h.changed_at)}
                </div>
                {h.changes.length > 0 && (
                  <ul>
                    {h.changes.map((c) => (
                      <li key={c.field}>
                        {c.field}: {c.from && <del>{c.from}</del>}
                        {c.from && ' → '}
                        {c.to}
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
        </ol>
      )}
    </section>
  );
}
