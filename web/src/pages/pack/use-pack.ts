// The pack data for the view (GET /api/pack), refetched when incidents are added. Without a window or
// comparison length in the URL, the server chooses: whole calendar months (the last covered month against
// the one before) when the data in scope are known only to the month (police.uk), else 28 days (its
// period.basis says which); "since" is the URL's, else the end of the last meeting ended on the server
// (GET /api/meetings?ended=true), else the last meeting recorded in this browser.
import { useMemo } from 'react';
import { liveApi, type Pack, type PackQuery } from '../../api/live';
import { useApi } from '../../lib/use-api';
import { lastMeetingSeq } from '../../lib/live-meeting';
import { chooseCompare, sinceLastMeeting, sinceParam } from '../../lib/live-view';
import { comparisonCoverage } from '../../lib/coverage';
import { useCoverageReport } from '../../components/CoverageStrip';
import type { ViewState } from '../../state/url-state';

export interface PackState {
  pack: Pack | null;
  error: string | null;
  loading: boolean;
  query: PackQuery;
  /** What "since" refers to, in words (null: nothing to compare with). */
  sinceLabel: string | null;
  monthPrecision: boolean;
}

export function usePack(view: ViewState, refresh: number, top = 10): PackState {
  // The last ended meeting (only asked when the URL has no "since"); the pack waits for it.
  const ended = useApi(
    view.since ? null : (signal) => liveApi.meetings({ ended: true, limit: 1 }, signal).then((r) => r.meetings[0] ?? null),
    [!!view.since],
  );
  const waiting = !view.since && ended.loading;
  const last = useMemo(
    () => (view.since || waiting ? null : sinceLastMeeting(ended.data, lastMeetingSeq())),
    [view.since, waiting, ended.data],
  );
  const since = view.since ?? (last ? String(last.seq) : null);
  const sinceLabel = view.since ? (/^\d+$/.test(view.since) ? `change ${view.since}` : view.since) : (last?.label ?? null);
  const compare = view.compare ?? undefined;
  const query: PackQuery = useMemo(
    () =>
      view.from && view.to
        ? { from: view.from, to: view.to, categories: view.categories, top, since: sinceParam(since) }
        : { compare, categories: view.categories, top, since: sinceParam(since) },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [view.from, view.to, view.categories.join(','), compare, since, top],
  );
  const state = useApi(waiting ? null : (signal) => liveApi.pack(query, signal), [JSON.stringify(query), refresh, waiting]);
  const monthPrecision = !!state.data && chooseCompare(state.data.comparison.time_precision) === '1m';
  return { pack: state.data, error: state.error, loading: state.loading, query, sinceLabel, monthPrecision };
}

/**
 * What the data cover of the pack's period and the previous one (issue 11): the pack's comparison counts
 * a month no file covers as 0, so its tables say "no data" where this is not full. The report also feeds
 * the coverage strip.
 */
export function usePackCoverage(pack: Pack | null, refresh: number) {
  const categories = pack?.categories_filter ?? null;
  const report = useCoverageReport(categories, refresh, !!pack);
  const p = pack?.period;
  const coverage = useMemo(
    () => (p && report.data ? comparisonCoverage(report.data, categories, { from: p.from, to: p.to }, { from: p.previous_from, to: p.previous_to }) : null),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [report.data, p?.from, p?.to, p?.previous_from, p?.previous_to, categories?.join(',')],
  );
  return { report, coverage, categories, period: p ? { from: p.from, to: p.to } : null, previous: p ? { from: p.previous_from, to: p.previous_to } : null };
}
