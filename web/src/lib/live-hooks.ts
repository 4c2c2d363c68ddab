// The tab's one change feed and the React hooks on it: refetch what is shown when incidents are
// added (coalesced to at most one refetch per REFRESH_MS), and the "N new incidents" toast.
import { useEffect, useRef, useState } from 'react';
import { getSession } from '../../../contract/auth';
import { call } from '../api/call';
import { invalidateData } from '../api/query';
import { sessionExpired } from '../api/session-store';
import { coalesce, LiveFeed, type LiveListener } from './live-feed';
import { newIncidentsText } from './live-view';

export const REFRESH_MS = 400;
const TOAST_MS = 8000;

export const liveFeed = new LiveFeed({
  stillSignedIn: () =>
    call(getSession, { query: {} }).then(
      (s) => !!s.user,
      () => true,
    ),
  signedOut: () => sessionExpired(),
  // For the browser tests (and anyone curious): whether this tab is receiving changes.
  onStatus: (s) => {
    document.documentElement.dataset.liveFeed = s;
  },
});

/** Latest change-feed position this tab has seen; null until known. */
export const currentSeq = () => liveFeed.seq;

/** Listens to the change feed while mounted (and `enabled`). */
export function useLiveFeed(fn: LiveListener, enabled = true) {
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(() => (enabled ? liveFeed.subscribe((m) => latest.current(m)) : undefined), [enabled]);
}

/**
 * Calls `refetch` after incidents are added or the feed resets (the client fell too far behind), at
 * most once per REFRESH_MS.
 */
export function useLiveRefetch(refetch: () => void, enabled = true) {
  const latest = useRef(refetch);
  latest.current = refetch;
  const run = useRef(coalesce(() => latest.current(), REFRESH_MS)).current;
  useLiveFeed((m) => {
    if (m.type === 'incidents' || m.type === 'reset') run();
  }, enabled);
}

/** A refresh counter bumped on every change (for hooks that refetch when a key changes). */
export function useLiveNonce(): number {
  const [n, setN] = useState(0);
  useLiveRefetch(() => setN((x) => x + 1));
  return n;
}

export interface Toast {
  id: number;
  text: string;
}

/** The latest "N new incidents (batch …)" message, cleared after a few seconds. */
export function useLiveToast(): Toast | null {
  const [toast, setToast] = useState<Toast | null>(null);
  useLiveFeed((m) => {
    if (m.type === 'incidents') setToast((t) => ({ id: (t?.id ?? 0) + 1, text: newIncidentsText(m.change) }));
    if (m.type === 'reset') setToast((t) => ({ id: (t?.id ?? 0) + 1, text: 'Many changes: reloaded everything' }));
  });
  useEffect(() => {
    if (!toast) return;
    const t = setTimeout(() => setToast(null), TOAST_MS);
    return () => clearTimeout(t);
  }, [toast]);
  return toast;
}

/**
 * While signed in: new incidents (or a feed reset) mark every cached API answer stale, so what is on
 * screen refetches once (coalesced) and the rest refetches when next shown. Mounted once, in App.
 */
export function useLiveInvalidation(enabled = true) {
  useLiveRefetch(() => void invalidateData(), enabled);
}
