// Choose a file and how to read it, then upload it with visible upload progress.
import { useRef, useState } from 'react';
import { getAreaSets } from '../../../../contract/aggregates';
import type { ImportKind } from '../../../../contract/imports';
import { errorMessage } from '../../api/client';
import { useRoute } from '../../api/query';
import { uploadImport, type UploadHandle, type UploadOptions } from '../../api/upload';
import { formatBytes, formatCount } from '../../lib/format';
import { ProgressBar } from './ProgressBar';
import { detectFileFields, type DetectedFields } from './detect-level';

export const KINDS: { value: ImportKind | ''; label: string; help: string }[] = [
  {
    value: '',
    label: 'Detect from the file',
    help: 'police.uk CSVs and GeoJSON/TopoJSON boundaries are recognised from their contents.',
  },
  {
    value: 'police_uk_street',
    label: 'police.uk street CSV',
    help: 'Monthly street-level file as downloaded from data.police.uk.',
  },
  { value: 'incidents_csv', label: 'Incident CSV', help: 'police.uk API layout, or your own columns with a saved mapping.' },
  {
    value: 'boundaries',
    label: 'Area boundaries',
    help: 'GeoJSON or TopoJSON polygons (wards, LSOAs…), in WGS84 or British National Grid.',
  },
  { value: 'population', label: 'Population CSV', help: 'Residents per area code, used for rates per 1,000.' },
  {
    value: 'population_lookup',
    label: 'LSOA→ward best-fit lookup',
    help: 'ONS lookup (LSOA21CD, WD24CD, …): ward populations are the sums of their LSOAs, the official rule.',
  },
  {
    value: 'population_centroids',
    label: 'LSOA population-weighted centroids',
    help: 'ONS centroids (LSOA21CD, x, y in British National Grid, or longitude/latitude): used for ward populations when no lookup is loaded.',
  },
  {
    value: 'schools',
    label: 'Schools',
    help: 'DfE "Get Information About Schools" CSV (URN, EstablishmentName, Easting/Northing), or point GeoJSON.',
  },
  {
    value: 'hubs',
    label: 'Stations and hubs',
    help: 'NaPTAN stops CSV (AtcoCode, names, Easting/Northing or Longitude/Latitude), or point GeoJSON.',
  },
];

function guessKind(name: string): ImportKind | '' {
  return /\.(geo|topo)?json$/i.test(name) ? 'boundaries' : '';
}

/** What was uploaded, so a refused replacement can be confirmed without choosing the file again. */
export interface Uploaded {
  id: string;
  file: File;
  opts: UploadOptions;
}

