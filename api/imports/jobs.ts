// Imports started through the API run one at a time in the background; their progress is kept
// in memory while they run and in import_batches when they end.
import fs from 'node:fs';
import type { Db } from '../db/index.js';
import { createBatch, releaseBatch } from './batches.js';
import { importFile, type ImportKind, type ImportOptions, type ImportSummary, type Progress } from './index.js';

export interface LiveProgress extends Progress {
  status: 'queued' | 'running';
}

export class ImportJobs {
  private tail: Promise<unknown> = Promise.resolve();
  private live = new Map<number, LiveProgress>();

  constructor(
    private db: Db,
    private log: (msg: string) => void = console.log,
  ) {}

  /** Queue an uploaded file; the file is deleted when its import ends. Resolves to the batch id. */
  async enqueue(
    file: string,
    opts: ImportOptions & { fileName: string; createdBy: string },
  ): Promise<{ id: number; done: Promise<ImportSummary> }> {
    const id = await createBatch(this.db, {
      kind: opts.kind ?? ('incidents_csv' as ImportKind),
      fileName: opts.fileName,
      createdBy: opts.createdBy,
      dataset: opts.dataset,
      status: 'queued',
    });
    const bytesTotal = fs.statSync(file).size;
    this.live.set(id, { status: 'queued', phase: 'reading', bytesRead: 0, bytesTotal, rowsRead: 0 });
    const done = this.tail.then(async () => {
      this.live.set(id, { status: 'running', phase: 'reading', bytesRead: 0, bytesTotal, rowsRead: 0 });
      try {
        return await importFile(this.db, file, {
          ...opts,
          batchId: id,
          onProgress: (p) => {
            const before = this.live.get(id)?.phase;
            this.live.set(id, { status: 'running', ...p, bytesTotal: p.bytesTotal || bytesTotal });
            // Each change of phase in the log: on the embedded database nothing else can tell it while the
            // import's transaction holds the one connection (GET /api/imports/:id queues behind it).
            if (before !== p.phase) this.log(`Import ${id}: ${p.phase} (${p.rowsRead} rows read)`);
          },
        });
      } finally {
        this.live.delete(id);
        fs.rmSync(file, { force: true });
        await releaseBatch(this.db, id);
      }
    });
    this.tail = done.catch(() => undefined);
    return { id, done };
  }

  progress(id: number): LiveProgress | undefined {
    return this.live.get(id);
  }
}
