// Details of the selected area or hexagon: counts for the period and the previous one, rate, change,
// and a monthly sparkline covering both periods. A period the data do not cover says "no data" (issue 11).
import { errorMessage, filterQuery, type ResolvedFilters } from '../../api/client';
import { useRoute } from '../../api/query';
import { getSeries, type AreaStats } from '../../../../contract/aggregates';
import {
  change,
  formatChange,
  formatCount,
  formatFigure,
  formatRate,
  NO_DATA,
  NO_PREVIOUS_DATA,
  WITHHELD,
} from '../../lib/format';
import { previousWindow, windowLabel } from '../../lib/months';
import { areaCoverage } from '../../lib/coverage';
import { fillMonths, sumWindow, windowGap } from '../../lib/series';
import type { Selection } from '../../state/url-state';
import { Sparkline } from './Sparkline';

export function DetailPanel({
  selection,
  level,
  levelLabel,
  filters,
  stats,
  previousCovered,
  onClose,
}: {
  previousCovered: boolean;
  selection: NonNullable<Selection>;
  level: string;
  levelLabel: string;
  filters: ResolvedFilters;
  stats: AreaStats | null;
  onClose: () => void;
}) {
  const from = filters.from;
  const to = filters.to;
  const prev = stats ? { from: stats.previous_from.slice(0, 7), to: stats.previous_to.slice(0, 7) } : previousWindow(from, to);
  const target = selection.kind === 'area' ? { level, code: selection.code } : { h3: selection.h3 };
  const series = useRoute(getSeries, { query: { ...target, ...filterQuery({ ...filters, from: prev.from }) } });

  const row = selection.kind === 'area' ? stats?.areas.find((a) => a.code === selection.code) : undefined;
  const months = series.data ? fillMonths(series.data.months, prev.from, to) : [];
  const seriesCount = series.data ? sumWindow(months, from, to) : null;
  const seriesPrev = series.data ? sumWindow(months, prev.from, prev.to) : null;
  const count = row ? row.count : seriesCount;
  const previous = row ? row.previous_count : seriesPrev;
  const ch = previousCovered ? change(count, previous) : change(null, null);
  // Partners: the server withholds small counts (null); a series month withheld makes its period's sum unknown.
  // A null without that is no data: the period (or a month of it) is not covered.
  const cov = areaCoverage(stats);
  const countGap = row ? (cov.noCurrent ? 'no_data' : row.suppressed ? 'withheld' : null) : windowGap(months, from, to);
  const previousGap = row
    ? cov.noPrevious
      ? 'no_data'
      : row.previous_suppressed
        ? 'withheld'
        : null
    : windowGap(months, prev.from, prev.to);
  const countWithheld = count === null && countGap === 'withheld';
  const previousWithheld = previous === null && previousGap === 'withheld';
  const countNoData = count === null && !countWithheld;
  const previousNoData = !previousCovered || (previous === null && !previousWithheld);
  /** A hexagon's figures come from the series: nothing to say until it arrives. */
  const pending = !row && !series.data;

  const title = selection.kind === 'area' ? (row?.name ?? selection.code) : 'Hexagon';
  const subtitle = selection.kind === 'area' ? `${levelLabel} ${selection.code}` : `H3 ${selection.h3}`;
  return (
    <div className="panel detail" data-testid="detail-panel">
      <div className="detail-head">
        <div>
          <h2 className="detail-title">{title}</h2>
          <p className="hint">{subtitle}</p>
        </div>
        <button type="button" className="close" onClick={onClose} aria-label="Close details" data-testid="detail-close">
          ×
        </button>
      </div>
      <dl className="detail-figures">
        <div>
          <dt>{windowLabel(from, to)}</dt>
          <dd data-testid="detail-count">
            {pending ? '…' : formatFigure(count, { withheld: countWithheld, noData: countNoData })}
          </dd>
        </div>
        <div>
          <dt>Previous ({windowLabel(prev.from, prev.to)})</dt>
          <dd data-testid="detail-previous">
            {pending ? (
              '…'
            ) : previousNoData ? (
              <span className="hint no-data">{NO_PREVIOUS_DATA}</span>
            ) : (
              formatFigure(previous, { withheld: previousWithheld })
            )}
          </dd>
        </div>
        <div>
          <dt>Change</dt>
          <dd className={ch.diff === null ? '' : ch.diff > 0 ? 'up' : ch.diff < 0 ? 'down' : ''} data-testid="detail-change">
            {pending ? (
              '…'
            ) : countNoData || previousNoData ? (
              <span className="hint no-data">{NO_DATA}</span>
            ) : countWithheld || previousWithheld ? (
              WITHHELD
            ) : (
              formatChange(ch)
            )}
          </dd>
        </div>
        <div>
          <dt>Per 1,000 residents</dt>
          <dd>
            {selection.kind === 'hex' ? (
              <span className="hint">n/a for hexagons</span>
            ) : row?.population == null ? (
              <span className="hint">no population data</span>
            ) : (
              formatFigure(row.rate_per_1000, { withheld: countWithheld, noData: countNoData }, formatRate)
            )}
          </dd>
        </div>
      </dl>
      {series.error && <p className="error-text">{errorMessage(series.error)}</p>}
      {series.data && <Sparkline months={months} currentFrom={from} />}
      {selection.kind === 'area' && row && row.population !== null && (
        <p className="hint">Population {formatCount(row.population)}</p>
      )}
    </div>
  );
}
