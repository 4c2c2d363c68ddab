// Polls an import until it is committed or failed (the API has no push channel; a timer is the honest way).
import { useEffect, useRef } from 'react';
import { getImport, type ImportJob } from '../../../../contract/imports';
import { errorMessage } from '../../api/client';
import { useRoute } from '../../api/query';

export const POLL_MS = 700;

export function isFinished(job: ImportJob | null | undefined): boolean {
  return !!job && (job.status === 'committed' || job.status === 'failed');
}

export function useImportJob(id: string, onFinished: (job: ImportJob) => void) {
  const q = useRoute(
    getImport,
    { params: { id } },
    {
      staleTime: 0,
      // Every POLL_MS until it ends; slower after a failed poll.
      refetchInterval: (query) => (isFinished(query.state.data) ? false : query.state.error ? POLL_MS * 3 : POLL_MS),
      retry: false,
    },
  );
  const job = q.data ?? null;
  const latest = useRef(onFinished);
  latest.current = onFinished;
  // Only report a finish we watched happen (not an old import opened from the history).
  const wasFinished = useRef<{ id: string; done: boolean } | null>(null);
  useEffect(() => {
    if (!job) return;
    const done = isFinished(job);
    const before = wasFinished.current?.id === id ? wasFinished.current.done : null;
    if (done && before === false) latest.current(job);
    wasFinished.current = { id, done };
  }, [id, job]);
  return { job, error: q.error ? errorMessage(q.error) : null };
}
