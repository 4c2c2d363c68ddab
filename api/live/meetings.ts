// Meetings ("follow the presenter"): an analyst or officer opens a meeting and presents; anyone signed
// in who has the meeting's id or join code follows the presenter's map view live. The state is a
// row in `meetings` (on both drivers) and every change is announced with NOTIFY sp_meetings, so
// several app processes on one PostgreSQL server agree.
import crypto from 'node:crypto';
import type { z } from 'zod';
import type { Meeting, MeetingSummary, MeetingView, meetingsQuery } from '../../contract/live.js';
import { notify, type Queryable } from '../db/index.js';
import { ApiError } from '../errors.js';
import { MEETING_SELECT, MEETINGS_CHANNEL, meetingById, type MeetingRow } from './hub.js';

export const MEETING_HOURS = 12;
/** Join codes: 6 characters without look-alikes (no 0/O, 1/I). */
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const JOIN_CODE = /^[A-HJ-NP-Z2-9]{6}$/;

/** What clients see of a meeting. */
export const present = (m: MeetingRow): Meeting => ({
  id: m.id,
  code: m.code,
  title: m.title,
  presenter: { id: m.presenter_id, email: m.presenter_email },
  created_at: m.created_at,
  expires_at: m.expires_at,
  ended_at: m.ended_at,
  view: (m.view as MeetingView | null) ?? null,
  view_version: m.view_version,
  view_at: m.view_at,
  start_seq: m.start_seq,
  end_seq: m.end_seq,
});

const newCode = () => Array.from(crypto.randomBytes(6), (b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');

export async function createMeeting(db: Queryable, presenterId: number, title: string): Promise<MeetingRow> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const rows = await db.query<{ id: string }>(
      `INSERT INTO meetings (code, title, presenter_id, expires_at, start_seq)
       VALUES ($1, $2, $3, now() + make_interval(hours => $4), (SELECT coalesce(max(seq), 0) FROM changes))
       ON CONFLICT (code) DO NOTHING RETURNING id`,
      [newCode(), title, presenterId, MEETING_HOURS],
    );
    if (rows.length) return (await meetingById(db, rows[0].id))!;
  }
  throw new ApiError(503, 'busy', 'Could not find a free join code; try again.');
}

/** By id (uuid) or join code; 404 when unknown, 410 once ended. */
export async function findMeeting(db: Queryable, idOrCode: string, opts: { live?: boolean } = {}): Promise<MeetingRow> {
  const key = idOrCode.trim();
  let m: MeetingRow | null = null;
  if (UUID.test(key)) m = await meetingById(db, key);
  else if (JOIN_CODE.test(key.toUpperCase()))
    [m = null] = await db.query<MeetingRow>(`${MEETING_SELECT} WHERE m.code = $1`, [key.toUpperCase()]);
  else
    throw new ApiError(400, 'invalid_parameter', 'id: a meeting id or a 6-character join code', [
      { path: 'id', message: 'a meeting id or join code' },
    ]);
  if (!m) throw new ApiError(404, 'not_found', 'No such meeting.');
  if (opts.live && m.ended_at) throw new ApiError(410, 'meeting_ended', 'This meeting has ended.');
  return m;
}

function mustPresent(m: MeetingRow, userId: number) {
  if (m.presenter_id !== userId) throw new ApiError(403, 'not_presenter', 'Only the presenter can change or end this meeting.');
}

export async function setView(db: Queryable, idOrCode: string, userId: number, view: MeetingView): Promise<MeetingRow> {
  const m = await findMeeting(db, idOrCode, { live: true });
  mustPresent(m, userId);
  await db.query(`UPDATE meetings SET view = $2::jsonb, view_version = view_version + 1, view_at = now() WHERE id = $1`, [
    m.id,
    JSON.stringify(view),
  ]);
  await notify(db, MEETINGS_CHANNEL, m.id);
  return (await meetingById(db, m.id))!;
}

export async function endMeeting(db: Queryable, idOrCode: string, userId: number): Promise<MeetingRow> {
  const m = await findMeeting(db, idOrCode);
  mustPresent(m, userId);
  await sealExpired(db);
  // The feed's position now: what "since the last meeting" counts from at the next one.
  await db.query(
    `UPDATE meetings SET ended_at = now(), end_seq = (SELECT coalesce(max(seq), 0) FROM changes) WHERE id = $1 AND ended_at IS NULL`,
    [m.id],
  );
  await notify(db, MEETINGS_CHANNEL, m.id);
  return (await meetingById(db, m.id))!;
}

/** Stores the end of meetings that expired unended: ended at expires_at, with the feed's position then. */
export async function sealExpired(db: Queryable): Promise<void> {
  await db.query(
    `UPDATE meetings SET ended_at = expires_at, end_seq = greatest(coalesce(start_seq, 0), changes_seq_at(expires_at))
     WHERE ended_at IS NULL AND expires_at <= now()`,
  );
}

/** Recent meetings, newest first: ended ones by when they ended (running ones first when not filtered). */
export async function listMeetings(db: Queryable, q: z.output<typeof meetingsQuery>): Promise<MeetingRow[]> {
  await sealExpired(db);
  const where = q.ended === undefined ? '' : q.ended ? 'WHERE m.ended_at IS NOT NULL' : 'WHERE m.ended_at IS NULL';
  return db.query<MeetingRow>(
    `${MEETING_SELECT} ${where} ORDER BY m.ended_at DESC NULLS FIRST, m.created_at DESC, m.id LIMIT $1`,
    [q.limit],
  );
}

/** What the meeting list shows of a meeting (no view). */
export const listed = (m: MeetingRow): MeetingSummary => ({
  id: m.id,
  code: m.code,
  title: m.title,
  presenter: { email: m.presenter_email },
  created_at: m.created_at,
  ended_at: m.ended_at,
  start_seq: m.start_seq,
  end_seq: m.end_seq,
});
