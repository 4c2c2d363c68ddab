// What the map shows: the exposure classes with the measure, categories, windows and corridor they were
// computed with, and the symbols.
import type { ExposureMeta } from '../../../../contract/journeys';
import type { Classes } from '../../map/classify';
import { exposureLegend, legendLines } from '../../map/prepare/journeys';

export function JourneyLegend({
  meta,
  classes,
  colours,
  segmentRoutes,
  totalRoutes,
  partner,
  categoryLabel,
}: {
  meta: ExposureMeta | null;
  classes: Classes | null;
  colours: string[];
  segmentRoutes: number;
  totalRoutes: number;
  partner: boolean;
  categoryLabel: (slug: string) => string;
}) {
  return (
    <div className="panel legend journey-legend" data-testid="journey-legend">
      <h2 className="panel-title">Legend</h2>
      <section>
        <h3>Segments</h3>
        <ul className="legend-rows">
          {exposureLegend(classes, colours).map((r) => (
            <li key={r.label}>
              <span className="swatch swatch-line" style={{ background: r.colour }} />
              {r.label}
            </li>
          ))}
          {partner && (
            <li>
              <span className="swatch swatch-line swatch-dashed" />
              withheld
            </li>
          )}
        </ul>
        {meta && (
          <dl className="legend-facts" data-testid="journey-legend-facts">
            {legendLines(meta, categoryLabel).map((l) => (
              <div key={l.label}>
                <dt>{l.label}</dt>
                <dd>{l.value}</dd>
              </div>
            ))}
          </dl>
        )}
        {totalRoutes > segmentRoutes && (
          <p className="hint">
            Segments coloured on {segmentRoutes} of {totalRoutes} routes (the selected one and the highest ranked); select a route
            to see its segments.
          </p>
        )}
        <p className="hint">
          The shaded band around the route under the pointer is its corridor: incidents inside it count on the route's nearest
          segment.
        </p>
      </section>
      <section>
        <h3>Symbols</h3>
        <ul className="legend-rows">
          <li>
            <span className="legend-icon legend-school" aria-hidden="true" /> School
          </li>
          <li>
            <span className="legend-icon legend-hub" aria-hidden="true" /> Station or hub
          </li>
          <li>
            <span className="legend-icon legend-guardian" aria-hidden="true">
              1
            </span>{' '}
            Guardian point (worst segment's midpoint)
          </li>
        </ul>
      </section>
    </div>
  );
}
