// One import: live progress while it runs, then its summary and rejected rows.
import type { ImportJob } from '../../../../contract/imports';
import { formatBytes, formatCount } from '../../lib/format';
import { ProgressBar } from './ProgressBar';
import { RejectsTable } from './RejectsTable';
import { isFinished, useImportJob } from './use-import-job';
import { summaryFacts } from './summary-words';
import { pendingRemoval } from './detect-level';

const STATUS_LABEL: Record<string, string> = { queued: 'Queued', running: 'Importing', committed: 'Imported', failed: 'Failed' };

export function jobErrorMessage(job: ImportJob): string | null {
  if (!job.error) return null;
  return typeof job.error === 'string' ? job.error : (job.error.message ?? job.error.code ?? 'The import failed.');
}

const PHASE_LABEL: Record<string, string> = {
  reading: 'reading and checking rows',
  assigning: 'storing rows and assigning them to areas',
  finishing: 'finishing',
};

export function progressLabel(
  job: Pick<ImportJob, 'status' | 'phase' | 'rows_read' | 'bytes_read' | 'bytes_total'> &
    Partial<Pick<ImportJob, 'pieces_done' | 'pieces_total' | 'rows_moved'>>,
): string {
  const status = STATUS_LABEL[job.status] ?? job.status;
  const parts = [job.phase && job.status !== 'queued' ? `${status}: ${PHASE_LABEL[job.phase] ?? job.phase}` : status];
  // Rows during the whole import, not only bytes: "12,000 rows so far", then the total being stored.
  if (job.status === 'running')
    parts.push(`${formatCount(job.rows_read ?? 0)} rows ${job.phase === 'reading' ? 'so far' : 'read'}`);
  if (job.bytes_total && job.phase === 'reading')
    parts.push(`${formatBytes(job.bytes_read ?? 0)} of ${formatBytes(job.bytes_total)}`);
  // The move into place, piece by piece (issue 16).
  if (job.phase === 'assigning' && job.pieces_total)
    parts.push(`piece ${job.pieces_done ?? 0} of ${job.pieces_total}, ${formatCount(job.rows_moved ?? 0)} rows moved`);
  return parts.join(' · ');
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
  const c =
    details && typeof details === 'object'
      ? ((details as Record<string, unknown>).coverage as CoverageAdded | undefined)
      : undefined;
  if (!c || !c.months_added?.length) return [];
  const n = c.months_added.length;
  const out = [
    `Months added: ${c.first_month === c.last_month ? c.first_month : `${c.first_month} to ${c.last_month}`} (${n} month${n === 1 ? '' : 's'}), for ${c.categories.length} categor${c.categories.length === 1 ? 'y' : 'ies'}${c.published_for ? `, published for ${c.published_for}` : ''}.`,
  ];
  if (c.months_without_rows.length)
    out.push(
      `No rows at all in ${c.months_without_rows.join(', ')}: ${c.months_without_rows.length === 1 ? 'that month is' : 'those months are'} not covered by this file, and analyses treat ${c.months_without_rows.length === 1 ? 'it' : 'them'} as missing data, not zero.`,
    );
  return out;
}

export function ImportJobView({
  id,
  onFinished,
  onConfirmReplace,
  replaceStatus = null,
}: {
  id: string;
  onFinished: (job: ImportJob) => void;
  /** Given when the page still holds the file: a refused replacement can be confirmed here. */
  onConfirmReplace?: () => void;
  replaceStatus?: string | null;
}) {
  const { job, error } = useImportJob(id, onFinished);
  if (!job)
    return (
      <div className="panel">{error ? <p className="error-text">{error}</p> : <p className="hint">Loading import {id}…</p>}</div>
    );
  const done = isFinished(job);
  const err = jobErrorMessage(job);
  const removal = pendingRemoval(job.error);
  const facts = summaryFacts(job.kind, job.summary);
  return (
    <div className="panel import-job" data-testid="import-job" data-status={job.status}>
      <h2 className="job-title">
        {job.file_name ?? `Import ${job.id}`}{' '}
        <span className={`status status-${job.status}`}>{STATUS_LABEL[job.status] ?? job.status}</span>
      </h2>
      {!done && (
        <ProgressBar
          testId="import-progress"
          label={progressLabel(job)}
          // Bytes measure the reading phase, pieces the move; the finish has no measure (indeterminate bar).
          value={
            job.phase === 'assigning'
              ? job.pieces_total
                ? (job.pieces_done ?? 0)
                : null
              : job.bytes_total && (!job.phase || job.phase === 'reading')
                ? (job.bytes_read ?? 0)
                : null
          }
          max={job.phase === 'assigning' ? (job.pieces_total ?? null) : job.bytes_total}
        />
      )}
      {error && <p className="error-text">{error}</p>}
      {done && (
        <>
          {err && !removal && (
            <p className="error-text" role="alert" data-testid="import-failure">
              {err} Nothing from this file was kept.
            </p>
          )}
          {removal && <ReplaceConfirm removal={removal} onConfirm={onConfirmReplace} status={replaceStatus} />}
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
          {facts.length > 0 && (
            <dl className="import-facts" data-testid="import-facts">
              {facts.map(([k, v]) => (
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

/** The confirm step of a boundary import that would remove loaded areas: what goes, and a button to go ahead. */
function ReplaceConfirm({
  removal,
  onConfirm,
  status,
}: {
  removal: NonNullable<ReturnType<typeof pendingRemoval>>;
  onConfirm?: () => void;
  status: string | null;
}) {
  return (
    <div className="replace-confirm" role="alert" data-testid="replace-confirm">
      <p>
        <strong>Nothing was changed.</strong> This file holds {formatCount(removal.in_file)} areas; importing it as level “
        {removal.level}” would replace the {formatCount(removal.loaded)} loaded {removal.label.toLowerCase()} and remove{' '}
        {formatCount(removal.remove_count)} of them:
      </p>
      <ul className="replace-list" data-testid="replace-list">
        {removal.remove.map((a) => (
          <li key={a.code}>
            {a.code} {a.name !== a.code ? a.name : ''}
          </li>
        ))}
        {removal.remove_count > removal.remove.length && (
          <li>… and {formatCount(removal.remove_count - removal.remove.length)} more</li>
        )}
      </ul>
      <p className="hint">If the file holds another level (LSOAs, say), choose the file again and give that level instead.</p>
      {onConfirm && (
        <button
          type="button"
          className="danger"
          onClick={onConfirm}
          disabled={status !== null && status.startsWith('Uploading')}
          data-testid="replace-confirm-button"
        >
          Replace them with this file
        </button>
      )}
      {status && <p className="hint">{status}</p>}
    </div>
  );
}
