// The pack data for the view (GET /api/pack), refetched when incidents are added. Without a window or
// comparison length in the URL, the server chooses: whole calendar months (the last covered month against
// the one before) when the data in scope are known only to the month (police.uk), else 28 days (its
// period.basis says which); "since" is the URL's, else the end of the last meeting ended on the server
// (GET /api/meetings?ended=true), else the last meeting recorded in this browser.
import { useMemo } from 'react';
import * as live from '../../../../contract/live';
import type { Pack } from '../../../../contract/live';
import { packParams, type PackRequest } from '../../api/live';
import { useRoute } from '../../api/query';
import { lastMeetingSeq } from '../../lib/live-meeting';
import { chooseCompare, sinceLastMeeting, sinceParam } from '../../lib/live-view';
import { comparisonCoverage } from '../../lib/coverage';
import { useCoverageReport } from '../../components/CoverageStrip';
import type { ViewState } from '../../state/url-state';

export interface PackState {
  pack: Pack | null;
  error: string | null;
  loading: boolean;
  query: PackRequest;
  /** What "since" refers to, in words (null: nothing to compare with). */
  sinceLabel: string | null;
  monthPrecision: boolean;
}

/** The pack for the view; the change feed's invalidation (useLiveInvalidation) refetches it when incidents are added. */
export function usePack(view: ViewState, top = 10): PackState {
  // The last ended meeting (only asked when the URL has no "since"); the pack waits for it.
  const ended = useRoute(live.listMeetings, view.since ? null : { query: { ended: 'true', limit: '1' } });
  const waiting = !view.since && ended.isLoading;
  const lastEnded = ended.data ? (ended.data.meetings[0] ?? null) : null;
  const last = useMemo(
    () => (view.since || waiting ? null : sinceLastMeeting(lastEnded, lastMeetingSeq())),
    [view.since, waiting, lastEnded],
  );
  const since = view.since ?? (last ? String(last.seq) : null);
  const sinceLabel = view.since ? (/^\d+$/.test(view.since) ? `change ${view.since}` : view.since) : (last?.label ?? null);
  const compare = view.compare ?? undefined;
  const categoryKey = view.categories.join(',');
  const query: PackRequest = useMemo(() => {
    const categories = categoryKey ? categoryKey.split(',') : [];
    return view.from && view.to
      ? { from: view.from, to: view.to, categories, top, since: sinceParam(since) }
      : { compare, categories, top, since: sinceParam(since) };
  }, [view.from, view.to, categoryKey, compare, since, top]);
  const state = useRoute(live.getPack, waiting ? null : { query: packParams(query) });
  const pack = state.data ?? null;
  const monthPrecision = !!pack && chooseCompare(pack.comparison.time_precision) === '1m';
  return {
    pack,
    error: state.error ? state.error.message : null,
    loading: waiting || state.isLoading,
    query,
    sinceLabel,
    monthPrecision,
  };
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
  // (The pack's objects keep their identity between refetches that change nothing: TanStack Query's structural sharing.)
  const coverage = useMemo(
    () =>
      p && report.data
        ? comparisonCoverage(report.data, categories, { from: p.from, to: p.to }, { from: p.previous_from, to: p.previous_to })
        : null,
    [report.data, p, categories],
  );
  return {
    report,
    coverage,
    categories,
    period: p ? { from: p.from, to: p.to } : null,
    previous: p ? { from: p.previous_from, to: p.previous_to } : null,
  };
}
