// Phones (below 700 px): the side panels of the map pages become bottom sheets over the map, opened and
// closed by a bar under the page. The layout is CSS (styles.css, "layout" section: the `data-sheet`
// attribute on .app says which sheet is open); this holds only which one is open.
import { useEffect, useState } from 'react';
import type { Page } from '../state/url-state';

export type SheetSide = 'left' | 'right';

/** The map pages with side panels, and what each panel holds (the toggle buttons' words). */
const SHEETS: Partial<Record<Page, Record<SheetSide, string>>> = {
  map: { left: 'Filters and layers', right: 'Ranking and details' },
  journeys: { left: 'Filters and legend', right: 'Routes and schools' },
  planning: { left: 'Tools', right: 'Details' },
};

/** Which sheet is open (none at first, and again after a page change). */
export function useSheet(page: Page): [SheetSide | null, (s: SheetSide | null) => void] {
  const [open, setOpen] = useState<SheetSide | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new page starts with its map uncovered.
  useEffect(() => setOpen(null), [page]);
  return [open, setOpen];
}

export function SheetBar({
  page,
  open,
  onChange,
}: {
  page: Page;
  open: SheetSide | null;
  onChange: (s: SheetSide | null) => void;
}) {
  const labels = SHEETS[page];
  // Escape closes an open sheet (the map is whole again).
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && !document.querySelector('.modal-backdrop') && onChange(null);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open, onChange]);
  if (!labels) return null;
  return (
    <nav className="sheet-bar" aria-label="Panels" data-testid="sheet-bar">
      {(['left', 'right'] as const).map((side) => (
        <button
          key={side}
          type="button"
          aria-expanded={open === side}
          className={open === side ? 'active' : undefined}
          onClick={() => onChange(open === side ? null : side)}
          data-testid={`sheet-toggle-${side}`}
        >
          {labels[side]}
        </button>
      ))}
    </nav>
  );
}

/** Pages whose own content has no top-level heading: App gives them one (visually hidden; the header names the page). */
export const PAGE_HEADINGS: Partial<Record<Page, string>> = {
  map: 'Crime map',
  journeys: 'School routes',
  planning: 'Planning',
  chb: 'Clear, Hold, Build',
};
