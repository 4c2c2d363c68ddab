// First run: the server prints http://host:port/setup#token=…; this page takes the token from the URL
// fragment (never sent to the server in a request line or logged), clears it from the address bar and
// creates the first administrator.
import { useEffect, useState } from 'react';
import { ApiError, errorMessage } from '../../api/client';
import { completeSetup, setupNeeded } from '../../api/session';
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

export function SetupPage({ signedInAs }: { signedInAs: string | null }) {
  const [token, setToken] = useState(takeSetupToken);
  const [needed, setNeeded] = useState<boolean | null>(null);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setupNeeded().then(setNeeded, (e) => setError(errorMessage(e)));
  }, []);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    if (password.length < PASSWORD_MIN) return setError(`The password needs at least ${PASSWORD_MIN} characters.`);
    if (password !== confirm) return setError('The two passwords differ.');
    setBusy(true);
    try {
      await completeSetup({ token: token.trim(), email: email.trim(), password, name: name.trim() || undefined });
      navigate('/');
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
          <p>An administrator account exists already{signedInAs ? ` (you are signed in as ${signedInAs})` : ''}. New accounts are added by an administrator on the Users page.</p>
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
        <p className="hint">Create the first administrator. Administrators add the other accounts (analysts, officers, partners).</p>
        {!token && (
          <label className="field">
            Setup token
            <input required value={token} onChange={(e) => setToken(e.target.value)} placeholder="from the link the server printed" data-testid="setup-token" />
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
          <input type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} data-testid="setup-email" />
        </label>
        <label className="field">
          Password (at least {PASSWORD_MIN} characters)
          <input type="password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} data-testid="setup-password" />
        </label>
        <label className="field">
          Password again
          <input type="password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} data-testid="setup-confirm" />
        </label>
        {error && (
          <p className="error-text" role="alert" data-testid="setup-error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy || needed === null} data-testid="setup-submit">
          {busy ? 'Creating…' : 'Create administrator'}
        </button>
      </form>
    </div>
  );
}
