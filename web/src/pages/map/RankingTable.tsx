// Areas ranked by count, rate or change; a click zooms the map to the area and opens its details.
// Partners see withheld counts as "withheld" (never 0), with the disclosure rule under the table; a
// period the data do not cover says "no data" (issue 11), and change is not shown without the previous period.
import type { AreaStats } from '../../../../contract/aggregates';
import {
  change,
  formatChange,
  formatCountOrWithheld,
  formatFigure,
  formatRate,
  NO_DATA,
  NO_PREVIOUS_DATA,
  WITHHELD,
  withheldNote,
} from '../../lib/format';
import { areaCoverage } from '../../lib/coverage';
import { windowLabel } from '../../lib/months';
import { rankedTotal, sortAreaStats } from '../../lib/ranking';
import type { SortKey, SortState } from '../../state/url-state';

const COLUMNS: { key: SortKey; label: string; numeric: boolean; title?: string }[] = [
  { key: 'name', label: 'Area', numeric: false },
  { key: 'count', label: 'Count', numeric: true },
  { key: 'rate', label: 'Per 1,000', numeric: true, title: 'Incidents per 1,000 residents' },
  { key: 'change', label: 'Change', numeric: true, title: 'Change from the previous period of the same length' },
];

export function RankingTable({
  stats,
  loading,
  levelLabel,
  sort,
  previousCovered,
  selectedCode,
  onSort,
  onPick,
  onExport,
}: {
  onExport: (() => void) | null;
  previousCovered: boolean;
  stats: AreaStats | null;
  loading: boolean;
  levelLabel: string;
  sort: SortState;
  selectedCode: string | null;
  onSort: (s: SortState) => void;
  onPick: (code: string) => void;
}) {
  const rows = stats ? sortAreaStats(stats.areas, sort) : [];
  const cov = areaCoverage(stats);
  // Rates need population; without any, the column would be all dashes.
  const showRate = !!stats?.areas.some((a) => a.rate_per_1000 !== null);
  const columns = COLUMNS.filter((c) => (c.key !== 'rate' || showRate) && (c.key !== 'change' || previousCovered));
  return (
    <div className="panel ranking" data-testid="ranking">
      <h2 className="panel-title">
        {levelLabel} ranking{stats ? ` (${stats.areas.length})` : ''}
        {loading && <span className="loading-dot" aria-label="loading" />}
        {onExport && stats && (
          <button type="button" className="panel-action" onClick={onExport} data-testid="export-areas">
            Export…
          </button>
        )}
      </h2>
      {stats && (
        <p className="hint">
          {windowLabel(stats.from.slice(0, 7), stats.to.slice(0, 7))}
          {previousCovered && `; change vs ${windowLabel(stats.previous_from.slice(0, 7), stats.previous_to.slice(0, 7))}`}
        </p>
      )}
      {stats && !previousCovered && (
        <p className="hint coverage-note" data-testid="ranking-no-previous">
          No change shown: {NO_PREVIOUS_DATA} ({windowLabel(stats.previous_from.slice(0, 7), stats.previous_to.slice(0, 7))}).
        </p>
      )}
      {cov.noCurrent && (
        <p className="hint coverage-note" data-testid="ranking-no-data">
          {NO_DATA.charAt(0).toUpperCase() + NO_DATA.slice(1)} for this period: no imported file covers it for these categories.
        </p>
      )}
      {stats?.coverage.count_note && (
        <p className="hint coverage-note" data-testid="ranking-count-note">
          Counts {stats.coverage.count_note.replace(/^counts /, '')}.
        </p>
      )}
      <div className="table-scroll">
        <table className="ranking-table" data-testid="ranking-table">
          <thead>
            <tr>
              <th className="rank">#</th>
              {columns.map((c) => {
                const active = sort.key === c.key;
                return (
                  <th
                    key={c.key}
                    className={c.numeric ? 'num' : undefined}
                    title={c.title}
                    aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
                  >
                    <button
                      type="button"
                      data-testid={`sort-${c.key}`}
                      onClick={() =>
                        onSort({
                          key: c.key,
                          dir: active ? (sort.dir === 'asc' ? 'desc' : 'asc') : c.key === 'name' ? 'asc' : 'desc',
                        })
                      }
                    >
                      {c.label}
                      <span className="sort-arrow">{active ? (sort.dir === 'asc' ? '▲' : '▼') : ''}</span>
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => {
              const ch = change(r.count, r.previous_count);
              const changeWithheld = !!r.suppressed || !!r.previous_suppressed;
              return (
                <tr
                  key={r.code}
                  data-testid="ranking-row"
                  data-code={r.code}
                  className={r.code === selectedCode ? 'selected' : undefined}
                  onClick={() => onPick(r.code)}
                  tabIndex={0}
                  onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), onPick(r.code))}
                >
                  <td className="rank">{i + 1}</td>
                  <td className="name">{r.name}</td>
                  <td
                    className={r.suppressed ? 'num withheld' : cov.noCurrent ? 'num no-data' : 'num'}
                    data-testid={r.suppressed ? 'withheld-count' : undefined}
                  >
                    {formatFigure(r.count, { withheld: r.suppressed, noData: cov.noCurrent })}
                  </td>
                  {showRate && (
                    <td className={r.suppressed ? 'num withheld' : 'num'}>
                      {formatFigure(r.rate_per_1000, { withheld: r.suppressed, noData: cov.noCurrent }, formatRate)}
                    </td>
                  )}
                  {previousCovered && (
                    <td
                      className={`num change ${changeWithheld ? 'withheld' : ch.diff === null ? 'no-data' : ch.diff > 0 ? 'up' : ch.diff < 0 ? 'down' : ''}`}
                    >
                      {changeWithheld ? WITHHELD : ch.diff === null ? NO_DATA : formatChange(ch)}
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
          {stats && (
            <tfoot>
              <tr>
                <td />
                <td>Total</td>
                <td className="num" data-testid="ranking-total">
                  {cov.noCurrent ? NO_DATA : formatCountOrWithheld(rankedTotal(stats), rankedTotal(stats) === null)}
                </td>
                {columns.length > 2 && <td colSpan={columns.length - 2} />}
              </tr>
            </tfoot>
          )}
        </table>
      </div>
      {stats && !cov.noCurrent && (stats.outside_study_area === null || stats.outside_study_area > 0) && (
        <p className="hint" data-testid="outside-study-area">
          Plus {formatCountOrWithheld(stats.outside_study_area, stats.outside_study_area === null)} incidents outside the study
          area ({formatCountOrWithheld(stats.total, stats.total === null)} in all), not ranked.
        </p>
      )}
      {stats?.disclosure && (
        <p className="hint disclosure-note" data-testid="disclosure-note">
          {withheldNote(stats.disclosure.min_count)}
        </p>
      )}
    </div>
  );
}
