// The import CLI as a child process, and an in-process app on a fresh data directory that "holds" it
// (the lock file the app writes at start), so the CLI sends its files through the app.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { serve } from '@hono/node-server';
import { createApp } from '../../api/app.js';
import type { Db } from '../../api/db/index.js';

const run = promisify(execFile);

export const importCli = (args: string[], env: Record<string, string>) =>
  run(process.execPath, ['--import', 'tsx', 'scripts/import.ts', ...args], {
    env: { ...process.env, ...env, DATABASE_URL: '' },
    maxBuffer: 1 << 24,
  }).then(
    (r) => ({ code: 0, ...r }),
    (e) => ({ code: e.code as number, stdout: e.stdout as string, stderr: e.stderr as string }),
  );

/** An app listening on a free port, published in a new data directory's lock file. Close `server` after. */
export async function appHoldingDataDir(db: Db, prefix: string) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const app = createApp({ db, config: { dataDir, MAX_UPLOAD_MB: 100, BASEMAP_STYLE_URL: undefined } });
  let server: ReturnType<typeof serve> | undefined;
  const port: number = await new Promise((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port));
  });
  // What the app writes when it starts on a data directory (api/lock.ts).
  fs.writeFileSync(
    path.join(dataDir, 'lock.json'),
    JSON.stringify({ pid: process.pid, owner: 'app', secret: 's', port, host: '127.0.0.1' }),
  );
  return { app, dataDir, server: server! };
}
