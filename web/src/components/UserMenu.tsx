// Who is signed in (name or email, role), with Sign out and Sign out everywhere (every device's session).
import { useState } from 'react';
import { errorMessage } from '../api/client';
import { signOut } from '../api/session';
import type { PublicUser } from '../../../contract/auth';
import { ROLE_HINTS, ROLE_LABELS } from '../../../contract/capabilities';

export function UserMenu({ user }: { user: PublicUser }) {
  const [error, setError] = useState<string | null>(null);
  const out = (everywhere: boolean) => signOut(everywhere).catch((e) => setError(errorMessage(e)));
  return (
    <div className="user-menu" data-testid="user-menu">
      <span className="user-who" title={user.email}>
        <span data-testid="user-email">{user.name || user.email}</span>
        <span className={`role-badge role-${user.role}`} title={ROLE_HINTS[user.role]} data-testid="user-role">
          {ROLE_LABELS[user.role]}
        </span>
      </span>
      <button type="button" className="link-button" onClick={() => out(false)} data-testid="sign-out">
        Sign out
      </button>
      <button
        type="button"
        className="link-button"
        onClick={() => out(true)}
        title="End every session of this account, on every device"
        data-testid="sign-out-everywhere"
      >
        Sign out everywhere
      </button>
      {error && <span className="error-text">{error}</span>}
    </div>
  );
}
