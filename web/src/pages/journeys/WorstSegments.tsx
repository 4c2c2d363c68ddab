// The worst segments (of the selected route, or across all routes) with where a guardian would stand:
// the segment's midpoint, numbered as on the map. WorstList is shared with the per-school lists.
import type { Average, RankKey as RankBy, SegmentRow } from '../../../../contract/journeys';
import { formatCount, formatCountOrWithheld, formatRate, WITHHELD } from '../../lib/format';
import { formatPoint, MEASURE_LABELS } from '../../map/prepare/journeys';

const num = (v: number | null, withheld: boolean | undefined, harm = false) =>
  withheld && v === null ? WITHHELD : harm ? formatRate(v) : formatCount(v);

/**
 * A list of segments, worst first, each with its figures and guardian point; clicking one focuses the
 * map on it. `numbered`: the circled numbers match the guardian points on the map; otherwise the
 * ranks are plain (the list is not the one drawn on the map).
 */
export function WorstList({
  rows,
  rankBy,
  onFocus,
  numbered = true,
  testId = 'worst-segment',
}: {
  rows: SegmentRow[];
  rankBy: RankBy;
  onFocus: (s: SegmentRow) => void;
  numbered?: boolean;
  testId?: string;
}) {
  return (
    <ol className="worst-list">
      {rows.map((s, i) => (
        <li key={`${s.route_id}:${s.seq}`} data-testid={testId}>
          <button type="button" className="worst-item" onClick={() => onFocus(s)}>
            <span className={numbered ? 'worst-rank' : 'worst-rank worst-rank-plain'}>{i + 1}</span>
            <span className="worst-body">
              <strong>{s.route_name}</strong> · segment {s.seq} ({Math.round(s.start_m)}–{Math.round(s.end_m)} m)
              {s.place?.name && <span className="place-name"> · {s.place.name}</span>}
              <br />
              <span className="worst-figures">
                {rankBy === 'harm' ? `harm ${num(s.harm, s.suppressed, true)} · ` : ''}
                {rankBy === 'all' ? `all ${num(s.all, s.suppressed)} · ` : ''}
                in windows {formatCountOrWithheld(s.count, s.count === null)} · unknown time{' '}
                {formatCountOrWithheld(s.unknown_time, s.unknown_time === null)}
                {s.ratio !== null && ` · ${formatRate(s.ratio)}× average`}
              </span>
              <br />
              <span className="worst-point">Guardian point {formatPoint(s.guardian_point)}</span>
            </span>
          </button>
        </li>
      ))}
    </ol>
  );
}

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
        By {MEASURE_LABELS[rankBy]}. Borough average:{' '}
        {average?.suppressed ? WITHHELD : `${formatRate(average?.rate_per_100m ?? null)} per 100 m`}.
      </p>
      {rows === null ? (
        <p className="hint">Loading…</p>
      ) : rows.length === 0 ? (
        <p className="hint" data-testid="worst-empty">
          No segment has any {rankBy === 'all' ? 'incident' : 'counted incident'} with these filters.
        </p>
      ) : (
        <WorstList rows={rows} rankBy={rankBy} onFocus={onFocus} />
      )}
    </section>
  );
}
