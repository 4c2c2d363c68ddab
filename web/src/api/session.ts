// Sign-in, sign-out and first-run setup: the calls that change who is signed in, and the store update.
import * as auth from '../../../contract/auth';
import { call } from './call';
import { queryClient } from './query';
import { setSignedIn, setSignedOut } from './session-store';

/** Asks the server who is signed in (the session cookie is httpOnly, so only the server knows). */
export async function loadSession(): Promise<void> {
  const s = await call(auth.getSession, { query: {} });
  if (s.user) setSignedIn(s);
  else setSignedOut(s.setup_needed, null, s.demo_login);
}

export async function signIn(email: string, password: string): Promise<void> {
  setSignedIn(await call(auth.signIn, { body: { email, password } }, { authFlow: true }));
}

export async function signOut(everywhere = false): Promise<void> {
  try {
    if (everywhere) await call(auth.signOutEverywhere, {});
    else await call(auth.signOut, {});
  } finally {
    queryClient.clear(); // the next account must not see this one's cached answers
    setSignedOut(false, everywhere ? 'Signed out on every device.' : 'Signed out.');
  }
}

/** Creates the first administrator (and, with `analyst_email`, a paired analyst account); signs in as the analyst when there is one. */
export async function completeSetup(body: {
  token: string;
  email: string;
  password: string;
  name?: string;
  analyst_email?: string;
}) {
  const r = await call(auth.setup, { body }, { authFlow: true });
  setSignedIn(r);
  return r.user;
}
