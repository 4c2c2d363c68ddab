// Multi-select of crime categories; none ticked means all categories. "Serious violence" is the
// partnership's own definition (GET /api/definitions/serious-violence), sent as the category set
// `@serious-violence` and expanded by the server, which states the definition in every response's meta.
import type { Category } from '../../../../contract/aggregates';
import { formatCountOrWithheld } from '../../lib/format';

export const SERIOUS_VIOLENCE_SET = '@serious-violence';
export const SERIOUS_VIOLENCE_LABEL = 'Serious violence (as defined by this partnership)';

export function CategoryPicker({
  categories,
  selected,
  onChange,
}: {
  categories: Category[];
  selected: string[];
  onChange: (slugs: string[]) => void;
}) {
  const set = new Set(selected);
  // Categories with no incidents stay out of the way unless already chosen (e.g. from a shared URL).
  // Withheld counts (partners) may be small but not zero, so those categories stay, after the others.
  const sorted = categories
    .filter((c) => c.count === null || c.count > 0 || set.has(c.slug))
    .sort((a, b) => (b.count ?? -1) - (a.count ?? -1) || a.label.localeCompare(b.label));
  const sv = set.has(SERIOUS_VIOLENCE_SET);
  const labelOf = (slug: string) =>
    slug === SERIOUS_VIOLENCE_SET ? SERIOUS_VIOLENCE_LABEL : (categories.find((c) => c.slug === slug)?.label ?? slug);
  const summary =
    selected.length === 0 ? 'All categories' : selected.length === 1 ? labelOf(selected[0]) : `${selected.length} categories`;
  return (
    <details className="category-picker" data-testid="category-picker">
      <summary>{summary}</summary>
      <div className="category-list">
        <label className="category-all">
          <input type="checkbox" checked={selected.length === 0} onChange={() => onChange([])} />
          All categories
        </label>
        <label className="category-set">
          <input
            type="checkbox"
            checked={sv}
            data-testid="category-serious-violence"
            onChange={(e) => onChange(e.target.checked ? [SERIOUS_VIOLENCE_SET] : [])}
          />
          <span className="category-label">{SERIOUS_VIOLENCE_LABEL}</span>
        </label>
        {sorted.map((c) => (
          <label key={c.slug}>
            <input
              type="checkbox"
              checked={set.has(c.slug)}
              data-testid={`category-${c.slug}`}
              onChange={(e) =>
                onChange(
                  e.target.checked
                    ? [...selected.filter((s) => s !== SERIOUS_VIOLENCE_SET), c.slug]
                    : selected.filter((s) => s !== c.slug),
                )
              }
            />
            <span className="category-label">{c.label}</span>
            <span className="category-count">{formatCountOrWithheld(c.count, c.count === null)}</span>
          </label>
        ))}
      </div>
    </details>
  );
}
