// Holding up under load (issue 15). Two middlewares:
//
// - `shedLoad`: at most `maxActive` requests do database work at once; up to `maxQueue` more wait, each at most
//   `maxWaitMs`; beyond that the answer is 503 `overloaded` with Retry-After, at once, rather than a queue that
//   grows until clients time out (measured before: p99 12 s on the server, 30 s timeouts and a 38.8 s health
//   check on the embedded database with 200 clients). Health and the live change feed (long-lived SSE) are
//   not counted, so a monitor always gets an answer; nor is signing in (it has its own limits).
// - `coalesce`: identical GETs of aggregate statistics for the same user in flight at the same time share one
//   computation (single flight, as a caching proxy's request coalescing): the first runs, the others wait for
//   its answer. Nothing is kept after the answer: no cache to invalidate. Record-level and audited routes are
//   not listed.
import type { Context, MiddlewareHandler } from 'hono';
import { errorBody } from './errors.js';
import type { AppEnv } from './auth/middleware.js';

export interface LoadLimits {
  /** Requests doing database work at once. */
  maxActive: number;
  /** Requests waiting for a turn; more are refused at once. */
  maxQueue: number;
  /** Longest wait for a turn before the request is refused. */
  maxWaitMs: number;
}

/** Defaults: the server pool has 8 connections; the embedded database runs one query at a time. */
export function defaultLimits(driver: 'pglite' | 'postgres'): LoadLimits {
  return driver === 'postgres'
    ? { maxActive: 8, maxQueue: 400, maxWaitMs: 2000 }
    : { maxActive: 2, maxQueue: 400, maxWaitMs: 4000 };
}

/**
 * Paths (under /api) never counted: health checks, the long-lived streams (the change feed `/api/live`, a
 * meeting's `/api/meetings/{id}/events`; `live\/` here once missed the feed itself), and signing in and
 * out (bounded by its own per-account and per-address limits, which answer 429 without a password check).
 */
const UNCOUNTED = /^\/api\/(health$|live$|meetings\/[^/]+\/events$|session$|setup$)/;

export interface LoadStats {
  active: number;
  queued: number;
  shed: number;
}

export function shedLoad(limits: LoadLimits): { middleware: MiddlewareHandler<AppEnv>; stats: () => LoadStats } {
  let active = 0;
  let shed = 0;
  const queue: { grant: () => void; timer: NodeJS.Timeout }[] = [];
  const release = () => {
    const next = queue.shift();
    if (next) {
      clearTimeout(next.timer);
      next.grant();
    } else active--;
  };
  const refuse = (c: Context) => {
    shed++;
    c.header('retry-after', String(Math.max(1, Math.ceil(limits.maxWaitMs / 1000))));
    return c.json(errorBody('overloaded', 'The service is busy; try again in a moment.'), 503);
  };
  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (UNCOUNTED.test(c.req.path)) return next();
    if (active < limits.maxActive) active++;
    else {
      if (queue.length >= limits.maxQueue) return refuse(c);
      const granted = await new Promise<boolean>((resolve) => {
        const entry = {
          grant: () => resolve(true),
          timer: setTimeout(() => {
            queue.splice(queue.indexOf(entry), 1);
            resolve(false);
          }, limits.maxWaitMs),
        };
        queue.push(entry);
      });
      if (!granted) return refuse(c);
      // A granted request takes over the released slot: `active` is unchanged.
    }
    try {
      await next();
    } finally {
      release();
    }
  };
  return { middleware, stats: () => ({ active, queued: queue.length, shed }) };
}

/** Aggregate GET routes whose answer depends only on the URL and who asks (not audited, no side effects). */
export const COALESCED = /^\/api\/(stats\/areas|hexes|series|summary|coverage|hotspots|hotspots\/top|change|emerging)$/;

interface Shared {
  status: number;
  headers: [string, string][];
  body: ArrayBuffer;
}

export function coalesce(): MiddlewareHandler<AppEnv> {
  const inFlight = new Map<string, Promise<Shared>>();
  return async (c, next) => {
    if (c.req.method !== 'GET' || !COALESCED.test(c.req.path)) return next();
    const p = c.get('principal');
    if (!p) return next();
    const url = new URL(c.req.url);
    url.searchParams.sort();
    // The user (their role and areas), and for tokens the token (its scopes), decide what they may see.
    const key = `${p.user.id}\u001f${p.via === 'token' ? `t${p.tokenId}` : 's'}\u001f${url.pathname}?${url.searchParams}`;
    const running = inFlight.get(key);
    if (running) {
      const s = await running.catch(() => null);
      if (s) return new Response(s.body.slice(0), { status: s.status, headers: s.headers });
      return next(); // the first one failed: compute it ourselves
    }
    let done!: (s: Shared) => void;
    let failed!: (e: unknown) => void;
    const shared = new Promise<Shared>((resolve, reject) => {
      done = resolve;
      failed = reject;
    });
    shared.catch(() => undefined);
    inFlight.set(key, shared);
    try {
      await next();
      const res = c.res;
      const body = await res.arrayBuffer();
      // A cookie set for this request's session is not the followers' (they keep their own).
      const headers = [...res.headers].filter(([k]) => k.toLowerCase() !== 'set-cookie');
      done({ status: res.status, headers, body });
      c.res = new Response(body, { status: res.status, headers: res.headers });
    } catch (e) {
      failed(e);
      throw e;
    } finally {
      inFlight.delete(key);
    }
  };
}
