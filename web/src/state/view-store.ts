// The URL-backed view store. Every change says where it came from ('app', 'map' or 'history'), so the
// map does not re-apply a camera it reported itself (no map <-> URL loop).
import { useSyncExternalStore } from 'react';
import { DEFAULT_VIEW, formatView, parseView, type ViewState } from './url-state';

export type ChangeSource = 'app' | 'map' | 'history';
export interface ViewSnapshot {
  view: ViewState;
  source: ChangeSource;
}

const listeners = new Set<() => void>();
let snapshot: ViewSnapshot = { view: DEFAULT_VIEW, source: 'history' };
/** The last map-page URL, so Map in the header returns to the same view after visiting Import. */
let lastMapUrl = '/';

function readLocation(source: ChangeSource) {
  snapshot = { view: parseView(window.location.pathname, window.location.search), source };
  if (snapshot.view.page === 'map') lastMapUrl = formatView(snapshot.view);
}

if (typeof window !== 'undefined') {
  readLocation('history');
  window.addEventListener('popstate', () => {
    // Back/Forward: the next change starts a new entry rather than replacing the one returned to.
    lastChangeAt = null;
    readLocation('history');
    listeners.forEach((l) => l());
  });
}

export function getView(): ViewState {
  return snapshot.view;
}

export function mapPageUrl(): string {
  return lastMapUrl;
}

/** Changes to the view within this long of the previous one share one history entry (a slider drag, typing). */
export const COALESCE_MS = 600;

export type HistoryAction = 'push' | 'replace' | 'none';

/**
 * How a change of the view is written to the browser's history (pure; test/web-history.test.ts):
 * - nothing when the URL does not change;
 * - an explicit `push: true` pushes (a selection, a page), an explicit `push: false` replaces;
 * - camera moves (from the map, or a change of the camera alone) replace: panning is not a step back;
 * - any other change (filters, layers, mode, sort) pushes, unless the previous such change was less than
 *   COALESCE_MS ago: then it replaces, so a run of rapid changes is one entry and Back undoes it whole.
 */
export function historyAction(
  hereUrl: string,
  prev: ViewState,
  next: ViewState,
  opts: { source?: ChangeSource; push?: boolean },
  now: number,
  lastChangeAt: number | null,
): HistoryAction {
  if (formatView(next) === hereUrl) return 'none';
  if (opts.push === true) return 'push';
  if (opts.push === false) return 'replace';
  if (opts.source === 'map') return 'replace';
  if (formatView({ ...next, camera: null }) === formatView({ ...prev, camera: null })) return 'replace';
  if (lastChangeAt !== null && now - lastChangeAt < COALESCE_MS) return 'replace';
  return 'push';
}

/** When the last change that counts for history (not a camera move) was made. */
let lastChangeAt: number | null = null;

/**
 * Applies a change to the view and writes the URL: pushed or replaced as `historyAction` says (`push`
 * forces either way; left out, filter, layer and mode changes push, coalesced; camera moves replace).
 */
export function updateView(
  change: Partial<ViewState> | ((v: ViewState) => ViewState),
  opts: { source?: ChangeSource; push?: boolean } = {},
) {
  const prev = snapshot.view;
  const next = typeof change === 'function' ? change(prev) : { ...prev, ...change };
  const url = formatView(next);
  const here = window.location.pathname + window.location.search;
  const now = Date.now();
  const action = historyAction(here, prev, next, opts, now, lastChangeAt);
  if (action !== 'none') window.history[action === 'push' ? 'pushState' : 'replaceState'](null, '', url);
  if (action !== 'none' && opts.source !== 'map' && !sameButCamera(prev, next)) lastChangeAt = now;
  snapshot = { view: next, source: opts.source ?? 'app' };
  if (next.page === 'map') lastMapUrl = url;
  listeners.forEach((l) => l());
}

function sameButCamera(a: ViewState, b: ViewState): boolean {
  return formatView({ ...a, camera: null }) === formatView({ ...b, camera: null });
}

/** Navigates to a URL inside the app (header links); `replace` swaps the current history entry (redirects). */
export function navigate(url: string, opts: { replace?: boolean } = {}) {
  window.history[opts.replace ? 'replaceState' : 'pushState'](null, '', url);
  lastChangeAt = null;
  readLocation('app');
  listeners.forEach((l) => l());
}

function subscribe(cb: () => void) {
  listeners.add(cb);
  return () => listeners.delete(cb);
}

export function useViewSnapshot(): ViewSnapshot {
  return useSyncExternalStore(
    subscribe,
    () => snapshot,
    () => snapshot,
  );
}

export function useView(): ViewState {
  return useViewSnapshot().view;
}
