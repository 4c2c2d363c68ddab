// Holding up under load (issue 15). Two middlewares:
//
// - `shedLoad`: at most `maxActive` requests do database work at once; up to `maxQueue` more wait, each at most
//   `maxWaitMs`; beyond that the answer is 503 `overloaded` with Retry-After, at once, rather than a queue that
//   grows until clients time out (measured before: p99 12 s on the server, 30 s timeouts and a 38.8 s health
//   check on the embedded database with 200 clients), and at once while the event loop runs late (`loopLag`).
//   Health and the live change feed (long-lived SSE) are not counted, so a monitor always gets an answer; nor is signing in (it has its own limits).
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
  /**
   * Refuse at once while at least `lagMinRate` requests a second arrive and the event loop runs later than
   * this (ms; undefined: never). A saturated loop that
   * spends milliseconds of JavaScript on each request leaves some connections unread for tens of seconds (see
   * `loopLag`); answering 503 quickly keeps every connection served.
   */
  maxLagMs?: number;
  /** Requests a second below which a late loop does not refuse (default 100: a browser opening a map page sends a few dozen). */
  lagMinRate?: number;
}

/**
 * The late-loop rule, off by default: on in CI it refused a test's own requests (many a second from one caller,
 * the loop late from the machine's load), which is not the many clients it is meant for. `npm run load --
 * --late-loop` measures it (docs/RELIABILITY.md); telling many clients apart (open connections) is the next step.
 */
export const LATE_LOOP: Pick<LoadLimits, 'maxLagMs' | 'lagMinRate'> = { maxLagMs: 250, lagMinRate: 100 };

/** Defaults: the server pool has 8 connections; the embedded database runs one query at a time. */
export function defaultLimits(driver: 'pglite' | 'postgres'): LoadLimits {
  return driver === 'postgres'
    ? { maxActive: 8, maxQueue: 400, maxWaitMs: 2000 }
    : { maxActive: 2, maxQueue: 400, maxWaitMs: 4000 };
}

const LAG_TICK_MS = 20;
let lagMs = 0;
let lagTimer: NodeJS.Timeout | undefined;

/**
 * How late the event loop ran at its last turn (ms): a 20 ms interval timer measures its own delay. Timers run
 * before the loop reads sockets, so a request read in a turn sees that turn's lateness. Measured (docs/RELIABILITY.md,
 * "Why the embedded database timed out"): a bare node:http server burning 2.5 ms of CPU per request under 200
 * closed-loop clients left 94 requests unanswered for 30 s; refusing while the lag exceeded 250 ms left none.
 * One timer per process (the event loop is the process's), unref'd.
 */
export function loopLag(): number {
  if (!lagTimer) {
    let last = performance.now();
    lagTimer = setInterval(() => {
      const now = performance.now();
      lagMs = Math.max(0, now - last - LAG_TICK_MS);
      last = now;
    }, LAG_TICK_MS);
    lagTimer.unref();
  }
  return lagMs;
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
  /** Of `shed`, refused because the event loop ran late. */
  shedLate: number;
}

export function shedLoad(limits: LoadLimits): { middleware: MiddlewareHandler<AppEnv>; stats: () => LoadStats } {
  let active = 0;
  let shed = 0;
  let shedLate = 0;
  if (limits.maxLagMs !== undefined) loopLag();
  // Counted requests arriving per second: the last whole second's count, or this second's when higher.
  let second = 0;
  let thisSecond = 0;
  let lastSecond = 0;
  const arrivals = () => {
    const now = Math.floor(performance.now() / 1000);
    if (now !== second) {
      lastSecond = now === second + 1 ? thisSecond : 0;
      second = now;
      thisSecond = 0;
    }
    return Math.max(lastSecond, ++thisSecond);
  };
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
    // Late with many requests arriving: the loop is saturated by requests. A late loop with few requests (an
    // import's JavaScript, a big answer being built) still answers them: reads must go on during an import.
    // (Not "every slot taken": under 200 clients the app holds a request for ~10 ms and the slots are mostly
    // free; the requests wait unread in their sockets, which only the lag shows.)
    if (limits.maxLagMs !== undefined && arrivals() >= (limits.lagMinRate ?? 100) && loopLag() > limits.maxLagMs) {
      shedLate++;
      return refuse(c);
    }
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
  return { middleware, stats: () => ({ active, queued: queue.length, shed, shedLate }) };
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
