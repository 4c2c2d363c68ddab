// Administration: accounts (add, edit role and wards, disable, reset password, end sessions, API tokens).
import { useState } from 'react';
import * as auth from '../../../../contract/auth';
import { useRoute } from '../../api/query';
import { AddUserForm } from './AddUserForm';
import { UserRow } from './UserRow';
import { TokenDialog } from './TokenDialog';
import { TokensTable } from './TokensTable';

export function UsersPage({ me }: { me: auth.PublicUser }) {
  // The forms' mutations invalidate these two (the lists refetch).
  const users = useRoute(auth.listUsers, { query: {} });
  const tokens = useRoute(auth.listTokens, { query: {} });
  const [tokenFor, setTokenFor] = useState<auth.PublicUser | null>(null);
  return (
    <div className="admin-page" data-testid="users-page">
      <h1>Users</h1>
      <AddUserForm />
      <div className="panel">
        <h2 className="panel-title">Accounts{users.data ? ` (${users.data.users.length})` : ''}</h2>
        {users.error && <p className="error-text">{users.error.message}</p>}
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
                <UserRow key={u.id} user={u} isMe={u.id === me.id} onNewToken={setTokenFor} />
              ))}
            </tbody>
          </table>
        )}
      </div>
      {tokens.data && <TokensTable tokens={tokens.data.tokens} />}
      {tokens.error && <p className="error-text">{tokens.error.message}</p>}
      {tokenFor && <TokenDialog user={tokenFor} onClose={() => setTokenFor(null)} />}
    </div>
  );
}
