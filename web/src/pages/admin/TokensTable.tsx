// Every API token (prefix only; the token itself is never stored), with revoke.
import * as auth from '../../../../contract/auth';
import type { ApiToken } from '../../../../contract/auth';
import { useRouteMutation } from '../../api/query';
import { useAction } from '../../lib/use-action';

function status(t: ApiToken): string {
  if (t.revoked_at) return `Revoked ${t.revoked_at.slice(0, 10)}`;
  if (t.expires_at && new Date(t.expires_at) < new Date()) return 'Expired';
  return 'Active';
}

export function TokensTable({ tokens }: { tokens: ApiToken[] }) {
  const action = useAction();
  const revoke = useRouteMutation(auth.revokeToken, [auth.listTokens]);
  return (
    <div className="panel" data-testid="tokens">
      <h2 className="panel-title">API tokens</h2>
      {tokens.length === 0 ? (
        <p className="hint">No API tokens. Create one from a user’s row.</p>
      ) : (
        <table className="admin-table">
          <thead>
            <tr>
              <th>Token</th>
              <th>User</th>
              <th>Scopes</th>
              <th>Label</th>
              <th>Created</th>
              <th>Last used</th>
              <th>Expires</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tokens.map((t) => (
              <tr key={t.id} data-testid="token-row" className={t.revoked_at ? 'disabled' : undefined}>
                <td>
                  <code>{t.prefix}…</code>
                </td>
                <td>{t.email}</td>
                <td>{t.scopes.join(', ')}</td>
                <td>{t.label}</td>
                <td>{t.created_at.slice(0, 10)}</td>
                <td>{t.last_used_at?.slice(0, 10) ?? 'never'}</td>
                <td>{t.expires_at?.slice(0, 10) ?? 'never'}</td>
                <td data-testid="token-status">{status(t)}</td>
                <td>
                  {!t.revoked_at && (
                    <button
                      type="button"
                      disabled={action.busy}
                      onClick={() => action.run(() => revoke.mutateAsync({ params: { id: String(t.id) } }))}
                      data-testid="token-revoke"
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {action.error && <p className="error-text">{action.error}</p>}
    </div>
  );
}
