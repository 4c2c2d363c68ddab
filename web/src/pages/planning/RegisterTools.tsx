// Register tools beside the form: import interventions from CSV or GeoJSON (all or nothing; the server
// lists bad rows with their numbers), and add a user-defined intervention type (analysts).
import { useState } from 'react';
import * as contract from '../../../../contract/planning';
import type { InterventionType } from '../../../../contract/planning';
import { ApiError, errorMessage } from '../../api/client';
import { useRouteMutation } from '../../api/query';
import { importFormat } from '../../map/prepare/planning';

function rowProblems(e: unknown): string[] {
  if (!(e instanceof ApiError) || !Array.isArray(e.details)) return [];
  return (e.details as Array<{ row?: number; message?: string }>)
    .slice(0, 8)
    .map((d) => `row ${d.row ?? '?'}: ${d.message ?? ''}`);
}

export function ImportInterventions({ types }: { types: InterventionType[] }) {
  const importFile = useRouteMutation(contract.importInterventions, [contract.listInterventions]);
  const [file, setFile] = useState<File | null>(null);
  const [defaultType, setDefaultType] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; rows: string[] } | null>(null);
  const [note, setNote] = useState<string | null>(null);

  const run = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    setNote(null);
    try {
      const text = await file.text();
      const r = await importFile.mutateAsync({
        body: { format: importFormat(file.name, text), text, defaults: defaultType ? { type: defaultType } : {} },
      });
      setNote(`Imported ${r.imported} intervention${r.imported === 1 ? '' : 's'}.`);
    } catch (err) {
      setError({ message: errorMessage(err), rows: rowProblems(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="plan-form" onSubmit={run} data-testid="iv-import">
      <h3>Import</h3>
      <p className="hint">
        CSV with <code>name, type, starts_on</code> (and optional <code>ends_on, owner, partner, notes</code>) and{' '}
        <code>lon, lat</code> or <code>easting, northing</code>; or GeoJSON points/polygons with those properties. One bad row and
        nothing is imported.
      </p>
      <input
        type="file"
        accept=".csv,.geojson,.json,text/csv,application/geo+json,application/json"
        onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        aria-label="Interventions file (CSV or GeoJSON)"
        data-testid="iv-import-file"
      />
      <label className="field">
        <span>Type for rows without one</span>
        <select value={defaultType} onChange={(e) => setDefaultType(e.target.value)}>
          <option value="">(none: every row needs a type)</option>
          {types.map((t) => (
            <option key={t.slug} value={t.slug}>
              {t.label}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={!file || busy} data-testid="iv-import-submit">
        {busy ? 'Importing…' : 'Import'}
      </button>
      {note && (
        <p className="ok-text" role="status" data-testid="iv-import-done">
          {note}
        </p>
      )}
      {error && (
        <div className="error-text" role="alert" data-testid="iv-import-error">
          {error.message}
          {error.rows.length > 0 && (
            <ul>
              {error.rows.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </form>
  );
}

export function AddType() {
  const addType = useRouteMutation(contract.addInterventionType, [contract.interventionTypes]);
  const [label, setLabel] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const slug = label
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+|_+$/g, '')
    .slice(0, 40);
  const run = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await addType.mutateAsync({ body: { slug, label: label.trim() } });
      setLabel('');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="plan-form" onSubmit={run} data-testid="iv-add-type">
      <h3>New intervention type</h3>
      <div className="field-row">
        <input
          required
          maxLength={100}
          placeholder="e.g. Street lighting"
          value={label}
          onChange={(e) => setLabel(e.target.value)}
          aria-label="Type label"
        />
        <button type="submit" disabled={busy || !slug}>
          Add
        </button>
      </div>
      {slug && <p className="hint">Stored as {slug}</p>}
      {error && <p className="error-text">{error}</p>}
    </form>
  );
}
