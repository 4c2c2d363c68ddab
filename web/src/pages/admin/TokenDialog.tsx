// Create an API token for a user: scopes, label, lifetime. The token is shown once, with a copy
// button; the server keeps only its hash.
import { useState } from 'react';
import * as auth from '../../../../contract/auth';
import { SCOPES, type Scope } from '../../../../contract/capabilities';
import { useRouteMutation } from '../../api/query';
import { useAction } from '../../lib/use-action';

const SCOPE_HINTS: Record<Scope, string> = {
  read: 'read the API (what the user’s role may see)',
  import: 'upload files to import',
  ingest: 'push incident records',
};

export function TokenDialog({ user, onClose }: { user: auth.PublicUser; onClose: (created: boolean) => void }) {
  const [scopes, setScopes] = useState<Scope[]>(['read']);
  const [label, setLabel] = useState('');
  const [days, setDays] = useState('90');
  const [created, setCreated] = useState<auth.NewToken | null>(null);
  const [copied, setCopied] = useState(false);
  const action = useAction();
  const create = useRouteMutation(auth.createToken, [auth.listTokens]);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const t = await action.run(() =>
      create.mutateAsync({
        params: { id: String(user.id) },
        body: { scopes, label: label.trim() || undefined, days: days ? Number(days) : undefined },
      }),
    );
    if (t) setCreated(t);
  };
  const copy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.token);
      setCopied(true);
    } catch {
      action.setError('The browser refused the clipboard; select the token and copy it by hand.');
    }
  };

  return (
    <div className="modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && onClose(!!created)}>
      <form
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby="token-title"
        onSubmit={submit}
        data-testid="token-dialog"
      >
        <h2 id="token-title">API token for {user.email}</h2>
        {created ? (
          <>
            <p>
              Copy the token now: it is shown only once. It acts as {user.email} with the scopes {created.scopes.join(', ')}.
            </p>
            <div className="token-once">
              <code data-testid="token-value">{created.token}</code>
              <button type="button" onClick={copy} data-testid="token-copy">
                {copied ? 'Copied' : 'Copy'}
              </button>
            </div>
            <p className="hint">
              Use it as <code>Authorization: Bearer {created.prefix}…</code>.
              {created.expires_at ? ` Expires ${created.expires_at.slice(0, 10)}.` : ' Does not expire.'}
            </p>
          </>
        ) : (
          <>
            <fieldset className="field">
              <legend>Scopes</legend>
              {SCOPES.map((s) => (
                <label key={s} className="check">
                  <input
                    type="checkbox"
                    checked={scopes.includes(s)}
                    onChange={(e) => setScopes(e.target.checked ? [...scopes, s] : scopes.filter((x) => x !== s))}
                    data-testid={`token-scope-${s}`}
                  />
                  {s} — {SCOPE_HINTS[s]}
                </label>
              ))}
            </fieldset>
            <label className="field">
              Label
              <input
                value={label}
                maxLength={100}
                placeholder="e.g. nightly import job"
                onChange={(e) => setLabel(e.target.value)}
                data-testid="token-label"
              />
            </label>
            <label className="field">
              Valid for (days; empty = no expiry)
              <input
                type="number"
                min={1}
                max={3650}
                value={days}
                onChange={(e) => setDays(e.target.value)}
                data-testid="token-days"
              />
            </label>
          </>
        )}
        {action.error && (
          <p className="error-text" role="alert">
            {action.error}
          </p>
        )}
        <div className="modal-actions">
          <button type="button" onClick={() => onClose(!!created)} data-testid="token-close">
            {created ? 'Done' : 'Cancel'}
          </button>
          {!created && (
            <button type="submit" className="primary" disabled={action.busy || scopes.length === 0} data-testid="token-create">
              Create token
            </button>
          )}
        </div>
      </form>
    </div>
  );
}
