// Who is signed in, what they may do (the capabilities GET /api/session sends), and the CSRF token
// their session sends on every state-changing request. A small external store (useSyncExternalStore):
// the client reads the token from it, and any 401 from the API flips it to signed-out, which shows the
// sign-in screen.
import { useSyncExternalStore } from 'react';
import type { PublicUser, SignedIn } from '../../../contract/auth';
import type { Capability } from '../../../contract/capabilities';

/** The signed-in session: the user and what the server says they may do. */
export interface Session {
  user: PublicUser;
  csrf: string | null;
  capabilities: readonly Capability[];
}

export type SessionState =
  | { status: 'loading' }
  | { status: 'signed-out'; setupNeeded: boolean; notice: string | null; demoLogin?: boolean }
  | ({ status: 'signed-in' } & Session);

let state: SessionState = { status: 'loading' };
/** The last signed-in session, so components still mounted while the app switches to sign-in can render. */
let last: Session | null = null;
const listeners = new Set<() => void>();

function set(next: SessionState) {
  state = next;
  listeners.forEach((l) => l());
}

export function csrfToken(): string | null {
  return state.status === 'signed-in' ? state.csrf : null;
}

export function setSignedIn(s: Pick<SignedIn, 'user' | 'capabilities'> & { csrf: string | null }) {
  last = { user: s.user, csrf: s.csrf, capabilities: s.capabilities };
  set({ status: 'signed-in', ...last });
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
  return useSyncExternalStore(
    subscribe,
    () => state,
    () => state,
  );
}

/** The signed-in session; only for components rendered inside the signed-in app. */
export function useSignedIn(): Session {
  const s = useSession();
  if (s.status === 'signed-in') return s;
  if (last) return last;
  throw new Error('useSignedIn outside the signed-in app');
}

/** The signed-in user; only for components rendered inside the signed-in app. */
export function useUser(): PublicUser {
  return useSignedIn().user;
}
