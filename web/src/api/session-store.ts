// Who is signed in, and the CSRF token their session sends on every state-changing request. A small
// external store (useSyncExternalStore): the client reads the token from it, and any 401 from the API
// flips it to signed-out, which shows the sign-in screen.
import { useSyncExternalStore } from 'react';
import type { SessionUser } from './types';

export type SessionState =
  | { status: 'loading' }
  | { status: 'signed-out'; setupNeeded: boolean; notice: string | null; demoLogin?: boolean }
  | { status: 'signed-in'; user: SessionUser; csrf: string | null };

let state: SessionState = { status: 'loading' };
/** The last signed-in user, so components still mounted while the app switches to sign-in can render. */
let lastUser: SessionUser | null = null;
const listeners = new Set<() => void>();

function set(next: SessionState) {
  state = next;
  listeners.forEach((l) => l());
}

export function csrfToken(): string | null {
  return state.status === 'signed-in' ? state.csrf : null;
}

export function setSignedIn(user: SessionUser, csrf: string | null) {
  lastUser = user;
  set({ status: 'signed-in', user, csrf });
}

export function setSignedOut(setupNeeded = false, notice: string | null = null, demoLogin = false) {
  set({ status: 'signed-out', setupNeeded, notice, demoLogin });
}

/** A request came back 401: the session ended (expired, idle, revoked elsewhere, account disabled). */
export function sessionExpired() {
  if (state.status === 'signed-in') setSignedOut(false, 'Your session has ended. Sign in again.');
}

function subscribe(cb: () => void) {
  listeners.add(cb);
  return () => listeners.delete(cb);
}

export function useSession(): SessionState {
  return useSyncExternalStore(subscribe, () => state, () => state);
}

/** The signed-in user; only for components rendered inside the signed-in app. */
export function useUser(): SessionUser {
  const s = useSession();
  if (s.status === 'signed-in') return s.user;
  if (lastUser) return lastUser;
  throw new Error('useUser outside the signed-in app');
}
