// Server-sent event streams for the UI: the change feed (GET /api/live) and a meeting's view stream
// (GET /api/meetings/:id/events). EventSource reconnects by itself after a dropped connection and
// sends Last-Event-ID, so the server catches the client up. When the browser gives up (the server
// answered an error, e.g. 401 after signing out), `EventStream` asks `closed` what to do: reconnect
// after a pause (with `?after=` the last id seen), or stop.
// The change feed is shared: one EventSource per tab, however many components listen.
import type { LiveChange } from '../../../contract/live';

/** The part of EventSource used here (tests pass a fake). */
export interface EventSourceLike {
  readonly readyState: number;
  onopen: ((e: Event) => void) | null;
  onerror: ((e: Event) => void) | null;
  addEventListener(type: string, fn: (e: MessageEvent) => void): void;
  close(): void;
}
export type EventSourceFactory = (url: string) => EventSourceLike;
const CLOSED = 2;

export type StreamStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface StreamOptions {
  /** The stream's URL for a (re)connection after `lastId` (null: none seen yet). */
  url(lastId: string | null): string;
  /** Named events and their handlers (data parsed from JSON). */
  on: Record<string, (data: unknown, id: string | null) => void>;
  onStatus?(s: StreamStatus): void;
  /** The browser gave up: resolve true to reconnect (after `retryMs`), false to stop. */
  closed?(): Promise<boolean>;
  retryMs?: number;
  create?: EventSourceFactory;
}

/** One event stream with its own reconnection on top of EventSource's. */
export class EventStream {
  private es: EventSourceLike | null = null;
  private lastId: string | null = null;
  private stopped = false;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly opts: StreamOptions) {
    this.connect();
  }

  get lastEventId() {
    return this.lastId;
  }

  private connect() {
    if (this.stopped) return;
    const create = this.opts.create ?? ((url: string) => new EventSource(url, { withCredentials: true }) as EventSourceLike);
    const es = create(this.opts.url(this.lastId));
    this.es = es;
    this.opts.onStatus?.(this.lastId === null ? 'connecting' : 'reconnecting');
    es.onopen = () => this.opts.onStatus?.('open');
    es.onerror = () => {
      if (this.stopped || es !== this.es) return;
      if (es.readyState !== CLOSED) {
        this.opts.onStatus?.('reconnecting'); // the browser retries by itself, with Last-Event-ID
        return;
      }
      this.es = null;
      this.opts.onStatus?.('reconnecting');
      const decide = this.opts.closed ? this.opts.closed() : Promise.resolve(true);
      decide.then(
        (again) => (again ? this.later() : this.stop()),
        () => this.later(),
      );
    };
    for (const [name, fn] of Object.entries(this.opts.on)) {
      es.addEventListener(name, (e: MessageEvent) => {
        if (es !== this.es) return;
        if (e.lastEventId) this.lastId = e.lastEventId;
        let data: unknown = null;
        try {
          data = JSON.parse(String(e.data));
        } catch {
          data = e.data;
        }
        fn(data, e.lastEventId || null);
      });
    }
  }

  private later() {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.connect(), this.opts.retryMs ?? 2000);
  }

  stop() {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.es?.close();
    this.es = null;
    this.opts.onStatus?.('closed');
  }
}

// ---------- the shared change feed ----------

export type LiveMessage =
  | { type: 'incidents'; change: LiveChange }
  | { type: 'ready'; seq: number }
  | { type: 'reset'; seq: number }
  | { type: 'signed-out' }
  | { type: 'status'; status: StreamStatus };
export type LiveListener = (m: LiveMessage) => void;

/** URL of the change feed, resuming after `after` when known. */
export function liveUrl(after: string | null): string {
  return after && /^\d+$/.test(after) ? `/api/live?after=${after}` : '/api/live';
}

export interface LiveFeedDeps {
  /** Is the session still valid? (false: the feed stops and the app shows sign-in). */
  stillSignedIn(): Promise<boolean>;
  signedOut(): void;
  /** The feed's state ('open' once the server has caught this tab up and is sending changes). */
  onStatus?(s: StreamStatus): void;
  create?: EventSourceFactory;
  retryMs?: number;
}

/** The change feed, opened while anyone listens. */
export class LiveFeed {
  private listeners = new Set<LiveListener>();
  private stream: EventStream | null = null;
  status: StreamStatus = 'closed';
  /** The latest feed position seen (from `ready`, `incidents` and `reset`); null until known. */
  seq: number | null = null;

  constructor(private readonly deps: LiveFeedDeps) {}

  private emit(m: LiveMessage) {
    if (m.type === 'incidents') this.seq = Math.max(this.seq ?? 0, m.change.seq);
    if (m.type === 'ready' || m.type === 'reset') this.seq = Math.max(this.seq ?? 0, m.seq);
    for (const l of [...this.listeners]) l(m);
  }

  subscribe(fn: LiveListener): () => void {
    this.listeners.add(fn);
    if (!this.stream) this.open();
    return () => {
      this.listeners.delete(fn);
      if (!this.listeners.size) {
        this.stream?.stop();
        this.stream = null;
      }
    };
  }

  private setStatus(status: StreamStatus) {
    this.status = status;
    this.deps.onStatus?.(status);
    this.emit({ type: 'status', status });
  }

  private open() {
    const signedOut = () => {
      this.emit({ type: 'signed-out' });
      this.deps.signedOut();
    };
    this.stream = new EventStream({
      url: liveUrl,
      create: this.deps.create,
      retryMs: this.deps.retryMs,
      // EventSource's `open` comes before the server has subscribed; `ready` says it has.
      onStatus: (status) => status !== 'open' && this.setStatus(status),
      on: {
        incidents: (data) => this.emit({ type: 'incidents', change: data as LiveChange }),
        ready: (data) => {
          this.emit({ type: 'ready', seq: Number((data as { seq?: number })?.seq ?? 0) });
          this.setStatus('open');
        },
        reset: (data) => this.emit({ type: 'reset', seq: Number((data as { seq?: number })?.seq ?? 0) }),
        end: () => {
          this.stream?.stop();
          this.stream = null;
          signedOut();
        },
      },
      closed: async () => {
        if (await this.deps.stillSignedIn()) return true;
        signedOut();
        return false;
      },
    });
  }
}

/** Calls `fn` at most once per `ms`: at once when idle, else once more at the end of the wait (leading + trailing). */
export function coalesce(
  fn: () => void,
  ms: number,
  clock: { now(): number; set(f: () => void, ms: number): unknown } = { now: () => Date.now(), set: (f, t) => setTimeout(f, t) },
) {
  let last = -Infinity;
  let pending = false;
  return () => {
    const wait = last + ms - clock.now();
    if (wait <= 0) {
      last = clock.now();
      fn();
      return;
    }
    if (pending) return;
    pending = true;
    clock.set(() => {
      pending = false;
      last = clock.now();
      fn();
    }, wait);
  };
}
