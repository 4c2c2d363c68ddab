// First run, "start from open data": the user names a local authority (or several districts, or a police
// force area code) and the server fetches boundaries, LSOAs, population and street crime, with progress.
import { useEffect, useRef, useState } from 'react';
import { getRun, startFetch } from '../../../contract/opendata';
import { call } from '../api/call';
import { errorMessage } from '../api/client';
import { fetchRequest, pendingRun, setPendingRun } from '../api/opendata';
import { useRoute } from '../api/query';
import type { OpenDataRun, OpenDataStep } from '../../../contract/opendata';
import { ProgressBar } from '../pages/import/ProgressBar';

const POLL_MS = 1000;

export function OpenDataStart({ onDone }: { onDone: () => void }) {
  const [place, setPlace] = useState('');
  const [months, setMonths] = useState(36);
  const [runId, setRunId] = useState<number | null>(pendingRun);
  const [startError, setStartError] = useState<string | null>(null);
  const onDoneRef = useRef(onDone);
  onDoneRef.current = onDone;

  // Polls the fetch until it ends (the API has no push channel for it).
  const polled = useRoute(getRun, runId === null ? null : { params: { id: String(runId) } }, {
    staleTime: 0,
    retry: false,
    refetchInterval: (q) =>
      q.state.error ? false : q.state.data && q.state.data.status !== 'running' && !q.state.data.live ? false : POLL_MS,
  });
  const run = polled.data ?? null;
  const finished = run?.status === 'done' && !run.live;
  useEffect(() => {
    if (!finished) return;
    setPendingRun(null);
    onDoneRef.current();
  }, [finished]);
  // A run that no longer exists (another database, deleted): forget it.
  useEffect(() => {
    if (polled.error) setPendingRun(null);
  }, [polled.error]);
  const error = startError ?? (polled.error ? errorMessage(polled.error) : null);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setStartError(null);
    try {
      // 202 Accepted: { id, lads } (contract/opendata.ts startFetch).
      const started = (await call(startFetch, { body: fetchRequest(place, months) })) as { id: number; lads: string[] };
      setPendingRun(started.id);
      setRunId(started.id);
    } catch (err) {
      setStartError(errorMessage(err));
    }
  };

  const done = run?.steps.filter((s) => s.status !== 'failed').length ?? 0;
  const total = run?.live?.total ?? (run ? Math.max(done, 8 + months) : null);
  return (
    <section data-testid="opendata-start">
      <h2>Start from open data</h2>
      <p>
        Name your local authority — or several districts separated by commas, or a police force area code (E23…) — and Saferplaces
        fetches its wards, LSOAs, Census 2021 population and {months} months of police.uk street crime.
      </p>
      <form onSubmit={submit} className="opendata-form">
        <label>
          My local authority is{' '}
          <input
            value={place}
            onChange={(e) => setPlace(e.target.value)}
            placeholder="Lewisham"
            required
            maxLength={400}
            data-testid="opendata-place"
          />
        </label>
        <label>
          Months{' '}
          <input
            type="number"
            min={1}
            max={120}
            value={months}
            onChange={(e) => setMonths(Number(e.target.value))}
            data-testid="opendata-months"
          />
        </label>
        <button type="submit" disabled={runId !== null && run?.status !== 'incomplete'}>
          Fetch
        </button>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {run && (
        <>
          <ProgressBar
            value={done}
            max={total}
            label={run.live ? `${run.live.step || 'waiting'} (${done} of ${total} steps)` : `${run.status}: ${done} steps`}
            testId="opendata-progress"
          />
          {run.last_error && (
            <p className="error">
              Stopped at {run.last_error.step}: {run.last_error.message} Fetch again to continue where it stopped.
            </p>
          )}
          <Breaks notes={run.notes} />
          <Provenance steps={run.steps} />
        </>
      )}
    </section>
  );
}

/** police.uk's known breaks in the months fetched. */
export function Breaks({ notes }: { notes: OpenDataRun['notes'] }) {
  if (!notes.length) return null;
  return (
    <ul className="hint" data-testid="opendata-breaks">
      {notes.map((n) => (
        <li key={n.from + n.note}>{n.note}</li>
      ))}
    </ul>
  );
}

/** Where each layer and month came from: source, the first request (and how many), time fetched. */
export function Provenance({ steps }: { steps: OpenDataStep[] }) {
  const shown = steps.filter((s) => s.provenance?.source);
  if (!shown.length) return null;
  return (
    <details className="opendata-provenance" data-testid="opendata-provenance">
      <summary>Sources ({shown.length} steps)</summary>
      <table>
        <thead>
          <tr>
            <th>Step</th>
            <th>Source</th>
            <th>Request</th>
            <th>Fetched</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((s) => {
            const p = s.provenance!;
            const n = p.request_count ?? p.requests?.length ?? 0;
            return (
              <tr key={s.step} data-testid="opendata-provenance-row" data-step={s.step}>
                <td>{s.step}</td>
                <td>{p.source}</td>
                <td className="url">
                  {p.requests?.[0]?.url ?? '—'}
                  {n > 1 ? ` (+${n - 1} more)` : ''}
                </td>
                <td>{p.fetched_at ? new Date(p.fetched_at).toLocaleString('en-GB', { timeZone: 'UTC' }) + ' UTC' : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </details>
  );
}
