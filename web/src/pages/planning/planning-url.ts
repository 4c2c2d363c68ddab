// The planning page's own part of the URL (/planning?tab=patrol&iv=12): the open tab and the selected
// intervention, so a view can be shared. Pure parse/format (tested) plus a small hook that keeps them in
// the address bar with history.replaceState/pushState.
import { useCallback, useSyncExternalStore } from 'react';

export const PLANNING_TABS = ['register', 'coverage', 'patrol', 'outreach'] as const;
export type PlanningTab = (typeof PLANNING_TABS)[number];

export interface PlanningView {
  tab: PlanningTab;
  interventionId: number | null;
}

export function parsePlanningView(search: string): PlanningView {
  const q = new URLSearchParams(search);
  const tab = q.get('tab');
  const iv = q.get('iv');
  const id = iv && /^\d{1,9}$/.test(iv) ? Number(iv) : null;
  return {
    tab: PLANNING_TABS.includes(tab as PlanningTab) ? (tab as PlanningTab) : 'register',
    interventionId: id && id > 0 ? id : null,
  };
}

export function formatPlanningView(v: PlanningView): string {
  const q = new URLSearchParams();
  if (v.tab !== 'register') q.set('tab', v.tab);
  if (v.interventionId !== null) q.set('iv', String(v.interventionId));
  const s = q.toString();
  return s ? `?${s}` : '';
}

const listeners = new Set<() => void>();
let cached: { search: string; view: PlanningView } | null = null;

function snapshot(): PlanningView {
  const search = window.location.search;
  if (!cached || cached.search !== search) cached = { search, view: parsePlanningView(search) };
  return cached.view;
}

function subscribe(cb: () => void) {
  listeners.add(cb);
  window.addEventListener('popstate', cb);
  return () => {
    listeners.delete(cb);
    window.removeEventListener('popstate', cb);
  };
}

/** The planning view from the URL, and a setter that writes it back (push for selections). */
export function usePlanningView(): [PlanningView, (change: Partial<PlanningView>, push?: boolean) => void] {
  const view = useSyncExternalStore(subscribe, snapshot, snapshot);
  const set = useCallback((change: Partial<PlanningView>, push = false) => {
    const next = formatPlanningView({ ...snapshot(), ...change });
    if (next !== window.location.search)
      window.history[push ? 'pushState' : 'replaceState'](null, '', `${window.location.pathname}${next}`);
    listeners.forEach((l) => l());
  }, []);
  return [view, set];
}
