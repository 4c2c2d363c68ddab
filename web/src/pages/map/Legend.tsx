// Map legend: class breaks of the area choropleth and of the hexagons, the "no data" state (grey, apart
// from 0, which has a class colour), the coverage rule and notes (issue 11), and the classification method.
import { legendRows, type ClassMethod, type Classes } from '../../map/classify';
import { NO_DATA_COLOUR } from '../../map/layers/common';
import type { AreaMetric } from '../../map/layers/areas';
import { updateView } from '../../state/view-store';
import { populationRuleNote, withheldNote } from '../../lib/format';
import { COVERAGE_RULE_SHORT } from '../../lib/coverage';
import type { PopulationMeta } from '../../../../contract/aggregates';
import type { CategorySetMeta } from '../../../../contract/definitions';
import { describeCategorySet } from '../../map/prepare/hotspots';

function Rows({
  classes,
  colours,
  testId,
  fixed,
}: {
  classes: Classes;
  colours: readonly string[];
  testId: string;
  /** Playback: the fixed-scale statement shown under the rows. */
  fixed?: string | null;
}) {
  return (
    <>
      <ul className="legend-rows" data-testid={testId}>
        {legendRows(classes, colours).map((r) => (
          <li key={r.label + r.colour}>
            <span className="swatch" style={{ background: r.colour }} />
            {r.label}
          </li>
        ))}
      </ul>
      {fixed && (
        <p className="hint" data-testid={`${testId}-fixed`}>
          {fixed}
        </p>
      )}
    </>
  );
}

export function Legend(p: {
  levelLabel: string;
  metric: AreaMetric;
  method: ClassMethod;
  showAreas: boolean;
  areaClasses: Classes | null;
  areaColours: readonly string[];
  /** The legend entry for areas without a value (no data, withheld, no population), or null. */
  areaNoDataLabel: string | null;
  /** The period has no data at all for the categories. */
  noCurrentData: boolean;
  /** Coverage notes from the API (partial period, no previous period). */
  coverageNotes: string[];
  /** The API's coverage rule in full (the legend shows a short line; this is its title). */
  coverageRule: string | null;
  /** How the rates' populations were obtained (stats/areas `population`). */
  population?: PopulationMeta | null;
  showHexes: boolean;
  hexClasses: Classes | null;
  hexColours: readonly string[];
  hexRes: number | null;
  showIncidents: boolean;
  /** Partners: the disclosure threshold (counts below it are withheld); null otherwise. */
  withheldMin: number | null;
  hexWithheld: boolean;
  /** Partners: how their counts were perturbed (the API's disclosure statement, issue 15); null otherwise. */
  perturbedStatement?: string | null;
  /** The partnership's definition the counts used (category=@serious-violence, issue 18); null otherwise. */
  categorySet?: CategorySetMeta | null;
  /** Playback (branch playback): "scale fixed for playback: 0–N" per layer while a month is shown. */
  fixedScale?: { areas: string | null; hexes: string | null };
}) {
  if (!p.showAreas && !p.showHexes && !p.showIncidents) return null;
  return (
    <div className="panel legend" data-testid="legend">
      <h2 className="panel-title">Legend</h2>
      {p.showHexes && (
        <section>
          <h3>Incidents per hexagon{p.hexRes ? ` (H3 res ${p.hexRes})` : ''}</h3>
          {p.hexClasses ? (
            <Rows classes={p.hexClasses} colours={p.hexColours} testId="legend-hexes" fixed={p.fixedScale?.hexes} />
          ) : (
            <p className="hint">
              {p.noCurrentData ? 'No data for this period' : p.hexWithheld ? 'All counts withheld' : 'No incidents in view'}
            </p>
          )}
          {p.hexWithheld && (
            <ul className="legend-rows">
              <li>
                <span className="swatch" style={{ background: NO_DATA_COLOUR }} />
                {p.withheldMin !== null ? `Fewer than ${p.withheldMin} or none (withheld)` : 'Withheld'}
              </li>
            </ul>
          )}
        </section>
      )}
      {p.showAreas && (
        <section>
          <h3>
            {p.metric === 'rate' ? 'Incidents per 1,000 residents' : 'Incidents per area'} ({p.levelLabel.toLowerCase()})
          </h3>
          {p.areaClasses ? (
            <Rows classes={p.areaClasses} colours={p.areaColours} testId="legend-areas" fixed={p.fixedScale?.areas} />
          ) : (
            !p.noCurrentData && <p className="hint">Loading…</p>
          )}
          {p.metric === 'rate' && populationRuleNote(p.population) && (
            <p className="hint" data-testid="legend-population-rule" title={p.population?.description}>
              {populationRuleNote(p.population)}
            </p>
          )}
          {p.areaNoDataLabel && (
            <ul className="legend-rows">
              <li data-testid="legend-no-data">
                <span className="swatch" style={{ background: NO_DATA_COLOUR }} />
                {p.areaNoDataLabel}
              </li>
            </ul>
          )}
        </section>
      )}
      {p.categorySet && (
        <ul className="hint legend-category-set" data-testid="legend-category-set">
          {describeCategorySet(p.categorySet).map((l) => (
            <li key={l}>{l}</li>
          ))}
        </ul>
      )}
      {p.showIncidents && (
        <section>
          <h3>Incidents</h3>
          <ul className="legend-rows">
            <li>
              <span className="swatch swatch-point" />
              One incident (circles with numbers are clusters)
            </li>
          </ul>
        </section>
      )}
      {p.withheldMin !== null && (
        <p className="hint disclosure-note" data-testid="legend-withheld-note">
          {withheldNote(p.withheldMin)}
        </p>
      )}
      {p.perturbedStatement && (
        <p className="hint disclosure-note" data-testid="legend-perturbed-note" title={p.perturbedStatement}>
          Counts shown are perturbed by the ONS cell key method (each may differ from the true count by up to 2; the same count
          always gets the same answer), so parts need not add up to totals.
        </p>
      )}
      {(p.showAreas || p.showHexes) && (
        <div className="hint legend-coverage" data-testid="legend-coverage">
          <p title={p.coverageRule ?? undefined}>{COVERAGE_RULE_SHORT}</p>
          {p.coverageNotes.map((n) => (
            <p key={n} className="coverage-note" data-testid="legend-coverage-note">
              {n}
            </p>
          ))}
        </div>
      )}
      {(p.showAreas || p.showHexes) && (
        <label className="legend-method">
          Classes
          <select
            value={p.method}
            onChange={(e) => updateView({ classMethod: e.target.value as ClassMethod })}
            data-testid="class-method"
          >
            <option value="jenks">Natural breaks</option>
            <option value="quantile">Quantiles</option>
          </select>
        </label>
      )}
    </div>
  );
}
