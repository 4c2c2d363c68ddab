// A throwaway PostgreSQL 15 cluster for fault tests (stopped and started by the test; never the
// shared one): pg_createcluster on a free port with trust auth, dropped by `drop`. Needs Debian's
// postgresql-common tools and root (CI runs as root).
import { execFile, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import { promisify } from 'node:util';

const run = promisify(execFile);
const VERSION = '15';

/** Why a cluster cannot be made here, or null when it can. */
export function clusterUnavailable(): string | null {
  if (!fs.existsSync('/usr/bin/pg_createcluster'))
    return 'pg_createcluster is not installed (apt-get install postgresql-common postgresql-15)';
  if (!fs.existsSync(`/usr/lib/postgresql/${VERSION}/bin/postgres`)) return `PostgreSQL ${VERSION} is not installed`;
  if (process.getuid?.() !== 0) return 'making a PostgreSQL cluster needs root';
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface Cluster {
  name: string;
  port: number;
  url(db: string): string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** psql as the superuser on `db` (database `postgres` by default). */
  psql(sql: string, db?: string): Promise<string>;
  drop(): void;
}

/**
 * A new cluster; with `replicaOf`, a hot standby streaming from that cluster: its data directory is replaced
 * by `pg_basebackup -R` of the primary (run as the postgres OS user), so it starts in recovery and follows.
 */
export async function makeCluster(opts: { replicaOf?: Cluster } = {}): Promise<Cluster> {
  const name = `sp_fault_${crypto.randomBytes(4).toString('hex')}`;
  const port = await freePort();
  execFileSync('pg_createcluster', [VERSION, name, '-p', String(port), '--', '--auth=trust'], { stdio: 'pipe' });
  const primary = opts.replicaOf;
  if (primary) {
    const dir = `/var/lib/postgresql/${VERSION}/${name}`;
    // emptied, kept (owned by postgres; its parent may not be writable for postgres)
    for (const f of fs.readdirSync(dir)) fs.rmSync(`${dir}/${f}`, { recursive: true, force: true });
    const basebackup = () =>
      execFileSync(
        'runuser',
        ['-u', 'postgres', '--', 'pg_basebackup', '-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres'].concat([
          '-D',
          dir,
          '-R',
          '-X',
          'stream',
          '-c',
          'fast',
        ]),
        { stdio: 'pipe', input: '' },
      );
    try {
      basebackup();
    } catch (e) {
      execFileSync('pg_dropcluster', [VERSION, name], { stdio: 'pipe' });
      throw e;
    }
  }
  const ctl = (action: string, ...extra: string[]) =>
    run('pg_ctlcluster', ['--skip-systemctl-redirect', VERSION, name, action, ...extra]);
  const c: Cluster = {
    name,
    port,
    url: (db) => `postgres://postgres@127.0.0.1:${port}/${db}`,
    start: async () => void (await ctl('start')),
    stop: async () => void (await ctl('stop', '--mode=fast')),
    psql: async (sql, db = 'postgres') =>
      (
        await run('psql', [
          '-X',
          '-q',
          '-At',
          '-h',
          '127.0.0.1',
          '-p',
          String(port),
          '-U',
          'postgres',
          '-d',
          db,
          '-v',
          'ON_ERROR_STOP=1',
          '-c',
          sql,
        ])
      ).stdout,
    drop() {
      execFileSync('pg_dropcluster', ['--stop', VERSION, name], { stdio: 'pipe' });
    },
  };
  await c.start();
  return c;
}
