// Multi-select of crime categories; none ticked means all categories.
import type { Category } from '../../api/types';
import { formatCountOrWithheld } from '../../lib/format';

export function CategoryPicker({ categories, selected, onChange }: { categories: Category[]; selected: string[]; onChange: (slugs: string[]) => void }) {
  const set = new Set(selected);
  // Categories with no incidents stay out of the way unless already chosen (e.g. from a shared URL).
  // Withheld counts (partners) may be small but not zero, so those categories stay, after the others.
  const sorted = categories
    .filter((c) => c.count === null || c.count > 0 || set.has(c.slug))
    .sort((a, b) => (b.count ?? -1) - (a.count ?? -1) || a.label.localeCompare(b.label));
  const summary = selected.length === 0 ? 'All categories' : selected.length === 1 ? (categories.find((c) => c.slug === selected[0])?.label ?? selected[0]) : `${selected.length} categories`;
  return (
    <details className="category-picker" data-testid="category-picker">
      <summary>{summary}</summary>
      <div className="category-list">
        <label className="category-all">
          <input type="checkbox" checked={selected.length === 0} onChange={() => onChange([])} />
          All categories
        </label>
        {sorted.map((c) => (
          <label key={c.slug}>
            <input
              type="checkbox"
              checked={set.has(c.slug)}
              data-testid={`category-${c.slug}`}
              onChange={(e) => onChange(e.target.checked ? [...selected, c.slug] : selected.filter((s) => s !== c.slug))}
            />
            <span className="category-label">{c.label}</span>
            <span className="category-count">{formatCountOrWithheld(c.count, c.count === null)}</span>
          </label>
        ))}
      </div>
    </details>
  );
}
