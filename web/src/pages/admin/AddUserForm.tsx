// Add an account: email, name, role, optional password (without one the account can only use API
// tokens until a password is set), and for officers the ward codes their incident points are limited to.
import { useState } from 'react';
import * as auth from '../../../../contract/auth';
import type { Role } from '../../../../contract/capabilities';
import { parseAreaCodes } from '../../api/admin';
import { useRouteMutation } from '../../api/query';
import { RoleSelect } from './RoleSelect';
import { useAction } from '../../lib/use-action';

export function AddUserForm() {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('analyst');
  const [password, setPassword] = useState('');
  const [codes, setCodes] = useState('');
  const action = useAction();
  const add = useRouteMutation(auth.addUser, [auth.listUsers]);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const added = await action.run(
      () =>
        add.mutateAsync({
          body: {
            email: email.trim(),
            name: name.trim() || undefined,
            role,
            password: password || undefined,
            area_codes: role === 'officer' ? parseAreaCodes(codes) : undefined,
          },
        }),
      (u) => `Added ${u.email}.`,
    );
    if (added) {
      setEmail('');
      setName('');
      setPassword('');
      setCodes('');
    }
  };

  return (
    <form className="panel admin-form" onSubmit={submit} data-testid="add-user-form">
      <h2 className="panel-title">Add a user</h2>
      <div className="field-row">
        <label className="field">
          Email
          <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} data-testid="add-user-email" />
        </label>
        <label className="field">
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} data-testid="add-user-name" />
        </label>
        <RoleSelect value={role} onChange={setRole} testId="add-user-role" hints />
        <label className="field">
          Password (12+ characters, optional)
          <input
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            data-testid="add-user-password"
          />
        </label>
      </div>
      {role === 'officer' && (
        <label className="field">
          Wards where this officer sees incident points (codes, comma-separated; empty = the whole study area)
          <input
            value={codes}
            placeholder="E05013714, E05013715"
            onChange={(e) => setCodes(e.target.value)}
            data-testid="add-user-areas"
          />
        </label>
      )}
      {action.error && (
        <p className="error-text" role="alert" data-testid="add-user-error">
          {action.error}
        </p>
      )}
      {action.note && (
        <p className="ok-text" role="status">
          {action.note}
        </p>
      )}
      <button type="submit" className="primary" disabled={action.busy} data-testid="add-user-submit">
        Add user
      </button>
    </form>
  );
}
