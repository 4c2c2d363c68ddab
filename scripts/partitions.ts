// `npm run partitions -- <command>`: the monthly partitions of incidents (migration 021, docs/SCALE-OUT.md).
// With DATABASE_URL: the server directly (safe while the app runs). Embedded: only while the app is stopped
// (the CLI takes DATA_DIR's lock).
import { configOrExit } from '../api/config.js';
import { openConfiguredDb } from '../api/db/index.js';
import { detachPartition, ensurePartitions, listPartitions } from '../api/db/partitions.js';
import { acquireLockOrExit, releaseLock } from '../api/lock.js';

const HELP = `Usage: npm run partitions -- <command>
  list                      Partitions of incidents with their (estimated) rows.
  ensure <YYYY-MM> [YYYY-MM] Make the partitions of every month in the span ahead of imports (rows of those
                            months already in incidents_default move into them).
  detach <YYYY-MM>          Detach that month: its rows stay in the table incidents_YYYY_MM (dump it with
                            pg_dump -t, then DROP it); its dedup keys and coverage leave the database.
Environment: DATA_DIR, DATABASE_URL.`;

async function main() {
  const [cmd, a, b] = process.argv.slice(2);
  if (!cmd || cmd === '-h' || cmd === '--help' || !['list', 'ensure', 'detach'].includes(cmd)) {
    console.log(HELP);
    process.exit(cmd && !['-h', '--help'].includes(cmd) ? 2 : 0);
  }
  const config = configOrExit();
  const lock = config.DATABASE_URL ? undefined : acquireLockOrExit(config.dataDir, 'cli');
  const db = await openConfiguredDb(config);
  try {
    if (cmd === 'list') for (const p of await listPartitions(db)) console.log(`${p.name}\t${p.month ?? 'default'}\t${p.rows}`);
    else if (cmd === 'ensure') console.log(`made ${await ensurePartitions(db, a, b ?? a)} partition(s)`);
    else {
      const part = await detachPartition(db, a);
      console.log(
        part ? `detached ${part} (a plain table now: pg_dump -t ${part}, then DROP TABLE ${part})` : `no partition for ${a}`,
      );
    }
  } finally {
    await db.close();
    if (lock) releaseLock(lock);
  }
}

main().catch((e) => {
  console.error(`partitions: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
