// The coverage strip (issue 11): a month ruler under a period control showing which months hold data for
// the chosen categories (covered, partly covered, no data), with the chosen period outlined and the
// previous one dashed. Hover (or tap) a month for its status and sources; the line below says the same
// for the whole ruler, for screens without hover.
import { useEffect, useMemo, useState } from 'react';
import type { UseQueryResult } from '@tanstack/react-query';
import { getCoverage, type CoverageReport } from '../../../contract/aggregates';
import { errorMessage } from '../api/client';
import { useRoute } from '../api/query';
import { aggregateSourceLines, coverageStrip, STATUS_LABELS, type MonthWindow } from '../lib/coverage';

export type CoverageState = Pick<UseQueryResult<CoverageReport, Error>, 'data' | 'error'>;

/** GET /api/coverage for the categories (all when none), refetched when `refresh` changes. */
export function useCoverageReport(categories: readonly string[] | null, refresh = 0, enabled = true) {
  const category = categories?.length ? categories.join(',') : undefined;
  const report = useRoute(getCoverage, enabled ? { query: { category } } : null);
  const { refetch } = report;
  useEffect(() => {
    if (refresh > 0) void refetch();
  }, [refresh, refetch]);
  return report;
}

const pct = (i: number, n: number) => `${((i / n) * 100).toFixed(3)}%`;

export function CoverageStrip({
  categories,
  period,
  previous = null,
  refresh = 0,
  report: given,
  testId = 'coverage-strip',
}: {
  /** Category slugs; empty or null = all categories. */
  categories: readonly string[] | null;
  period: MonthWindow | null;
  previous?: MonthWindow | null;
  /** Bump to refetch (live updates). */
  refresh?: number;
  /** The report when the page fetched it already (for its own tables); else the strip fetches it. */
  report?: CoverageState;
  testId?: string;
}) {
  const own = useCoverageReport(categories, refresh, !given);
  const report = given ?? own;
  const catKey = categories?.join(',') ?? '';
  const [pFrom, pTo, prevFrom, prevTo] = [period?.from, period?.to, previous?.from, previous?.to];
  const model = useMemo(() => {
    if (!report.data) return null;
    const cats = catKey ? catKey.split(',') : null;
    const win = (from?: string, to?: string) => (from && to ? { from, to } : null);
    return coverageStrip(report.data, { categories: cats, period: win(pFrom, pTo), previous: win(prevFrom, prevTo) });
  }, [report.data, catKey, pFrom, pTo, prevFrom, prevTo]);
  const [picked, setPicked] = useState<string | null>(null);
  const aggregates = useMemo(() => aggregateSourceLines(report.data), [report.data]);

  if (report.error)
    return (
      <p className="hint" data-testid={testId}>
        Coverage: {errorMessage(report.error)}
      </p>
    );
  if (!model) return <div className="coverage-strip coverage-loading" data-testid={testId} data-ready="false" />;
  const n = model.months.length;
  const pickedTitle = picked ? model.months.find((m) => m.month === picked)?.title : null;
  return (
    <div
      className="coverage-strip"
      data-testid={testId}
      data-ready="true"
      data-period-status={model.period?.status ?? ''}
      data-previous-status={model.previous?.status ?? ''}
    >
      {/* One line: the key, or the month hovered/tapped (so the strip never changes height). */}
      {pickedTitle ? (
        <p className="cov-key cov-readout" data-testid={`${testId}-month`} title={pickedTitle}>
          {pickedTitle}
        </p>
      ) : (
        <p className="cov-key" title="Hover or tap a month for its sources">
          <span>
            <i className="cov-swatch cov-full" /> {STATUS_LABELS.full}
          </span>
          <span>
            <i className="cov-swatch cov-partial" /> part
          </span>
          <span>
            <i className="cov-swatch cov-none" /> {STATUS_LABELS.none}
          </span>
          {model.period && (
            <span>
              <i className="cov-swatch cov-swatch-period" /> period
            </span>
          )}
        </p>
      )}
      {n > 0 && (
        <>
          <div className="cov-bar" role="img" aria-label={model.summary} onMouseLeave={() => setPicked(null)}>
            <div className="cov-months" style={{ gridTemplateColumns: `repeat(${n}, minmax(0, 1fr))` }}>
              {model.months.map((m) => (
                <span
                  key={m.month}
                  className={`cov-m cov-${m.status}`}
                  title={m.title}
                  data-month={m.month}
                  data-status={m.status}
                  onMouseEnter={() => setPicked(m.month)}
                  onClick={() => setPicked(m.month)}
                />
              ))}
            </div>
            {model.previous && (
              <span
                className="cov-window cov-previous"
                data-testid={`${testId}-previous`}
                style={{ left: pct(model.previous.start, n), width: pct(model.previous.length, n) }}
              />
            )}
            {model.period && (
              <span
                className="cov-window cov-period"
                data-testid={`${testId}-period`}
                style={{ left: pct(model.period.start, n), width: pct(model.period.length, n) }}
              />
            )}
          </div>
          <div className="cov-ticks" aria-hidden="true">
            {model.ticks.map((t) => (
              // A label near the right end hangs left of its tick so it is not cut off.
              <span key={t.index} className={t.index / n > 0.85 ? 'cov-tick-end' : undefined} style={{ left: pct(t.index, n) }}>
                {t.label}
              </span>
            ))}
          </div>
        </>
      )}
      <p className="cov-summary" data-testid={`${testId}-summary`} title={report.data?.rule}>
        {model.summary}
      </p>
      {aggregates.map((line) => (
        <p key={line} className="cov-summary" data-testid={`${testId}-aggregate`}>
          {line}
        </p>
      ))}
    </div>
  );
}
