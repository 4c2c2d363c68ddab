// `npm run refresh`: the scheduled monthly refresh of open data (issue 17). For every place fetched before
// (POST /api/opendata/fetch or the first-run screen), fetch what is new since — police.uk months published
// since the last run — and anything a stopped fetch left unfinished; steps already done are not asked again.
// With the embedded database and the app running, the refresh goes through the app (API token with the
// import scope); otherwise the CLI opens the database itself. Cron, monthly (police.uk publishes mid-month):
//   17 4 20 * *  cd /srv/saferplaces && npm run refresh >> refresh.log 2>&1
// `npm run refresh -- --lad E09000023 [--lad ...] [--months 36]` starts (or continues) one place instead, as
// the first-run screen does; killed half-way, the same command (or a plain refresh) continues it.
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { configOrExit } from '../api/config.js';
import { openConfiguredDb } from '../api/db/index.js';
import { acquireLockOrExit, readLock, releaseLock } from '../api/lock.js';
import { audit } from '../api/auth/audit.js';
import { API_TOKEN_RE } from '../api/auth/secrets.js';
import { refreshAll } from '../api/opendata/jobs.js';
import { checkSpec, fetchOpenData, type FetchSpec, type RunResult } from '../api/opendata/fetch.js';
import { FetchError } from '../api/opendata/http.js';

function report(runs: RunResult[]) {
  for (const r of runs) {
    const months = r.steps.filter((s) => s.step.startsWith('police:20'));
    console.log(
      `fetch ${r.runId}: ${r.status}; ${months.filter((s) => s.status === 'done').length} months imported, ${months.filter((s) => s.status === 'empty').length} with no data${r.error ? `; stopped at ${r.error.step}: ${r.error.message}` : ''}`,
    );
  }
  return runs.every((r) => r.status === 'done');
}

async function main() {
  const { values: a } = parseArgs({
    options: {
      token: { type: 'string' },
      lad: { type: 'string', multiple: true },
      months: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (a.help) {
    console.log(
      'Usage: npm run refresh [-- --token <API token>]\nFetches new police.uk months (and unfinished steps) for every place fetched before.\n' +
        '       npm run refresh -- --lad <local authority code> [--lad ...] [--months N]\nStarts (or continues) the fetch of one place.',
    );
    return;
  }
  let place: FetchSpec | undefined;
  if (a.lad?.length) {
    const months = a.months === undefined ? undefined : /^\d{1,3}$/.test(a.months) ? Number(a.months) : Number.NaN;
    try {
      place = checkSpec({ lads: a.lad, months });
    } catch (e) {
      console.error(e instanceof FetchError ? e.message : String(e));
      process.exit(2);
    }
  } else if (a.months !== undefined) {
    console.error('--months goes with --lad.');
    process.exit(2);
  }
  const config = configOrExit();
  if (!config.DATABASE_URL && !place) {
    const held = readLock(config.dataDir);
    if (held?.owner === 'app' && held.port) {
      const token = a.token ?? config.SAFERPLACES_TOKEN;
      if (!token || !API_TOKEN_RE.test(token)) {
        console.error(
          'The app is running and holds the database: the refresh goes through it and needs an API token with the import scope (--token or SAFERPLACES_TOKEN).',
        );
        process.exit(2);
      }
      const res = await fetch(`http://${held.host ?? '127.0.0.1'}:${held.port}/api/opendata/refresh`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      const body = (await res.json()) as { runs?: RunResult[]; error?: { message: string } };
      if (!res.ok || !body.runs) {
        console.error(`Refresh failed: ${body.error?.message ?? res.status}`);
        process.exit(1);
      }
      process.exit(report(body.runs) ? 0 : 1);
    }
  }
  const lock = config.DATABASE_URL ? undefined : acquireLockOrExit(config.dataDir, 'cli');
  const db = await openConfiguredDb(config);
  const actor = `cli:${os.userInfo().username}`;
  try {
    const o = {
      sources: {
        ons: config.ONS_ARCGIS_URL,
        police: config.POLICE_UK_API_URL,
        nomis: config.NOMIS_URL,
        archive: config.POLICE_UK_ARCHIVE_URL,
      },
      createdBy: actor,
      workDir: path.join(config.dataDir, 'opendata'),
      onProgress: (p: { step: string; status: string; done: number; total: number }) =>
        p.status !== 'skipped' && console.error(`  ${p.step}: ${p.status} (${p.done}/${p.total})`),
    };
    const runs = place ? [await fetchOpenData(db, place, o)] : await refreshAll(db, o);
    await audit(db, { email: actor, via: 'cli' }, null, {
      action: 'import',
      resource: place ? 'opendata/fetch' : 'opendata/refresh',
      query: place ? { lads: place.lads, months: place.months } : {},
      outcome: 'done',
      recordCount: runs.length,
    });
    process.exitCode = report(runs) ? 0 : 1;
  } finally {
    await db.close();
    if (lock) releaseLock(lock);
  }
}

main().catch((e) => {
  console.error(`Refresh failed: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
