// Administration: accounts (add, edit role and wards, disable, reset password, end sessions, API tokens).
import { useState } from 'react';
import { admin } from '../../api/admin';
import type { SessionUser } from '../../api/types';
import { useApi } from '../../lib/use-api';
import { AddUserForm } from './AddUserForm';
import { UserRow } from './UserRow';
import { TokenDialog } from './TokenDialog';
import { TokensTable } from './TokensTable';

export function UsersPage({ me }: { me: SessionUser }) {
  const users = useApi((s) => admin.users(s), []);
  const tokens = useApi((s) => admin.tokens(s), []);
  const [tokenFor, setTokenFor] = useState<SessionUser | null>(null);
  return (
    <div className="admin-page" data-testid="users-page">
      <h1>Users</h1>
      <AddUserForm onAdded={users.reload} />
      <div className="panel">
        <h2 className="panel-title">Accounts{users.data ? ` (${users.data.users.length})` : ''}</h2>
        {users.error && <p className="error-text">{users.error}</p>}
        {users.data && (
          <table className="admin-table" data-testid="users-table">
            <thead>
              <tr>
                <th>Email</th>
                <th>Name</th>
                <th>Role</th>
                <th>Wards</th>
                <th>Status</th>
                <th>Created</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {users.data.users.map((u) => (
                <UserRow key={u.id} user={u} isMe={u.id === me.id} onChanged={users.reload} onNewToken={setTokenFor} />
              ))}
            </tbody>
          </table>
        )}
      </div>
      {tokens.data && <TokensTable tokens={tokens.data.tokens} onChanged={tokens.reload} />}
      {tokens.error && <p className="error-text">{tokens.error}</p>}
      {tokenFor && (
        <TokenDialog
          user={tokenFor}
          onClose={(created) => {
            setTokenFor(null);
            if (created) tokens.reload();
          }}
        />
      )}
    </div>
  );
}
