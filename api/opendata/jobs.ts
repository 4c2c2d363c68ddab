// Open-data fetches started through the API run one at a time in the background; each step's progress is
// kept in memory while a fetch runs and in opendata_steps when each step ends. `refreshAll` fetches what is
// new for every place fetched before (the CLI `npm run refresh` and POST /api/opendata/refresh).
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../db/index.js';
import {
  checkSpec,
  fetchOpenData,
  scopeKey,
  type FetchOptions,
  type FetchSpec,
  type RunResult,
  type Sources,
  type StepProgress,
} from './fetch.js';

export class OpenDataJobs {
  private tail: Promise<unknown> = Promise.resolve();
  private live = new Map<number, Omit<StepProgress, 'status'> & { status: StepProgress['status'] | 'queued' }>();

  constructor(
    private db: Db,
    private sources: Sources,
    private workDir: string,
  ) {}

  /** Queue a fetch; resolves to the run id at once (the run row exists before the fetch starts). */
  async enqueue(spec: FetchSpec, createdBy: string): Promise<{ runId: number; done: Promise<RunResult> }> {
    const s = checkSpec(spec);
    const [run] = await this.db.query<{ id: number }>(
      `INSERT INTO opendata_runs (scope_key, spec, label, created_by) VALUES ($1, $2::jsonb, $3, $4)
       ON CONFLICT (scope_key) DO UPDATE SET spec = EXCLUDED.spec, label = EXCLUDED.label, updated_at = now() RETURNING id`,
      [scopeKey(s.lads), JSON.stringify(s), (s.label ?? s.lads.join(', ')).slice(0, 200), createdBy],
    );
    const runId = run.id;
    this.live.set(runId, { runId, step: '', done: 0, total: 0, status: 'queued' });
    const done = this.tail.then(async () => {
      try {
        return await fetchOpenData(
          this.db,
          s,
          this.options(createdBy, (p) => this.live.set(runId, p)),
        );
      } finally {
        this.live.delete(runId);
      }
    });
    this.tail = done.catch(() => undefined);
    return { runId, done };
  }

  options(createdBy: string, onProgress?: FetchOptions['onProgress']): FetchOptions {
    return { sources: this.sources, createdBy, workDir: this.workDir, onProgress };
  }

  progress(runId: number) {
    return this.live.get(runId);
  }
}

/** Fetch new months (and anything unfinished) for every place fetched before, one after another. */
export async function refreshAll(db: Db, o: Omit<FetchOptions, 'workDir'> & { workDir?: string }): Promise<RunResult[]> {
  const runs = await db.query<{ id: number; spec: FetchSpec }>(`SELECT id, spec FROM opendata_runs ORDER BY id`);
  const out: RunResult[] = [];
  for (const r of runs)
    out.push(await fetchOpenData(db, r.spec, { ...o, workDir: o.workDir ?? path.join(os.tmpdir(), 'saferplaces-opendata') }));
  return out;
}
