// The register as a list (type swatch, name, dates, status); a click selects the intervention and the
// map zooms to it. Ended ones are listed too, marked.
import type { InterventionCollection } from '../../../../contract/planning';
import { interventionStatus, type TypeStyle } from '../../map/prepare/planning';
import { UNKNOWN_TYPE_COLOUR } from '../../map/layers/interventions';

export function RegisterList({
  register,
  styles,
  today,
  selectedId,
  onSelect,
}: {
  register: InterventionCollection;
  styles: TypeStyle[];
  today: string;
  selectedId: number | null;
  onSelect: (id: number) => void;
}) {
  const colour = new Map(styles.map((s) => [s.slug, s.colour]));
  if (register.features.length === 0) return <p className="hint">The register is empty: add an intervention or import a file.</p>;
  return (
    <ul className="register-list" data-testid="register-list">
      {register.features.map(({ properties: p }) => {
        const status = interventionStatus(p, today);
        return (
          <li key={p.id}>
            <button
              type="button"
              className={p.id === selectedId ? 'register-item selected' : 'register-item'}
              onClick={() => onSelect(p.id)}
              data-testid="register-item"
              data-id={p.id}
            >
              <svg width={12} height={12} aria-hidden="true" className="type-dot">
                <circle
                  cx={6}
                  cy={6}
                  r={5}
                  fill={status === 'ended' ? '#ffffff' : (colour.get(p.type) ?? UNKNOWN_TYPE_COLOUR)}
                  stroke={colour.get(p.type) ?? UNKNOWN_TYPE_COLOUR}
                  strokeWidth={2}
                />
              </svg>
              <span className="register-name">{p.name}</span>
              <span className="register-meta">
                {p.type_label} · {p.starts_on}
                {p.ends_on ? ` – ${p.ends_on}` : ' –'} {status !== 'active' && <em className={`status-${status}`}>{status}</em>}
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
