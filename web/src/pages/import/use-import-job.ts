// Polls an import until it is committed or failed (the API has no push channel; a timer is the honest way).
import { useEffect, useState } from 'react';
import { api, errorMessage, isAbort } from '../../api/client';
import type { ImportJob } from '../../api/types';

export const POLL_MS = 700;

export function isFinished(job: ImportJob | null): boolean {
  return !!job && (job.status === 'committed' || job.status === 'failed');
}

export function useImportJob(id: string, onFinished: (job: ImportJob) => void) {
  const [job, setJob] = useState<ImportJob | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const ac = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let wasFinished: boolean | null = null;
    const poll = async () => {
      try {
        const j = await api.importJob(id, ac.signal);
        setJob(j);
        setError(null);
        const done = isFinished(j);
        // Only report a finish we watched happen (not an old import opened from the history).
        if (done && wasFinished === false) onFinished(j);
        if (wasFinished === null) wasFinished = done;
        if (!done) {
          wasFinished = false;
          timer = setTimeout(poll, POLL_MS);
        }
      } catch (e) {
        if (isAbort(e)) return;
        setError(errorMessage(e));
        timer = setTimeout(poll, POLL_MS * 3);
      }
    };
    void poll();
    return () => {
      ac.abort();
      if (timer) clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id]);
  return { job, error };
}
