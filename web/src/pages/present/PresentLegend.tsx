// The presentation map's legend: always shown, large, every class with its range written out.
import { legendRows, type Classes } from '../../map/classify';
import { NO_DATA_COLOUR } from '../../map/layers/common';
import { withheldNote } from '../../lib/format';

function Rows({ classes, colours }: { classes: Classes; colours: readonly string[] }) {
  return (
    <ul className="present-legend-rows">
      {legendRows(classes, colours).map((r) => (
        <li key={r.label + r.colour}>
          <span className="present-swatch" style={{ background: r.colour }} />
          {r.label}
        </li>
      ))}
    </ul>
  );
}

export function PresentLegend(p: {
  areaClasses: Classes | null;
  areaColours: readonly string[];
  hexClasses: Classes | null;
  hexColours: readonly string[];
  hexRes: number | null;
  withheldMin: number | null;
  /** Playback (branch playback): "scale fixed for playback: 0–N" per layer while a month is shown. */
  fixedScale?: { areas: string | null; hexes: string | null };
}) {
  return (
    <div className="present-legend" data-testid="present-legend">
      {p.hexClasses && (
        <section>
          <h3>Incidents per hexagon{p.hexRes ? ` (res ${p.hexRes})` : ''}</h3>
          <Rows classes={p.hexClasses} colours={p.hexColours} />
          {p.fixedScale?.hexes && (
            <p className="present-note" data-testid="present-legend-hexes-fixed">
              {p.fixedScale.hexes}
            </p>
          )}
        </section>
      )}
      {p.areaClasses && (
        <section>
          <h3>Incidents per ward</h3>
          <Rows classes={p.areaClasses} colours={p.areaColours} />
          {p.fixedScale?.areas && (
            <p className="present-note" data-testid="present-legend-areas-fixed">
              {p.fixedScale.areas}
            </p>
          )}
        </section>
      )}
      {!p.hexClasses && !p.areaClasses && <p>Ward outlines and names</p>}
      {p.withheldMin !== null && (
        <>
          <ul className="present-legend-rows">
            <li>
              <span className="present-swatch" style={{ background: NO_DATA_COLOUR }} />
              withheld
            </li>
          </ul>
          <p className="present-note">{withheldNote(p.withheldMin)}</p>
        </>
      )}
    </div>
  );
}
