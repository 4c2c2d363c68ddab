// Routes from files: a GeoJSON FeatureCollection of LineStrings (all or nothing, problems listed by
// feature), or candidate routes along the stored walking network, previewed on the map before any is saved.
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { createRoute, proposals, type Proposal, type ProposalsResponse } from '../../../../contract/journeys';
import { call } from '../../api/call';
import { importRoutes } from '../../api/journeys';
import { formatBytes } from '../../lib/format';
import { useAction } from '../../lib/use-action';

/** JSON bodies are limited to 1 MB by the server (api/security.ts). */
export const MAX_JSON_BYTES = 1024 * 1024;

async function readJson(file: File): Promise<unknown> {
  if (file.size > MAX_JSON_BYTES)
    throw new Error(
      `${file.name} is ${formatBytes(file.size)}; the server takes at most ${formatBytes(MAX_JSON_BYTES)} here. Clip it to the study area or simplify it first.`,
    );
  try {
    return JSON.parse(await file.text());
  } catch {
    throw new Error(`${file.name} is not valid JSON.`);
  }
}

function problemList(e: unknown): string[] {
  if (!(e instanceof ApiError) || !Array.isArray(e.details)) return [];
  return (e.details as { feature?: number; path?: string; message: string }[])
    .slice(0, 20)
    .map((d) => (d.feature ? `feature ${d.feature}: ${d.message}` : d.message));
}

export function RouteImport({ onImported }: { onImported: (message: string) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [segmentM, setSegmentM] = useState(100);
  const [problems, setProblems] = useState<string[]>([]);
  const action = useAction();
  return (
    <form
      className="route-import"
      data-testid="route-import"
      onSubmit={(e) => {
        e.preventDefault();
        if (!file) return;
        setProblems([]);
        void action
          .run(async () => {
            try {
              return await importRoutes(await readJson(file), segmentM);
            } catch (err) {
              setProblems(problemList(err));
              throw err;
            }
          })
          .then((r) => r && onImported(`Imported ${r.imported} route${r.imported === 1 ? '' : 's'} from ${file.name}.`));
      }}
    >
      <p className="hint">GeoJSON LineStrings (WGS84) with a name; optional school (URN) and hub (AtcoCode) properties.</p>
      <input
        type="file"
        accept=".geojson,.json,application/geo+json,application/json"
        onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        aria-label="Routes file (GeoJSON)"
        data-testid="route-import-file"
      />
      <label className="field field-narrow">
        <span>Segment length (m)</span>
        <input
          type="number"
          min={10}
          max={1000}
          step={10}
          value={segmentM}
          onChange={(e) => setSegmentM(Number(e.target.value))}
        />
      </label>
      <button type="submit" disabled={!file || action.busy} data-testid="route-import-submit">
        {action.busy ? 'Importing…' : 'Import routes'}
      </button>
      {action.error && (
        <p className="error-text" role="alert" data-testid="route-import-error">
          {action.error}
        </p>
      )}
      {problems.length > 0 && (
        <ul className="problem-list">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
    </form>
  );
}

export function RouteProposals({
  onPreview,
  onSaved,
  siteName,
}: {
  /** Shows candidates on the map (null clears them). */
  onPreview: (ps: Proposal[] | null) => void;
  onSaved: (message: string) => void;
  siteName: (id: number) => string;
}) {
  const [k, setK] = useState(2);
  const [snap, setSnap] = useState(250);
  const [result, setResult] = useState<ProposalsResponse | null>(null);
  const [chosen, setChosen] = useState<Set<number>>(new Set());
  const find = useAction();
  const save = useAction();

  const clear = () => {
    setResult(null);
    setChosen(new Set());
    onPreview(null);
  };

  return (
    <div className="route-proposals" data-testid="route-proposals">
      <p className="hint">
        The shortest walk from each school to its nearest hubs along the stored walking network (the one planning coverage uses;
        an analyst loads it on the planning page). Nothing is saved until you choose.
      </p>
      <div className="field-row">
        <label className="field field-narrow">
          <span>Hubs per school</span>
          <input type="number" min={1} max={5} value={k} onChange={(e) => setK(Number(e.target.value))} />
        </label>
        <label className="field field-narrow">
          <span>Max gap to network (m)</span>
          <input type="number" min={1} max={1000} value={snap} onChange={(e) => setSnap(Number(e.target.value))} />
        </label>
      </div>
      <div className="form-actions">
        <button
          type="button"
          disabled={find.busy}
          data-testid="network-submit"
          onClick={() =>
            find.run(async () => {
              const r = await call(proposals, { query: {}, body: { k, max_snap_m: snap } });
              setResult(r);
              setChosen(new Set(r.proposals.map((_, i) => i)));
              onPreview(r.proposals);
              return r;
            })
          }
        >
          {find.busy ? 'Finding…' : 'Find candidate routes'}
        </button>
        {result && (
          <button type="button" onClick={clear}>
            Clear preview
          </button>
        )}
      </div>
      {find.error && (
        <p className="error-text" role="alert">
          {find.error}
        </p>
      )}
      {result && (
        <>
          <p className="hint" data-testid="proposal-summary">
            {result.proposals.length} candidate route{result.proposals.length === 1 ? '' : 's'} along the walking network “
            {result.network?.name}” ({result.network?.lines} lines)
            {result.problems.length ? `; ${result.problems.length} pair(s) without a route` : ''}.
          </p>
          <ul className="proposal-list">
            {result.proposals.map((p, i) => (
              <li key={i}>
                <label className="check">
                  <input
                    type="checkbox"
                    checked={chosen.has(i)}
                    onChange={(e) => {
                      const next = new Set(chosen);
                      if (e.target.checked) next.add(i);
                      else next.delete(i);
                      setChosen(next);
                    }}
                  />
                  {p.name} · {Math.round(p.length_m)} m walk ({Math.round(p.crow_m)} m straight)
                </label>
              </li>
            ))}
          </ul>
          {result.problems.length > 0 && (
            <ul className="problem-list">
              {result.problems.slice(0, 10).map((p, i) => (
                <li key={i}>
                  {siteName(p.school_id)}
                  {p.hub_id ? ` → ${siteName(p.hub_id)}` : ''}: {p.message}
                </li>
              ))}
            </ul>
          )}
          <button
            type="button"
            className="primary"
            disabled={chosen.size === 0 || save.busy}
            data-testid="proposal-save"
            onClick={() =>
              save.run(async () => {
                const ps = result.proposals.filter((_, i) => chosen.has(i));
                for (const p of ps)
                  await call(createRoute, {
                    query: {},
                    body: { name: p.name, school_id: p.school_id, hub_id: p.hub_id, segment_m: 100, geometry: p.geometry },
                  });
                clear();
                onSaved(`Saved ${ps.length} candidate route${ps.length === 1 ? '' : 's'}.`);
              })
            }
          >
            {save.busy ? 'Saving…' : `Save ${chosen.size} chosen`}
          </button>
          {save.error && (
            <p className="error-text" role="alert">
              {save.error}
            </p>
          )}
        </>
      )}
    </div>
  );
}
