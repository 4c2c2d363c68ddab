// One account in the users table, with its actions; "Edit" opens an editor row (name, role, wards,
// password reset). The server ends the account's sessions when its role or password changes.
import { useState } from 'react';
import * as auth from '../../../../contract/auth';
import { ROLE_LABELS, type Role } from '../../../../contract/capabilities';
import type { BodyOf } from '../../../../contract/http';
import { parseAreaCodes } from '../../api/admin';
import { useRouteMutation } from '../../api/query';
import { RoleSelect } from './RoleSelect';
import { useAction } from '../../lib/use-action';

const COLUMNS = 7;

/** Changes an account; the users list refetches. */
const useUpdateUser = () => useRouteMutation(auth.updateUser, [auth.listUsers]);

function UserEditor({ user, onSaved, onCancel }: { user: auth.PublicUser; onSaved: () => void; onCancel: () => void }) {
  const [name, setName] = useState(user.name);
  const [role, setRole] = useState<Role>(user.role);
  const [codes, setCodes] = useState((user.area_codes ?? []).join(', '));
  const [password, setPassword] = useState('');
  const action = useAction();
  const update = useUpdateUser();

  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    const patch: BodyOf<typeof auth.updateUser> = {};
    if (name.trim() !== user.name) patch.name = name.trim();
    if (role !== user.role) patch.role = role;
    const newCodes = role === 'officer' ? parseAreaCodes(codes) : null;
    if ((newCodes ?? []).join(',') !== (user.area_codes ?? []).join(',')) patch.area_codes = newCodes;
    if (password) patch.password = password;
    if (Object.keys(patch).length === 0) return onCancel();
    if (await action.run(() => update.mutateAsync({ params: { id: String(user.id) }, body: patch }))) onSaved();
  };

  return (
    <tr className="user-editor">
      <td colSpan={COLUMNS}>
        <form onSubmit={save} className="field-row" data-testid="user-editor">
          <label className="field">
            Name
            <input value={name} onChange={(e) => setName(e.target.value)} data-testid="edit-name" />
          </label>
          <RoleSelect value={role} onChange={setRole} testId="edit-role" />
          {role === 'officer' && (
            <label className="field">
              Ward codes (empty = whole study area)
              <input value={codes} onChange={(e) => setCodes(e.target.value)} data-testid="edit-areas" />
            </label>
          )}
          <label className="field">
            Reset password (12+ characters)
            <input
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              data-testid="edit-password"
            />
          </label>
          <div className="form-actions">
            <button type="submit" className="primary" disabled={action.busy} data-testid="edit-save">
              Save
            </button>
            <button type="button" onClick={onCancel}>
              Cancel
            </button>
          </div>
          {action.error && (
            <p className="error-text" role="alert" data-testid="edit-error">
              {action.error}
            </p>
          )}
        </form>
      </td>
    </tr>
  );
}

export function UserRow({
  user,
  isMe,
  onNewToken,
}: {
  user: auth.PublicUser;
  isMe: boolean;
  onNewToken: (u: auth.PublicUser) => void;
}) {
  const [editing, setEditing] = useState(false);
  const action = useAction();
  const update = useUpdateUser();
  const revoke = useRouteMutation(auth.revokeUserSessions);
  return (
    <>
      <tr data-testid="user-row" data-email={user.email} className={user.disabled ? 'disabled' : undefined}>
        <td>
          {user.email}
          {isMe && <span className="hint"> (you)</span>}
          {user.demo && <span className="hint"> (demo)</span>}
        </td>
        <td>{user.name}</td>
        <td data-testid="user-role-cell">{ROLE_LABELS[user.role]}</td>
        <td className="codes">{user.role === 'officer' ? (user.area_codes?.join(', ') ?? 'whole study area') : ''}</td>
        <td data-testid="user-status">{user.disabled ? 'Disabled' : 'Active'}</td>
        <td>{user.created_at.slice(0, 10)}</td>
        <td className="row-actions">
          <button type="button" onClick={() => setEditing((v) => !v)} data-testid="user-edit">
            Edit
          </button>
          {!isMe && (
            <button
              type="button"
              disabled={action.busy}
              onClick={() =>
                action.run(() => update.mutateAsync({ params: { id: String(user.id) }, body: { disabled: !user.disabled } }))
              }
              data-testid="user-toggle-disabled"
            >
              {user.disabled ? 'Enable' : 'Disable'}
            </button>
          )}
          <button
            type="button"
            disabled={action.busy}
            title="End every session of this account"
            onClick={() =>
              action.run(
                () => revoke.mutateAsync({ params: { id: String(user.id) } }),
                (r) => `${r.revoked} session${r.revoked === 1 ? '' : 's'} ended.`,
              )
            }
            data-testid="user-revoke-sessions"
          >
            Sign out sessions
          </button>
          <button type="button" disabled={user.disabled} onClick={() => onNewToken(user)} data-testid="user-new-token">
            New API token
          </button>
          {action.error && <span className="error-text">{action.error}</span>}
          {action.note && (
            <span className="ok-text" data-testid="user-action-note">
              {action.note}
            </span>
          )}
        </td>
      </tr>
      {editing && <UserEditor user={user} onCancel={() => setEditing(false)} onSaved={() => setEditing(false)} />}
    </>
  );
}
