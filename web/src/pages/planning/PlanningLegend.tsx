// The planning map's legend: intervention types (colour-blind-safe colours), how planned and ended ones
// look, whichever planning outputs are on the map, and (coverage, outreach) whether their distances are
// walks along the walking network or straight lines.
import type { TypeStyle } from '../../map/prepare/planning';
import { GAP_COLOUR, OUTREACH_COLOUR, PATROL_COLOUR } from '../../map/layers/patrol';

export function PlanningLegend({
  types,
  register,
  gaps,
  patrol,
  outreach,
  distance = null,
}: {
  types: TypeStyle[];
  register: boolean;
  gaps: boolean;
  patrol: boolean;
  outreach: boolean;
  /** 'walking' or 'straight-line' (coverage and outreach); null: not shown. */
  distance?: string | null;
}) {
  return (
    <div className="legend planning-legend panel" data-testid="planning-legend">
      {register && (
        <section>
          <h3>Interventions</h3>
          <ul className="legend-rows">
            {types.map((t) => (
              <li key={t.slug}>
                <svg width={14} height={14} aria-hidden="true">
                  <circle cx={7} cy={7} r={5.5} fill={t.colour} stroke="#1d2329" strokeWidth={1} />
                </svg>
                {t.label}
              </li>
            ))}
            <li>
              <svg width={14} height={14} aria-hidden="true">
                <circle cx={7} cy={7} r={5} fill="#ffffff" stroke="#555" strokeWidth={2} />
              </svg>
              ended (hollow) · planned: faint
            </li>
          </ul>
        </section>
      )}
      {(gaps || patrol || outreach) && (
        <section>
          <h3>Planning</h3>
          <ul className="legend-rows">
            {gaps && (
              <li>
                <svg width={14} height={14} aria-hidden="true">
                  <rect
                    x={1}
                    y={1}
                    width={12}
                    height={12}
                    fill={GAP_COLOUR}
                    fillOpacity={0.35}
                    stroke={GAP_COLOUR}
                    strokeDasharray="3 2"
                  />
                </svg>
                uncovered significant hotspot
              </li>
            )}
            {patrol && (
              <li>
                <svg width={14} height={14} aria-hidden="true">
                  <rect
                    x={1}
                    y={1}
                    width={12}
                    height={12}
                    fill={PATROL_COLOUR}
                    fillOpacity={0.3}
                    stroke={PATROL_COLOUR}
                    strokeWidth={2}
                  />
                </svg>
                patrol box (number = rank)
              </li>
            )}
            {outreach && (
              <li>
                <svg width={14} height={14} aria-hidden="true">
                  <circle cx={7} cy={7} r={6} fill={OUTREACH_COLOUR} />
                </svg>
                outreach site (number = order added)
              </li>
            )}
          </ul>
          {distance && (
            <p className="legend-note" data-testid="legend-distance">
              Distances:{' '}
              {distance === 'walking' ? 'walking, along the walking network' : 'straight line (no walking network loaded)'}
            </p>
          )}
        </section>
      )}
    </div>
  );
}
