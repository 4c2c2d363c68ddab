// Sign in with email and password. Errors say what happened: wrong details, too many attempts (with
// how long to wait), the demo account refused on real data, or the server unreachable.
import { useState } from 'react';
import { ApiError, errorMessage } from '../../api/client';
import { signIn } from '../../api/session';

export function signInErrorText(e: unknown): string {
  if (!(e instanceof ApiError)) return errorMessage(e);
  switch (e.code) {
    case 'bad_credentials':
      return 'Wrong email or password.';
    case 'rate_limited':
      return `${e.message} Sign-ins for this account (or from this address) are paused to stop password guessing.`;
    case 'demo_disabled':
      return e.message;
    case 'invalid_parameter':
    case 'invalid_body':
      return 'Enter an email address and a password.';
    default:
      return e.message;
  }
}

export function SignInPage({
  setupNeeded,
  demoLogin = false,
  notice,
}: {
  setupNeeded: boolean;
  demoLogin?: boolean;
  notice: string | null;
}) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email.trim(), password);
    } catch (err) {
      setError(signInErrorText(err));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="auth-page">
      <form className="auth-card" onSubmit={submit} data-testid="sign-in-form">
        <h1>Sign in to Saferplaces</h1>
        {notice && !error && (
          <p className="hint" role="status" data-testid="sign-in-notice">
            {notice}
          </p>
        )}
        {setupNeeded && demoLogin && (
          <p className="hint" data-testid="demo-hint">
            This database holds the synthetic demo: sign in with the demo login <code>npm run demo</code> printed (
            <code>demo@saferplaces.invalid</code>). To set up your own accounts, open the setup link the server printed when it
            started (<code>/setup#token=…</code>).
          </p>
        )}
        {setupNeeded && !demoLogin && (
          <p className="hint" data-testid="setup-hint">
            No accounts exist yet. Open the setup link the server printed when it started (<code>/setup#token=…</code>) to create
            the first administrator.
          </p>
        )}
        <label className="field">
          Email
          <input
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            data-testid="sign-in-email"
          />
        </label>
        <label className="field">
          Password
          <input
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            data-testid="sign-in-password"
          />
        </label>
        {error && (
          <p className="error-text" role="alert" data-testid="sign-in-error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy} data-testid="sign-in-submit">
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="hint">Forgotten your password? An administrator can reset it.</p>
      </form>
    </div>
  );
}
