// First run: the server prints http://host:port/setup#token=…; this page takes the token from the URL
// fragment (never sent to the server in a request line or logged), clears it from the address bar and
// creates the first administrator.
import { useState } from 'react';
import { getSetup } from '../../../../contract/auth';
import { ApiError, errorMessage } from '../../api/client';
import { useRoute } from '../../api/query';
import { completeSetup } from '../../api/session';
import { navigate } from '../../state/view-store';

export const PASSWORD_MIN = 12;

let taken: string | null = null;

/** The setup token from `#token=…`, read once; the fragment is removed from the address bar. */
export function takeSetupToken(): string {
  if (taken === null) {
    taken = new URLSearchParams(window.location.hash.replace(/^#/, '')).get('token') ?? '';
    if (window.location.hash) window.history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return taken;
}

/** A suggested email for the paired analyst account: `you+analyst@example.org` for `you@example.org`. */
export function analystEmailFor(email: string): string {
  const at = email.trim().lastIndexOf('@');
  if (at < 1) return '';
  return `${email.trim().slice(0, at)}+analyst${email.trim().slice(at)}`;
}

export function SetupPage({ signedInAs }: { signedInAs: string | null }) {
  const [token, setToken] = useState(takeSetupToken);
  const setup = useRoute(getSetup, { query: {} }, { staleTime: 0 });
  const needed = setup.data?.needed ?? null;
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  // "I will also analyse data" (on by default: one person setting up alone must reach loaded data).
  const [alsoAnalyst, setAlsoAnalyst] = useState(true);
  const [analystEmail, setAnalystEmail] = useState<string | null>(null);
  const analyst = analystEmail ?? analystEmailFor(email);
  const [busy, setBusy] = useState(false);
  const [submitError, setError] = useState<string | null>(null);
  const error = submitError ?? (setup.error ? errorMessage(setup.error) : null);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    if (password.length < PASSWORD_MIN) return setError(`The password needs at least ${PASSWORD_MIN} characters.`);
    if (password !== confirm) return setError('The two passwords differ.');
    if (alsoAnalyst && analyst.trim().toLowerCase() === email.trim().toLowerCase())
      return setError('The analyst account needs its own email address.');
    setBusy(true);
    try {
      const user = await completeSetup({
        token: token.trim(),
        email: email.trim(),
        password,
        name: name.trim() || undefined,
        analyst_email: alsoAnalyst ? analyst.trim() : undefined,
      });
      // The analyst's next step is loading data; an administrator alone starts on the map (every role's page),
      // whose welcome screen points to the Users page to add an analyst.
      navigate(user.role === 'analyst' ? '/import' : '/');
    } catch (err) {
      setError(err instanceof ApiError && err.code === 'weak_password' ? err.message : errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  if (needed === false) {
    return (
      <div className="auth-page">
        <div className="auth-card" data-testid="setup-done">
          <h1>Saferplaces is set up</h1>
          <p>
            An administrator account exists already{signedInAs ? ` (you are signed in as ${signedInAs})` : ''}. New accounts are
            added by an administrator on the Users page.
          </p>
          <button type="button" className="primary" onClick={() => navigate('/')}>
            {signedInAs ? 'Go to the map' : 'Sign in'}
          </button>
        </div>
      </div>
    );
  }

  return (
    <div className="auth-page">
      <form className="auth-card" onSubmit={submit} data-testid="setup-form">
        <h1>Set up Saferplaces</h1>
        <p className="hint">
          Create the first administrator. Administrators add the other accounts (analysts, officers, partners).
        </p>
        {!token && (
          <label className="field">
            Setup token
            <input
              required
              value={token}
              onChange={(e) => setToken(e.target.value)}
              placeholder="from the link the server printed"
              data-testid="setup-token"
            />
          </label>
        )}
        {token && (
          <p className="hint" data-testid="setup-token-present">
            Setup token from the link: ready (it works once).
          </p>
        )}
        <label className="field">
          Name
          <input autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} data-testid="setup-name" />
        </label>
        <label className="field">
          Email
          <input
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            data-testid="setup-email"
          />
        </label>
        <label className="field">
          Password (at least {PASSWORD_MIN} characters)
          <input
            type="password"
            autoComplete="new-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            data-testid="setup-password"
          />
        </label>
        <label className="field">
          Password again
          <input
            type="password"
            autoComplete="new-password"
            required
            value={confirm}
            onChange={(e) => setConfirm(e.target.value)}
            data-testid="setup-confirm"
          />
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={alsoAnalyst}
            onChange={(e) => setAlsoAnalyst(e.target.checked)}
            data-testid="setup-also-analyst"
          />
          I will also analyse data (import files, see incident points)
        </label>
        {alsoAnalyst && (
          <>
            <label className="field">
              Analyst sign-in email
              <input
                type="email"
                required
                value={analyst}
                onChange={(e) => setAnalystEmail(e.target.value)}
                data-testid="setup-analyst-email"
              />
            </label>
            <p className="hint" data-testid="setup-analyst-hint">
              Each account has one role, so administration and record-level access stay apart in the audit log. This makes a
              second account, an analyst, with the same password, and signs you in as it. Sign in with the administrator email to
              manage users.
            </p>
          </>
        )}
        {error && (
          <p className="error-text" role="alert" data-testid="setup-error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy || needed === null} data-testid="setup-submit">
          {busy ? 'Creating…' : alsoAnalyst ? 'Create administrator and analyst' : 'Create administrator'}
        </button>
      </form>
    </div>
  );
}
