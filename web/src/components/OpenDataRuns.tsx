// The places fetched from open data (issue 17), on the Import page: each fetch's status, police.uk's known
// breaks in its months, and where every layer and month came from (source, request, time fetched).
import { getRun, listRuns } from '../../../contract/opendata';
import { useRoute } from '../api/query';
import { Breaks, Provenance } from './OpenDataStart';

function Run({ id }: { id: number }) {
  const run = useRoute(getRun, { params: { id: String(id) } }).data;
  if (!run) return null;
  const months = run.steps.filter((s) => s.step.startsWith('police:20'));
  return (
    <li data-testid="opendata-run" data-status={run.status}>
      <strong>{run.label}</strong>: {run.status}, {months.filter((s) => s.status === 'done').length} months of street crime
      {months.some((s) => s.status === 'empty') &&
        `, ${months.filter((s) => s.status === 'empty').length} with no data (not covered)`}
      <Breaks notes={run.notes} />
      <Provenance steps={run.steps} />
    </li>
  );
}

export function OpenDataRuns() {
  const runs = useRoute(listRuns, { query: {} }).data?.runs ?? [];
  if (!runs.length) return null;
  return (
    <section className="opendata-runs" data-testid="opendata-runs">
      <h2>Fetched from open data</h2>
      <ul>
        {runs.map((r) => (
          <Run key={r.id} id={r.id} />
        ))}
      </ul>
    </section>
  );
}
