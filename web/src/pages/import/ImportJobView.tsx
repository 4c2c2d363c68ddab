// One import: live progress while it runs, then its summary and rejected rows.
import type { ImportJob } from '../../api/types';
import { formatBytes, formatCount } from '../../lib/format';
import { ProgressBar } from './ProgressBar';
import { RejectsTable } from './RejectsTable';
import { isFinished, useImportJob } from './use-import-job';

const STATUS_LABEL: Record<string, string> = { queued: 'Queued', running: 'Importing', committed: 'Imported', failed: 'Failed' };

export function jobErrorMessage(job: ImportJob): string | null {
  if (!job.error) return null;
  return typeof job.error === 'string' ? job.error : (job.error.message ?? job.error.code ?? 'The import failed.');
}

const PHASE_LABEL: Record<string, string> = { reading: 'reading the file', assigning: 'assigning incidents to areas', finishing: 'finishing' };

function progressLabel(job: ImportJob): string {
  const status = STATUS_LABEL[job.status] ?? job.status;
  const parts = [job.phase ? `${status}: ${PHASE_LABEL[job.phase] ?? job.phase}` : status];
  if (job.rows_read) parts.push(`${formatCount(job.rows_read)} rows read`);
  if (job.bytes_total) parts.push(`${formatBytes(job.bytes_read ?? 0)} of ${formatBytes(job.bytes_total)}`);
  return parts.join(' · ');
}

/** Scalar facts from the import's free-form summary (e.g. areas created, months covered). */
function summaryFacts(summary: unknown): [string, string][] {
  if (!summary || typeof summary !== 'object') return [];
  const details = (summary as Record<string, unknown>).details ?? summary;
  if (!details || typeof details !== 'object') return [];
  return Object.entries(details as Record<string, unknown>)
    .filter(([k, v]) => k !== 'sha256' && k !== 'coverage' && ['string', 'number', 'boolean'].includes(typeof v))
    .slice(0, 12)
    .map(([k, v]) => [k.replace(/_/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase(), typeof v === 'number' ? formatCount(v) : String(v)]);
}

interface CoverageAdded {
  months_added: string[];
  first_month: string | null;
  last_month: string | null;
  months_without_rows: string[];
  categories: string[];
  published_for: string | null;
}

/** What an incident file covers (issue 11), from its summary: the months it added and the gaps in its range. */
export function coverageSentences(summary: unknown): string[] {
  const details = summary && typeof summary === 'object' ? ((summary as Record<string, unknown>).details ?? summary) : null;
  const c = details && typeof details === 'object' ? ((details as Record<string, unknown>).coverage as CoverageAdded | undefined) : undefined;
  if (!c || !c.months_added?.length) return [];
  const n = c.months_added.length;
  const out = [
    `Months added: ${c.first_month === c.last_month ? c.first_month : `${c.first_month} to ${c.last_month}`} (${n} month${n === 1 ? '' : 's'}), for ${c.categories.length} categor${c.categories.length === 1 ? 'y' : 'ies'}${c.published_for ? `, published for ${c.published_for}` : ''}.`,
  ];
  if (c.months_without_rows.length)
    out.push(`No rows at all in ${c.months_without_rows.join(', ')}: ${c.months_without_rows.length === 1 ? 'that month is' : 'those months are'} not covered by this file, and analyses treat ${c.months_without_rows.length === 1 ? 'it' : 'them'} as missing data, not zero.`);
  return out;
}

export function ImportJobView({ id, onFinished }: { id: string; onFinished: (job: ImportJob) => void }) {
  const { job, error } = useImportJob(id, onFinished);
  if (!job) return <div className="panel">{error ? <p className="error-text">{error}</p> : <p className="hint">Loading import {id}…</p>}</div>;
  const done = isFinished(job);
  const err = jobErrorMessage(job);
  return (
    <div className="panel import-job" data-testid="import-job" data-status={job.status}>
      <h2 className="job-title">
        {job.file_name ?? `Import ${job.id}`} <span className={`status status-${job.status}`}>{STATUS_LABEL[job.status] ?? job.status}</span>
      </h2>
      {!done && (
        <ProgressBar
          testId="import-progress"
          label={progressLabel(job)}
          // Bytes measure the reading phase; later phases have no measure, so the bar is indeterminate.
          value={job.bytes_total && (!job.phase || job.phase === 'reading') ? (job.bytes_read ?? 0) : null}
          max={job.bytes_total}
        />
      )}
      {error && <p className="error-text">{error}</p>}
      {done && (
        <>
          {err && (
            <p className="error-text" role="alert" data-testid="import-failure">
              {err} Nothing from this file was kept.
            </p>
          )}
          <dl className="import-summary" data-testid="import-summary">
            <div>
              <dt>Rows read</dt>
              <dd>{formatCount(job.rows_read)}</dd>
            </div>
            <div>
              <dt>Imported</dt>
              <dd data-testid="summary-imported">{formatCount(job.imported)}</dd>
            </div>
            <div>
              <dt>Duplicates skipped</dt>
              <dd>{formatCount(job.duplicates)}</dd>
            </div>
            <div>
              <dt>Rejected</dt>
              <dd data-testid="summary-rejected">{formatCount(job.rejected)}</dd>
            </div>
            <div>
              <dt>Outside study area</dt>
              <dd>{formatCount(job.outside_study_area)}</dd>
            </div>
          </dl>
          {coverageSentences(job.summary).map((t) => (
            <p className="hint" key={t} data-testid="import-coverage">
              {t}
            </p>
          ))}
          {summaryFacts(job.summary).length > 0 && (
            <dl className="import-facts">
              {summaryFacts(job.summary).map(([k, v]) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd>{v}</dd>
                </div>
              ))}
            </dl>
          )}
          {(job.rejected ?? 0) > 0 && <RejectsTable id={String(job.id)} total={job.rejected ?? 0} />}
        </>
      )}
    </div>
  );
}
