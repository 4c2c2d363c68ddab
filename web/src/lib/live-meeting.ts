// "Follow the presenter": this tab's part in a meeting, as a small external store.
// Presenting: every change of the view (map moves, layers, filters, window, hotspot statistic and its
// parameters, playback step, side list, selected unit, drawn area) is sent with
// PUT /api/meetings/:id/view, at most PUSH_MS apart (the last one always goes). The window sent is
// the one the presenting page's map shows (setShownWindow), so followers see the same months even
// when the presenter's URL leaves the window to a default.
// Following: the meeting's event stream moves this tab's view (the URL, tagged 'app', so the map
// jumps there); leaving restores the view the tab had before joining.
// The meeting is kept in sessionStorage, so a reload stays in it.
import { useEffect, useRef, useSyncExternalStore } from 'react';
import type { Polygon } from 'geojson';
import type { MapController } from '../map/map-controller';
import { errorMessage } from '../api/client';
import * as live from '../../../contract/live';
import type { Meeting, MeetingPolygon, MeetingView, MeetingViewEvent } from '../../../contract/live';
import { call } from '../api/call';
import { formatView, type ViewState } from '../state/url-state';
import { getView, navigate, updateView } from '../state/view-store';
import { coalesce, EventStream } from './live-feed';
import { currentSeq } from './live-hooks';
import {
  meetingDrawn,
  meetingToView,
  previousMeeting,
  recordMeeting,
  viewToMeeting,
  type HeldMeeting,
  type MonthWindow,
} from './live-view';

export const PUSH_MS = 250;
const SESSION_KEY = 'saferplaces.meeting';
const HISTORY_KEY = 'saferplaces.meetings';

export type MeetingState =
  | { mode: 'none'; notice: string | null }
  | { mode: 'presenting'; meeting: Meeting; error: string | null }
  | { mode: 'following'; meeting: Meeting; savedUrl: string; connected: boolean };

let state: MeetingState = { mode: 'none', notice: null };
const listeners = new Set<() => void>();
let stream: EventStream | null = null;

function set(next: MeetingState) {
  state = next;
  try {
    if (next.mode === 'none') sessionStorage.removeItem(SESSION_KEY);
    else
      sessionStorage.setItem(
        SESSION_KEY,
        JSON.stringify({ mode: next.mode, id: next.meeting.id, savedUrl: next.mode === 'following' ? next.savedUrl : null }),
      );
  } catch {
    // storage unavailable: the meeting lasts until reload
  }
  listeners.forEach((l) => l());
}

export function useMeeting(): MeetingState {
  return useSyncExternalStore(
    (cb) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    () => state,
    () => state,
  );
}

// ---------- meetings held in this browser (for "since the last meeting") ----------

export function heldMeetings(): HeldMeeting[] {
  try {
    const v = JSON.parse(localStorage.getItem(HISTORY_KEY) ?? '[]');
    return Array.isArray(v) ? v.filter((m) => m && typeof m.code === 'string' && Number.isFinite(m.seq)) : [];
  } catch {
    return [];
  }
}

function remember(code: string) {
  const seq = currentSeq();
  if (seq === null) return;
  try {
    localStorage.setItem(HISTORY_KEY, JSON.stringify(recordMeeting(heldMeetings(), { code, seq, at: new Date().toISOString() })));
  } catch {
    // not remembered
  }
}

/** The change seq saved with the previous meeting's view in this browser (null: none recorded). */
export function lastMeetingSeq(): HeldMeeting | null {
  return previousMeeting(heldMeetings(), state.mode === 'none' ? null : state.meeting.code);
}

// ---------- presenting ----------

let lastSent = '';
let shownWindow: MonthWindow | null = null;

/** The page's map shows this window (null: none known, the URL's window goes); sent when presenting. */
export function setShownWindow(w: MonthWindow | null) {
  if (w?.from === shownWindow?.from && w?.to === shownWindow?.to) return;
  shownWindow = w ? { from: w.from, to: w.to } : null;
  viewChanged();
}

/** While mounted, the window this page's map shows is the one a meeting it presents sends. */
export function useShownWindow(w: MonthWindow | null) {
  const shown = w !== null;
  const from = w?.from ?? null;
  const to = w?.to ?? null;
  useEffect(() => setShownWindow(shown ? ({ from, to } as MonthWindow) : null), [shown, from, to]);
  useEffect(() => () => setShownWindow(null), []);
}

// ---------- the drawn area (not in the URL: the map page holds it) ----------

let shownDrawn: Polygon | null = null;
/** The presenter's page has this area drawn (null: none); sent when presenting. */
export function setShownDrawn(p: Polygon | null) {
  if (p === shownDrawn) return;
  shownDrawn = p;
  viewChanged();
}

/** The area the presenter has drawn, while following (null: none, or not following). */
let followedDrawn: MeetingPolygon | null = null;
const drawnListeners = new Set<() => void>();
function setFollowedDrawn(p: MeetingPolygon | null) {
  if (JSON.stringify(p) === JSON.stringify(followedDrawn)) return;
  followedDrawn = p;
  drawnListeners.forEach((l) => l());
}
export function useFollowedDrawn(): MeetingPolygon | null {
  return useSyncExternalStore(
    (cb) => {
      drawnListeners.add(cb);
      return () => drawnListeners.delete(cb);
    },
    () => followedDrawn,
    () => followedDrawn,
  );
}

