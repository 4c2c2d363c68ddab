// Schools ranked by the chosen measure (each incident counted once per school, however many of its
// routes it is near), with each school's worst segments and their guardian points, opened per school.
import type { RankKey as RankBy, RankedSchool, RankingResponse, SegmentRow } from '../../../../contract/journeys';
import { formatCount, formatRate, WITHHELD } from '../../lib/format';
import { MEASURE_LABELS } from '../../map/prepare/journeys';
import { WorstList } from './WorstSegments';

const cell = (v: number | null, r: { suppressed?: boolean }, f: (n: number | null) => string = formatCount) =>
  v === null && r.suppressed ? WITHHELD : f(v);

export function SchoolRanking({ ranking, onFocus }: { ranking: RankingResponse | null; onFocus: (s: SegmentRow) => void }) {
  if (!ranking) return null;
  const rankBy: RankBy = ranking.meta.rank_by;
  return (
    <section className="panel school-ranking" data-testid="school-ranking">
      <h2 className="panel-title">Schools</h2>
      {ranking.schools.length === 0 ? (
        <p className="hint">No route is linked to a school yet.</p>
      ) : (
        <>
          <p className="hint">
            By {MEASURE_LABELS[rankBy]}, over all of each school's routes. Open a school for its worst segments.
          </p>
          <ol className="school-list">
            {ranking.schools.map((s: RankedSchool) => (
              <li key={s.school_id} data-testid="school-row" data-school-id={s.school_id}>
                <details>
                  <summary>
                    <span className="school-name">{s.name ?? `school ${s.school_id}`}</span>
                    <span className="school-figures">
                      {s.routes} route{s.routes === 1 ? '' : 's'} · in windows {cell(s.count, s)} · unknown time{' '}
                      {cell(s.unknown_time, s)}
                      {rankBy === 'harm' && ` · harm ${cell(s.harm, s, formatRate)}`}
                      {rankBy === 'all' && ` · all ${cell(s.all, s)}`}
                    </span>
                  </summary>
                  {s.worst_segments.length === 0 ? (
                    <p className="hint" data-testid="school-worst-empty">
                      No segment has any {rankBy === 'all' ? 'incident' : 'counted incident'}
                      {ranking.disclosure ? ' shown (small counts are withheld)' : ''} with these filters.
                    </p>
                  ) : (
                    <WorstList
                      rows={s.worst_segments}
                      rankBy={rankBy}
                      onFocus={onFocus}
                      numbered={false}
                      testId="school-worst-segment"
                    />
                  )}
                </details>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
