// The worst segments (of the selected route, or across all routes) with where a guardian would stand:
// the segment's midpoint, numbered as on the map.
import type { Average, RankBy, SegmentRow } from '../../api/journeys';
import { formatCount, formatCountOrWithheld, formatRate, WITHHELD } from '../../lib/format';
import { formatPoint, MEASURE_LABELS } from '../../map/prepare/journeys';

const num = (v: number | null, withheld: boolean | undefined, harm = false) => (withheld && v === null ? WITHHELD : harm ? formatRate(v) : formatCount(v));

export function WorstSegments({
  rows,
  rankBy,
  average,
  scope,
  onFocus,
}: {
  rows: SegmentRow[] | null;
  rankBy: RankBy;
  average: Average | null;
  /** "Route name" or null for all routes. */
  scope: string | null;
  onFocus: (s: SegmentRow) => void;
}) {
  return (
    <section className="panel worst-segments" data-testid="worst-segments">
      <h2 className="panel-title">Worst segments {scope ? `· ${scope}` : '· all routes'}</h2>
      <p className="hint">
        By {MEASURE_LABELS[rankBy]}. Borough average: {average?.suppressed ? WITHHELD : `${formatRate(average?.rate_per_100m ?? null)} per 100 m`}.
      </p>
      {rows === null ? (
        <p className="hint">Loading…</p>
      ) : rows.length === 0 ? (
        <p className="hint" data-testid="worst-empty">
          No segment has any {rankBy === 'all' ? 'incident' : 'counted incident'} with these filters.
        </p>
      ) : (
        <ol className="worst-list">
          {rows.map((s, i) => (
            <li key={`${s.route_id}:${s.seq}`} data-testid="worst-segment">
              <button type="button" className="worst-item" onClick={() => onFocus(s)}>
                <span className="worst-rank">{i + 1}</span>
                <span className="worst-body">
                  <strong>{s.route_name}</strong> · segment {s.seq} ({Math.round(s.start_m)}–{Math.round(s.end_m)} m)
                  <br />
                  <span className="worst-figures">
                    {rankBy === 'harm' ? `harm ${num(s.harm, s.suppressed, true)} · ` : ''}
                    {rankBy === 'all' ? `all ${num(s.all, s.suppressed)} · ` : ''}
                    in windows {formatCountOrWithheld(s.count, s.count === null)} · unknown time {formatCountOrWithheld(s.unknown_time, s.unknown_time === null)}
                    {s.ratio !== null && ` · ${formatRate(s.ratio)}× average`}
                  </span>
                  <br />
                  <span className="worst-point">Guardian point {formatPoint(s.guardian_point)}</span>
                </span>
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
