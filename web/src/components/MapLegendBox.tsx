// The legend's place on a map (issue 14): a box over the map's bottom-left corner, scrolling inside itself,
// that folds to its title with one click (or Enter/Space). Open at first except on phones, where it would
// cover most of the map.
import { useState } from 'react';

const PHONE = '(max-width: 700px)';

export function MapLegendBox({ children }: { children: React.ReactNode }) {
  const [open, setOpen] = useState(() => typeof window === 'undefined' || !window.matchMedia(PHONE).matches);
  return (
    <div className={open ? 'map-legend-box open' : 'map-legend-box'} data-testid="map-legend-box">
      <button
        type="button"
        className="map-legend-toggle"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        data-testid="map-legend-toggle"
      >
        {open ? 'Hide legend' : 'Legend'}
      </button>
      <div className="map-legend-body" hidden={!open}>
        {children}
      </div>
    </div>
  );
}