export function ImportForm({ onUploaded }: { onUploaded: (u: Uploaded) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [kind, setKind] = useState<ImportKind | ''>('');
  // The level follows what the file holds (ONS code fields); empty until detected or typed.
  const [level, setLevel] = useState('');
  const [detected, setDetected] = useState<DetectedFields | null>(null);
  const [source, setSource] = useState('');
  const [dataset, setDataset] = useState('');
  const [codeField, setCodeField] = useState('');
  const [nameField, setNameField] = useState('');
  const [mapping, setMapping] = useState('');
  const [progress, setProgress] = useState<{ loaded: number; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const upload = useRef<UploadHandle | null>(null);
  const areaSets = useRoute(getAreaSets, { query: {} });

  const needsLevel = kind === 'boundaries' || kind === 'population';
  const loadedCount = (l: string) =>
    kind === 'boundaries' ? (areaSets.data?.sets.find((x) => x.level === l)?.count ?? null) : null;
  const isIncidents = kind === '' || kind === 'incidents_csv' || kind === 'police_uk_street';
  const busy = progress !== null;

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setError(null);
    const opts: UploadOptions = {
      kind: kind || undefined,
      level: needsLevel ? level.trim() || undefined : undefined,
      dataset: isIncidents ? dataset.trim() || undefined : undefined,
      code_field: kind === 'boundaries' || kind === 'population' ? codeField.trim() || undefined : undefined,
      name_field: kind === 'boundaries' ? nameField.trim() || undefined : undefined,
      mapping: kind === 'incidents_csv' ? mapping.trim() || undefined : undefined,
      source: needsLevel ? source.trim() || undefined : undefined,
    };
    setProgress({ loaded: 0, total: file.size });
    upload.current = uploadImport(file, opts, (loaded, total) => setProgress({ loaded, total }));
    try {
      const { id } = await upload.current.promise;
      onUploaded({ id, file, opts });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      upload.current = null;
      setProgress(null);
    }
  };

  return (
    <form className="panel import-form" data-testid="import-form" onSubmit={submit}>
      <label className="field">
        <span>File</span>
        <input
          type="file"
          data-testid="import-file"
          accept=".csv,.geojson,.json,.topojson,text/csv,application/json"
          disabled={busy}
          onChange={(e) => {
            const f = e.target.files?.[0] ?? null;
            setFile(f);
            setError(null);
            setDetected(null);
            if (!f) return;
            setKind(guessKind(f.name));
            setLevel('');
            detectFileFields(f).then(
              (d) => {
                setDetected(d);
                if (d?.level) setLevel(d.level);
              },
              () => setDetected(null),
            );
          }}
        />
        {file && (
          <span className="hint">
            {file.name} · {formatBytes(file.size)}
          </span>
        )}
      </label>
      <label className="field">
        <span>Kind</span>
        <select
          value={kind}
          onChange={(e) => setKind(e.target.value as ImportKind | '')}
          disabled={busy}
          data-testid="import-kind"
        >
          {KINDS.map((k) => (
            <option key={k.value} value={k.value}>
              {k.label}
            </option>
          ))}
        </select>
        <span className="hint">{KINDS.find((k) => k.value === kind)?.help}</span>
      </label>
      {needsLevel && (
        <div className="field-row">
          <label className="field">
            <span>Area level</span>
            <input
              value={level}
              onChange={(e) => setLevel(e.target.value)}
              list="area-levels"
              disabled={busy}
              data-testid="import-level"
              required
            />
            {detected?.code && (
              <span className="hint" data-testid="import-level-detected">
                {detected.level
                  ? `From the file's ${detected.code} field: ${detected.level}`
                  : `Code field ${detected.code}: give the level`}
                {loadedCount(level)
                  ? ` · ${formatCount(loadedCount(level)!)} areas at this level are loaded; any the file lacks are removed only after you confirm`
                  : ''}
              </span>
            )}
            <datalist id="area-levels">
              {['ward', 'lsoa', 'msoa', ...(areaSets.data?.sets.map((s) => s.level) ?? [])]
                .filter((v, i, a) => a.indexOf(v) === i)
                .map((l) => (
                  <option key={l} value={l} />
                ))}
            </datalist>
          </label>
          <label className="field">
            <span>Code field (optional)</span>
            <input
              value={codeField}
              onChange={(e) => setCodeField(e.target.value)}
              placeholder={detected?.code ?? 'e.g. WD22CD'}
              disabled={busy}
            />
          </label>

          {kind === 'boundaries' && (
            <label className="field">
              <span>Name field (optional)</span>
              <input
                value={nameField}
                onChange={(e) => setNameField(e.target.value)}
                placeholder={detected?.name ?? 'e.g. WD22NM'}
                disabled={busy}
              />
            </label>
          )}
          <label className="field">
            <span>Source (for the map's credits)</span>
            <input
              value={source}
              onChange={(e) => setSource(e.target.value)}
              placeholder={
                /^[A-Z]+\d{2}CD$/i.test(detected?.code ?? '')
                  ? 'Office for National Statistics'
                  : 'e.g. London Borough of Hackney'
              }
              disabled={busy}
              data-testid="import-source"
            />
          </label>
        </div>
      )}
      {isIncidents && (
        <div className="field-row">
          <label className="field">
            <span>Dataset name (optional)</span>
            <input
              value={dataset}
              onChange={(e) => setDataset(e.target.value)}
              placeholder="e.g. police.uk Lewisham"
              disabled={busy}
              data-testid="import-dataset"
            />
          </label>
          {kind === 'incidents_csv' && (
            <label className="field">
              <span>Saved column mapping (optional)</span>
              <input value={mapping} onChange={(e) => setMapping(e.target.value)} placeholder="mapping name" disabled={busy} />
            </label>
          )}
        </div>
      )}
      <div className="form-actions">
        <button type="submit" disabled={!file || busy} data-testid="import-submit">
          Upload and import
        </button>
        {busy && (
          <button type="button" onClick={() => upload.current?.abort()}>
            Cancel upload
          </button>
        )}
      </div>
      {progress && (
        <ProgressBar
          testId="upload-progress"
          label={`Uploading ${formatBytes(progress.loaded)} of ${formatBytes(progress.total)}`}
          value={progress.loaded}
          max={progress.total}
        />
      )}
      {error && (
        <p className="error-text" role="alert" data-testid="import-error">
          {error}
        </p>
      )}
    </form>
  );
}
