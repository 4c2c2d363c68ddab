// Routes ranked by the chosen measure, with totals per route and the worst segment; hovering a row
// shows the route's corridor on the map, clicking selects it.
import type { RankKey as RankBy, RankedRoute, RankingResponse } from '../../../../contract/journeys';
import { formatCount, formatRate, WITHHELD, withheldNote } from '../../lib/format';

const cell = (v: number | null, r: { suppressed?: boolean }, f: (n: number | null) => string = formatCount) =>
  v === null && r.suppressed ? WITHHELD : f(v);

export function RouteRanking({
  ranking,
  selectedId,
  onSelect,
  onHover,
}: {
  ranking: RankingResponse | null;
  selectedId: number | null;
  onSelect: (id: number) => void;
  onHover: (id: number | null) => void;
}) {
  if (!ranking) return null;
  const rankBy: RankBy = ranking.meta.rank_by;
  const partner = !!ranking.disclosure;
  return (
    <section className="panel ranking journey-ranking" data-testid="route-ranking">
      <h2 className="panel-title">Route ranking</h2>
      {ranking.routes.length === 0 ? (
        <p className="hint">No routes yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="ranking-table">
            <thead>
              <tr>
                <th>#</th>
                <th>Route</th>
                <th title="incidents in school-journey time">In windows</th>
                <th title="no time of day (e.g. police.uk)">Unknown time</th>
                {rankBy === 'harm' && <th>Harm</th>}
                {rankBy === 'all' && <th>All</th>}
                <th title="in-window incidents per 100 m">Per 100 m</th>
                <th title="route rate / borough segment average">× avg</th>
              </tr>
            </thead>
            <tbody>
              {ranking.routes.map((r: RankedRoute) => (
                <tr
                  key={r.route_id}
                  className={r.route_id === selectedId ? 'selected' : undefined}
                  data-testid="route-row"
                  onClick={() => onSelect(r.route_id)}
                  onMouseEnter={() => onHover(r.route_id)}
                  onMouseLeave={() => onHover(null)}
                >
                  <td>{r.rank}</td>
                  <td className="route-name-cell" title={[r.school_name, r.hub_name].filter(Boolean).join(' → ')}>
                    {r.name}
                  </td>
                  <td>{cell(r.count, r)}</td>
                  <td>{cell(r.unknown_time, r)}</td>
                  {rankBy === 'harm' && <td>{cell(r.harm, r, formatRate)}</td>}
                  {rankBy === 'all' && <td>{cell(r.all, r)}</td>}
                  <td>{cell(r.rate_per_100m, r, formatRate)}</td>
                  <td>{cell(r.ratio, r, formatRate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {partner && ranking.disclosure && (
        <p className="hint">
          {withheldNote(ranking.disclosure.min_count)} Excluded and all-incident counts are not shown to partners.
        </p>
      )}
    </section>
  );
}
