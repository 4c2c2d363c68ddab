// One hub per database: the app process's single LISTEN on the change feed and on meetings, fanned
// out in memory to every open event stream. The feed itself is the `changes` table (migration 008):
// a NOTIFY only wakes the hub, which then reads every change after the last one it has seen, so
// notifications lost while the listening connection was down are caught up (also by a poll every
// POLL_MS while anyone is subscribed), and subscribers always get changes once, in seq order.
import type { Db, Queryable, Unlisten } from '../db/index.js';

export const CHANGES_CHANNEL = 'sp_changes';
export const MEETINGS_CHANNEL = 'sp_meetings';
export const POLL_MS = 15_000;
/** Most changes one catch-up sends; a client further behind gets a `reset` and reloads everything. */
export const CATCH_UP_LIMIT = 1000;

export interface Change {
  seq: number;
  /** When the writing transaction started (UTC, ISO 8601). */
  at: string;
  batch_id: number;
  count: number;
  /** First and last month (YYYY-MM) of the incidents added. */
  months: [string, string];
  /** west, south, east, north of the points added (WGS84). */
  bbox: [number, number, number, number];
}

const CHANGE_SELECT = `
SELECT seq, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS at, batch_id, count,
       to_char(first_at, 'YYYY-MM') AS first_month, to_char(last_at, 'YYYY-MM') AS last_month,
       west, south, east, north
FROM changes`;

type ChangeRow = Omit<Change, 'months' | 'bbox'> & {
  first_month: string;
  last_month: string;
  west: number;
  south: number;
  east: number;
  north: number;
};
const toChange = (r: ChangeRow): Change => ({
  seq: r.seq,
  at: r.at,
  batch_id: r.batch_id,
  count: r.count,
  months: [r.first_month, r.last_month],
  bbox: [r.west, r.south, r.east, r.north],
});

/** Committed changes after `seq`, oldest first (seq is NULL only inside the writing transaction). */
export async function changesAfter(db: Queryable, seq: number, limit = CATCH_UP_LIMIT): Promise<Change[]> {
  return (await db.query<ChangeRow>(`${CHANGE_SELECT} WHERE seq > $1 ORDER BY seq LIMIT $2`, [seq, limit])).map(toChange);
}

/** Committed changes whose transaction started at or after `at` (an ISO instant). */
export async function changesFrom(db: Queryable, at: string, limit = CATCH_UP_LIMIT): Promise<Change[]> {
  return (
    await db.query<ChangeRow>(`${CHANGE_SELECT} WHERE seq IS NOT NULL AND at >= $1::timestamptz ORDER BY seq LIMIT $2`, [
      at,
      limit,
    ])
  ).map(toChange);
}

export async function currentSeq(db: Queryable): Promise<number> {
  const [r] = await db.query<{ seq: number | null }>('SELECT max(seq) AS seq FROM changes');
  return r.seq ?? 0;
}

export interface MeetingRow {
  id: string;
  code: string;
  title: string;
  presenter_id: number;
  presenter_email: string;
  created_at: string;
  expires_at: string;
  ended_at: string | null;
  view: unknown;
  view_version: number;
  view_at: string | null;
  /** The change feed's position when the meeting started / ended (null while it runs). */
  start_seq: number;
  end_seq: number | null;
}

export const MEETING_SELECT = `
SELECT m.id, m.code, m.title, m.presenter_id, u.email AS presenter_email, m.created_at, m.expires_at,
       CASE WHEN m.ended_at IS NULL AND m.expires_at <= now() THEN m.expires_at ELSE m.ended_at END AS ended_at,
       m.view, m.view_version, m.view_at, coalesce(m.start_seq, 0) AS start_seq,
       CASE WHEN m.end_seq IS NULL AND m.ended_at IS NULL AND m.expires_at <= now() THEN changes_seq_at(m.expires_at) ELSE m.end_seq END AS end_seq
FROM meetings m JOIN users u ON u.id = m.presenter_id`;

export async function meetingById(db: Queryable, id: string): Promise<MeetingRow | null> {
  const [r] = await db.query<MeetingRow>(`${MEETING_SELECT} WHERE m.id = $1::uuid`, [id]);
  return r ?? null;
}

type ChangeListener = (c: Change) => void;
type MeetingListener = (m: MeetingRow | null) => void;

export class LiveHub {
  private changeSubs = new Set<ChangeListener>();
  private meetingSubs = new Map<string, Set<MeetingListener>>();
  private last = 0;
  private started: Promise<void> | null = null;
  private unlisten: Unlisten[] = [];
  private pulling: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;

  constructor(private db: Db) {}

  /** Listen (once) on both channels. */
  private start(): Promise<void> {
    if (!this.started) {
      this.started = (async () => {
        if (!this.db.listen) throw new Error('this database handle cannot LISTEN');
        this.last = await currentSeq(this.db);
        // After the LISTEN connection comes back, catch up at once rather than at the next poll.
        this.unlisten.push(await this.db.listen(CHANGES_CHANNEL, () => this.pull(), { onResume: () => void this.pull() }));
        this.unlisten.push(await this.db.listen(MEETINGS_CHANNEL, (id) => this.meetingChanged(id)));
      })();
      this.started.catch(() => (this.started = null));
    }
    return this.started;
  }

  /** Read and hand out every change after the last one seen; one read at a time, in order. */
  pull(): Promise<void> {
    this.pulling = this.pulling.then(async () => {
      try {
        for (;;) {
          const rows = await changesAfter(this.db, this.last);
          for (const c of rows) {
            this.last = c.seq;
            for (const fn of [...this.changeSubs]) fn(c);
          }
          if (rows.length < CATCH_UP_LIMIT) break;
        }
      } catch (e) {
        console.error('live: reading changes failed:', (e as Error).message);
      }
    });
    return this.pulling;
  }

  private async meetingChanged(id: string) {
    const subs = this.meetingSubs.get(id);
    if (!subs?.size) return;
    let row: MeetingRow | null = null;
    try {
      row = await meetingById(this.db, id);
    } catch (e) {
      console.error('live: reading a meeting failed:', (e as Error).message);
      return;
    }
    for (const fn of [...subs]) fn(row);
  }

  private poll() {
    const active = this.changeSubs.size > 0;
    if (active && !this.timer) {
      this.timer = setInterval(() => void this.pull(), POLL_MS);
      this.timer.unref();
    } else if (!active && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  /** Every change committed from now on. Resolves once listening, to the unsubscribe function. */
  async onChange(fn: ChangeListener): Promise<() => void> {
    await this.start();
    this.changeSubs.add(fn);
    this.poll();
    return () => {
      this.changeSubs.delete(fn);
      this.poll();
    };
  }

  /** The meeting's row each time it changes (null once deleted). */
  async onMeeting(id: string, fn: MeetingListener): Promise<() => void> {
    await this.start();
    let set = this.meetingSubs.get(id);
    if (!set) this.meetingSubs.set(id, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
      if (!set.size) this.meetingSubs.delete(id);
    };
  }

  /** Open subscriptions (tests check that closed streams leave none behind). */
  get subscribers() {
    let n = this.changeSubs.size;
    for (const s of this.meetingSubs.values()) n += s.size;
    return n;
  }

  async stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const un = this.unlisten;
    this.unlisten = [];
    this.started = null;
    for (const u of un) await u().catch(() => undefined);
  }
}

const hubs = new WeakMap<Db, LiveHub>();

/** The hub of a database (several apps on one Db, as in the tests, share it). */
export function hubFor(db: Db): LiveHub {
  let h = hubs.get(db);
  if (!h) hubs.set(db, (h = new LiveHub(db)));
  return h;
}
