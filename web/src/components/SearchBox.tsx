// The place search box (issue 14): wards, streets in the data, schools, intervention sites and postcodes
// (GET /api/search). A combobox in the WAI-ARIA pattern: type at least 2 characters, ArrowDown/ArrowUp move
// through the results, Enter chooses, Escape closes the list (a second Escape clears the text). Choosing
// calls `onChoose` with the result's extent; the page's map controller flies there.
import { useEffect, useId, useRef, useState } from 'react';
import { search, type SearchKind, type SearchResult } from '../../../contract/places';
import { useRoute } from '../api/query';

const KIND_LABELS: Record<SearchKind, string> = {
  ward: 'Ward',
  street: 'Street',
  school: 'School',
  site: 'Site',
  postcode: 'Postcode',
};

/** [west, south, east, north] to show a result: its extent, or ~300 × 200 m around a point. */
export function resultBounds(r: SearchResult): [number, number, number, number] {
  if (r.bbox) {
    const [w, s, e, n] = r.bbox;
    // a street with one incident location is a point: give it some room
    const dx = Math.max(0, 0.0015 - (e - w) / 2);
    const dy = Math.max(0, 0.001 - (n - s) / 2);
    return [w - dx, s - dy, e + dx, n + dy];
  }
  const [x, y] = r.point ?? [0, 0];
  return [x - 0.0022, y - 0.0014, x + 0.0022, y + 0.0014];
}

export function SearchBox({ onChoose, className }: { onChoose: (r: SearchResult) => void; className?: string }) {
  const id = useId();
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const input = useRef<HTMLInputElement>(null);
  // debounce the query
  useEffect(() => {
    const t = setTimeout(() => setQ(text.trim()), 200);
    return () => clearTimeout(t);
  }, [text]);
  const enabled = q.length >= 2 && q.length <= 100;
  const res = useRoute(search, enabled ? { query: { q } } : null, { staleTime: 60_000 });
  const results = enabled ? (res.data?.results ?? []) : [];
  const expanded = open && enabled && (results.length > 0 || !res.isFetching);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `q` is the trigger: a new query starts with no active option.
  useEffect(() => setActive(-1), [q]);

  const choose = (r: SearchResult) => {
    setText(r.label);
    setOpen(false);
    setActive(-1);
    onChoose(r);
  };
  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setOpen(true);
      if (results.length) setActive((a) => (a + 1) % results.length);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setOpen(true);
      if (results.length) setActive((a) => (a <= 0 ? results.length : a) - 1);
    } else if (e.key === 'Enter') {
      const r = results[Math.max(active, 0)];
      if (r && expanded) {
        e.preventDefault();
        choose(r);
      }
    } else if (e.key === 'Escape') {
      if (expanded) setOpen(false);
      else setText('');
    }
  };
  const listId = `${id}-list`;
  const optId = (i: number) => `${id}-opt-${i}`;
  return (
    <div className={`search-box ${className ?? ''}`} data-testid="search-box">
      <label htmlFor={`${id}-input`} className="visually-hidden">
        Search places
      </label>
      <input
        ref={input}
        id={`${id}-input`}
        type="search"
        role="combobox"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={expanded && active >= 0 ? optId(active) : undefined}
        placeholder="Search a ward, street, school, postcode…"
        autoComplete="off"
        spellCheck={false}
        maxLength={100}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={onKeyDown}
        data-testid="search-input"
      />
      <div id={listId} role="listbox" aria-label="Places found" className="search-results" hidden={!expanded}>
        {expanded && results.length === 0 && (
          <div className="search-empty" role="presentation">
            {res.error ? `Search failed: ${res.error.message}` : `Nothing found for “${q}”`}
          </div>
        )}
        {expanded &&
          results.map((r, i) => (
            // biome-ignore lint/a11y/useKeyWithClickEvents: the keyboard works on the combobox input (arrows, Enter), which points here with aria-activedescendant.
            <div
              key={`${r.kind}:${r.label}:${r.detail}`}
              tabIndex={-1}
              id={optId(i)}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : undefined}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => choose(r)}
              data-testid="search-result"
              data-kind={r.kind}
            >
              <span className={`search-kind search-kind-${r.kind}`}>{KIND_LABELS[r.kind]}</span>
              <span className="search-label">{r.label}</span>
              <span className="search-detail">{r.detail}</span>
            </div>
          ))}
      </div>
    </div>
  );
}
