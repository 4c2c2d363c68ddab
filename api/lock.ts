// The embedded database is single-process. Whoever opens DATA_DIR/pgdata holds DATA_DIR/lock.json.
// The app publishes its port and a random secret there (mode 0600) so the import CLI can go
// through the running app instead of opening the database a second time.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface LockInfo {
  pid: number;
  owner: 'app' | 'cli';
  secret: string;
  port?: number;
  host?: string;
}
export interface Lock extends LockInfo {
  file: string;
  publish(extra: { port: number; host: string }): void;
}

const lockFile = (dataDir: string) => path.join(dataDir, 'lock.json');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock's holder if a live process holds it, else undefined (a stale lock is ignored). */
export function readLock(dataDir: string): LockInfo | undefined {
  try {
    const info = JSON.parse(fs.readFileSync(lockFile(dataDir), 'utf8')) as LockInfo;
    return info.pid && alive(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}

export class LockedError extends Error {}

export function acquireLock(dataDir: string, owner: LockInfo['owner']): Lock {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = lockFile(dataDir);
  const info: LockInfo = { pid: process.pid, owner, secret: crypto.randomBytes(24).toString('base64url') };
  const write = (flag: 'wx' | 'w') => fs.writeFileSync(file, JSON.stringify(info), { flag, mode: 0o600 });
  try {
    write('wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const held = readLock(dataDir);
    if (held && held.pid !== process.pid) {
      const what = held.owner === 'app' ? `the Saferplaces app${held.port ? ` on port ${held.port}` : ''}` : 'an import';
      throw new LockedError(
        `The embedded database in ${dataDir} is in use by ${what} (pid ${held.pid}). Stop it first, or let the import CLI go through the running app.`,
      );
    }
    fs.rmSync(file, { force: true }); // stale: its process is gone
    write('wx');
  }
  return {
    ...info,
    file,
    publish(extra) {
      Object.assign(info, extra);
      write('w');
    },
  };
}

/** For entry points: the lock, or the holder's message printed and exit code 1. */
export function acquireLockOrExit(dataDir: string, owner: LockInfo['owner']): Lock {
  try {
    return acquireLock(dataDir, owner);
  } catch (e) {
    if (e instanceof LockedError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
}

export function releaseLock(lock: Pick<Lock, 'file' | 'pid'>) {
  const held = (() => {
    try {
      return JSON.parse(fs.readFileSync(lock.file, 'utf8')) as LockInfo;
    } catch {
      return undefined;
    }
  })();
  if (held?.pid === lock.pid) fs.rmSync(lock.file, { force: true });
}
