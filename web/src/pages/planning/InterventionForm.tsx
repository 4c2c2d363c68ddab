// Add or edit an intervention: its shape (a point clicked on the map or a polygon drawn with terra-draw,
// both draggable afterwards), type, name, dates, owner, partner and notes. Edits send the version they
// were made against; if someone changed it since, the server answers 409 and nothing is overwritten.
import { useState } from 'react';
import { ApiError, errorMessage } from '../../api/client';
import * as contract from '../../../../contract/planning';
import type { Intervention, InterventionType, SiteGeometry } from '../../../../contract/planning';
import { useRouteMutation } from '../../api/query';
import { describeGeometry, isoToday } from '../../map/prepare/planning';
import type { DrawKind } from './PlanningMapController';
import { REGISTER_READS } from './register-routes';

export interface Editing {
  /** null: a new intervention. */
  current: Intervention | null;
}

export function InterventionForm({
  editing,
  types,
  geometry,
  drawing,
  onDraw,
  onSaved,
  onCancel,
}: {
  editing: Editing;
  types: InterventionType[];
  geometry: SiteGeometry | null;
  drawing: DrawKind | null;
  onDraw: (kind: DrawKind) => void;
  onSaved: (iv: Intervention) => void;
  onCancel: () => void;
}) {
  const cur = editing.current;
  const [type, setType] = useState(cur?.type ?? types[0]?.slug ?? '');
  const [name, setName] = useState(cur?.name ?? '');
  const [starts, setStarts] = useState(cur?.starts_on ?? isoToday());
  const [ends, setEnds] = useState(cur?.ends_on ?? '');
  const [owner, setOwner] = useState(cur?.owner ?? '');
  const [partner, setPartner] = useState(cur?.partner ?? '');
  const [notes, setNotes] = useState(cur?.notes ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [conflict, setConflict] = useState(false);
  const create = useRouteMutation(contract.createIntervention, REGISTER_READS);
  const change = useRouteMutation(contract.editIntervention, REGISTER_READS);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!geometry) {
      setError('Put the intervention on the map first: click "Point" or "Polygon", then the map.');
      return;
    }
    setBusy(true);
    setError(null);
    setConflict(false);
    const body = {
      type,
      name: name.trim(),
      geometry,
      starts_on: starts,
      ends_on: ends || null,
      owner: owner.trim() || null,
      partner: partner.trim() || null,
      notes: notes.trim() || null,
    };
    try {
      onSaved(
        cur
          ? await change.mutateAsync({ params: { id: cur.id }, body: { ...body, version: cur.version } })
          : await create.mutateAsync({ body }),
      );
    } catch (err) {
      setConflict(err instanceof ApiError && err.status === 409);
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="plan-form" onSubmit={submit} data-testid="intervention-form">
      <h3>{cur ? `Edit “${cur.name}” (version ${cur.version})` : 'New intervention'}</h3>
      <div className="field">
        <span>Where</span>
        <div className="button-row">
          <button
            type="button"
            className={drawing === 'point' ? 'active' : ''}
            onClick={() => onDraw('point')}
            data-testid="draw-point"
          >
            Point
          </button>
          <button
            type="button"
            className={drawing === 'polygon' ? 'active' : ''}
            onClick={() => onDraw('polygon')}
            data-testid="draw-polygon"
          >
            Polygon
          </button>
        </div>
        <p className="hint" data-testid="drawn-geometry">
          {geometry
            ? `${describeGeometry(geometry)} — drag it on the map to move it${geometry.type === 'Polygon' ? ' (corners too)' : ''}.`
            : drawing === 'point'
              ? 'Click the map where it is.'
              : drawing === 'polygon'
                ? 'Click the corners; click the first corner again to close.'
                : 'Not placed yet.'}
        </p>
      </div>
      <label className="field">
        <span>Type</span>
        <select value={type} onChange={(e) => setType(e.target.value)} data-testid="iv-type">
          {types.map((t) => (
            <option key={t.slug} value={t.slug}>
              {t.label}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Name</span>
        <input required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} data-testid="iv-name" />
      </label>
      <div className="field-row">
        <label className="field">
          <span>Starts</span>
          <input type="date" required value={starts} onChange={(e) => setStarts(e.target.value)} data-testid="iv-starts" />
        </label>
        <label className="field">
          <span>Ends (optional)</span>
          <input type="date" value={ends} min={starts} onChange={(e) => setEnds(e.target.value)} data-testid="iv-ends" />
        </label>
      </div>
      <div className="field-row">
        <label className="field">
          <span>Owner</span>
          <input maxLength={200} value={owner} onChange={(e) => setOwner(e.target.value)} data-testid="iv-owner" />
        </label>
        <label className="field">
          <span>Partner</span>
          <input maxLength={200} value={partner} onChange={(e) => setPartner(e.target.value)} data-testid="iv-partner" />
        </label>
      </div>
      <label className="field">
        <span>Notes</span>
        <textarea rows={2} maxLength={5000} value={notes} onChange={(e) => setNotes(e.target.value)} data-testid="iv-notes" />
      </label>
      {error && (
        <p className="error-text" role="alert" data-testid="iv-error">
          {error}
          {conflict && ' Cancel to see the current version, then edit again.'}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy} data-testid="iv-save">
          {busy ? 'Saving…' : cur ? 'Save changes' : 'Add to register'}
        </button>
        <button type="button" onClick={onCancel} data-testid="iv-cancel">
          Cancel
        </button>
      </div>
    </form>
  );
}
