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

/**
 * Applies a change to the view and writes the URL. `push` adds a history entry (page changes,
 * selections); otherwise the entry is replaced (camera moves, typing).
 */
export function updateView(
  change: Partial<ViewState> | ((v: ViewState) => ViewState),
  opts: { source?: ChangeSource; push?: boolean } = {},
) {
  const next = typeof change === 'function' ? change(snapshot.view) : { ...snapshot.view, ...change };
  const url = formatView(next);
  const here = window.location.pathname + window.location.search;
  if (url !== here) window.history[opts.push ? 'pushState' : 'replaceState'](null, '', url);
  snapshot = { view: next, source: opts.source ?? 'app' };
  if (next.page === 'map') lastMapUrl = url;
  listeners.forEach((l) => l());
}

/** Navigates to a URL inside the app (header links); `replace` swaps the current history entry (redirects). */
export function navigate(url: string, opts: { replace?: boolean } = {}) {
  window.history[opts.replace ? 'replaceState' : 'pushState'](null, '', url);
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