/**
 * While following: the presenter's drawn area on this page's map (drawn, replaced, removed as the presenter
 * does); the area to show beside the map, or null. A follower's own area is left alone until the presenter draws.
 */
export function useFollowedDrawnOn(controller: Pick<MapController, 'showDrawnArea'> | null): MeetingPolygon | null {
  const followed = useFollowedDrawn();
  const shown = useRef(false);
  useEffect(() => {
    if (!controller || (followed === null && !shown.current)) return;
    shown.current = followed !== null;
    void controller.showDrawnArea(followed);
  }, [controller, followed]);
  return followed;
}

/** While mounted: the page's drawn area goes to followers when presenting. */
export function useShownDrawn(p: Polygon | null) {
  useEffect(() => setShownDrawn(p), [p]);
  useEffect(() => () => setShownDrawn(null), []);
}

function pushNow() {
  if (state.mode !== 'presenting') return;
  const view = viewToMeeting(getView(), shownWindow, shownDrawn);
  if (!view) return;
  const body = JSON.stringify(view);
  if (body === lastSent) return;
  lastSent = body;
  const m = state.meeting;
  call(live.putMeetingView, { params: { id: m.id }, body: view }).then(
    () => {
      remember(m.code);
      if (state.mode === 'presenting' && state.error) set({ ...state, error: null });
    },
    (e) => {
      if (state.mode === 'presenting') set({ ...state, error: errorMessage(e) });
    },
  );
}

const schedulePush = coalesce(pushNow, PUSH_MS);

/** Sends the current view, at most once per PUSH_MS (the latest view always goes). */
export function viewChanged() {
  if (state.mode === 'presenting') schedulePush();
}

export async function startMeeting(title: string): Promise<void> {
  await leaveMeeting();
  const m = await call(live.createMeeting, { body: { title } });
  lastSent = '';
  set({ mode: 'presenting', meeting: m, error: null });
  pushNow();
}

export async function endMeeting(): Promise<void> {
  if (state.mode !== 'presenting') return;
  const m = state.meeting;
  remember(m.code);
  set({ mode: 'none', notice: null });
  await call(live.endMeeting, { params: { id: m.id } }).catch(() => undefined);
}

// ---------- following ----------

/** A meeting by id or join code. */
const getMeeting = (idOrCode: string) => call(live.getMeeting, { params: { id: idOrCode }, query: {} });

function applyView(v: MeetingView) {
  updateView((cur: ViewState) => meetingToView(v, cur), { source: 'app' });
  setFollowedDrawn(meetingDrawn(v));
}

function follow(m: Meeting, savedUrl: string) {
  stream?.stop();
  set({ mode: 'following', meeting: m, savedUrl, connected: false });
  stream = new EventStream({
    url: () => `/api/meetings/${encodeURIComponent(m.id)}/events`,
    onStatus: (s) => {
      if (state.mode === 'following' && state.meeting.id === m.id && state.connected !== (s === 'open'))
        set({ ...state, connected: s === 'open' });
    },
    on: {
      view: (data) => applyView((data as MeetingViewEvent).view),
      end: () => void leaveMeeting('The presenter ended the meeting; your own view is back.'),
    },
    // The browser gave up (e.g. 410 once ended): is the meeting still on?
    closed: () =>
      getMeeting(m.id).then(
        (x) => {
          if (!x.ended_at) return true;
          void leaveMeeting('The meeting has ended; your own view is back.');
          return false;
        },
        () => true,
      ),
  });
}

/** Joins by join code (or id): the current view is kept to come back to. */
export async function joinMeeting(code: string): Promise<void> {
  const m = await getMeeting(code.trim().toUpperCase());
  if (m.ended_at) throw new Error('That meeting has ended.');
  const saved = state.mode === 'following' ? state.savedUrl : formatView(getView());
  follow(m, saved);
  if (m.view) applyView(m.view);
}

/** Stops presenting or following; a follower gets back the view they had before joining. */
export async function leaveMeeting(notice: string | null = null): Promise<void> {
  stream?.stop();
  stream = null;
  const s = state;
  if (s.mode === 'presenting') return endMeeting();
  set({ mode: 'none', notice });
  setFollowedDrawn(null);
  if (s.mode === 'following') navigate(s.savedUrl);
}

export function dismissNotice() {
  if (state.mode === 'none' && state.notice) set({ mode: 'none', notice: null });
}

/** After a reload: back into the meeting this tab was in (if it is still on). */
export async function resumeMeeting(): Promise<void> {
  let saved: { mode: string; id: string; savedUrl: string | null } | null = null;
  try {
    saved = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null');
  } catch {
    saved = null;
  }
  if (!saved || state.mode !== 'none') return;
  try {
    const m = await getMeeting(saved.id);
    if (m.ended_at) return set({ mode: 'none', notice: null });
    if (saved.mode === 'presenting') set({ mode: 'presenting', meeting: m, error: null });
    else follow(m, saved.savedUrl ?? '/');
  } catch {
    set({ mode: 'none', notice: null });
  }
}
