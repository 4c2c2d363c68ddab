// Server-sent event streams (GET /api/live, GET /api/meetings/:id/events): one writer per stream
// (messages are written in order, never interleaved), a heartbeat comment every HEARTBEAT_MS that
// also checks the session or token is still valid, and cleanup when the client goes away.
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Db } from '../db/index.js';
import type { AppEnv } from '../auth/middleware.js';
import type { Principal } from '../auth/roles.js';
import { SESSION_IDLE_MINUTES } from '../auth/store.js';

export const HEARTBEAT_MS = 15_000;
/** EventSource reconnection delay asked of clients (the browser default is about 3 s). */
export const RETRY_MS = 1_500;

export interface Message {
  event: string;
  data: unknown;
  id?: number | string;
  retry?: number;
}

export interface Out {
  send(m: Message): void;
  /** End the stream (after whatever was sent before). */
  end(): void;
}

/**
 * Is the principal still signed in? Sessions: not revoked, expired or idle, account enabled; tokens:
 * not revoked or expired. Reads only: a stream must not keep an idle session alive.
 */
export async function stillSignedIn(db: Db, p: Principal): Promise<boolean> {
  if (p.via === 'session' && p.sessionHash) {
    const rows = await db.query(
      `SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
          AND s.last_seen_at > now() - make_interval(mins => $2) AND u.disabled_at IS NULL`,
      [p.sessionHash, SESSION_IDLE_MINUTES],
    );
    return rows.length > 0;
  }
  if (p.via === 'token' && p.tokenId !== undefined) {
    const rows = await db.query(
      `SELECT 1 FROM api_tokens t JOIN users u ON u.id = t.user_id
        WHERE t.id = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now()) AND u.disabled_at IS NULL`,
      [p.tokenId],
    );
    return rows.length > 0;
  }
  return true;
}

/**
 * Respond with an event stream. `open` subscribes and sends what the client needs first; it returns
 * the cleanup, run when the client disconnects, the stream is ended, or the principal signs out.
 */
export function eventStream(c: Context<AppEnv>, db: Db, p: Principal, open: (out: Out) => Promise<() => void>) {
  c.header('X-Accel-Buffering', 'no'); // reverse proxies: do not buffer the stream
  return streamSSE(c, async (stream) => {
    let finish!: () => void;
    const finished = new Promise<void>((r) => (finish = r));
    let chain: Promise<unknown> = Promise.resolve();
    const write = (fn: () => Promise<unknown>) => {
      chain = chain.then(() => (stream.aborted || stream.closed ? undefined : fn())).catch(() => finish());
    };
    const out: Out = {
      send: (m) =>
        write(() =>
          stream.writeSSE({
            event: m.event,
            data: JSON.stringify(m.data),
            id: m.id === undefined ? undefined : String(m.id),
            retry: m.retry,
          }),
        ),
      end: () => write(async () => finish()),
    };
    stream.onAbort(() => finish());
    let cleanup: (() => void) | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      cleanup = await open(out);
      timer = setInterval(() => {
        stillSignedIn(db, p).then(
          (ok) => {
            if (ok) write(() => stream.write(': heartbeat\n\n'));
            else {
              out.send({ event: 'end', data: { reason: 'signed_out' } });
              out.end();
            }
          },
          () => write(() => stream.write(': heartbeat\n\n')),
        );
      }, HEARTBEAT_MS);
      await finished;
      await chain;
    } catch (e) {
      console.error('event stream failed:', (e as Error).message);
    } finally {
      if (timer) clearInterval(timer);
      cleanup?.();
    }
  });
}
