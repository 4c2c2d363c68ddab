// Sign-in, sign-out and first-run setup: the calls that change who is signed in, and the store update.
import { getJson, sendJson } from './client';
import { setSignedIn, setSignedOut } from './session-store';
import type { SessionResponse, SessionUser } from './types';

/** Asks the server who is signed in (the session cookie is httpOnly, so only the server knows). */
export async function loadSession(): Promise<void> {
  const s = await getJson<SessionResponse>('/api/session');
  if (s.user) setSignedIn(s.user, s.csrf);
  else setSignedOut(s.setup_needed, null, !!s.demo_login);
}

export async function signIn(email: string, password: string): Promise<void> {
  const r = await sendJson<{ user: SessionUser; csrf: string }>('POST', '/api/session', { email, password }, { authFlow: true });
  setSignedIn(r.user, r.csrf);
}

export async function signOut(everywhere = false): Promise<void> {
  try {
    if (everywhere) await sendJson('POST', '/api/session/revoke-all');
    else await sendJson('DELETE', '/api/session');
  } finally {
    setSignedOut(false, everywhere ? 'Signed out on every device.' : 'Signed out.');
  }
}

export async function setupNeeded(): Promise<boolean> {
  return (await getJson<{ needed: boolean }>('/api/setup')).needed;
}

/** Creates the first administrator (and, with `analyst_email`, a paired analyst account); signs in as the analyst when there is one. */
export async function completeSetup(body: { token: string; email: string; password: string; name?: string; analyst_email?: string }): Promise<SessionUser> {
  const r = await sendJson<{ user: SessionUser; csrf: string }>('POST', '/api/setup', body, { authFlow: true });
  setSignedIn(r.user, r.csrf);
  return r.user;
}
