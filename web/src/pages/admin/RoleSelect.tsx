// The role picker of the add-user form and the user editor.
import { ROLE_HINTS, ROLE_LABELS, ROLES, type Role } from '../../../../contract/capabilities';

export function RoleSelect({
  value,
  onChange,
  testId,
  hints = false,
}: {
  value: Role;
  onChange: (r: Role) => void;
  testId: string;
  hints?: boolean;
}) {
  return (
    <label className="field">
      Role
      <select value={value} onChange={(e) => onChange(e.target.value as Role)} data-testid={testId}>
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {ROLE_LABELS[r]}
            {hints ? ` — ${ROLE_HINTS[r]}` : ''}
          </option>
        ))}
      </select>
    </label>
  );
}
