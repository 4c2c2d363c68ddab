// Notices over the map: incidents without a time of day (police.uk gives the month only) counted apart,
// with the offer to rank by all incidents; the server's other warnings (no term dates in the window);
// nothing imported yet; request errors.
import type { RankingResponse } from '../../../../contract/journeys';
import { formatCount, WITHHELD } from '../../lib/format';
import { plainWarning, unknownTimeNotice } from '../../map/prepare/journeys';
import type { SiteOption } from './use-journey-data';

export function JourneyNotices({
  ranking,
  errors,
  note,
  sites,
  onRankAll,
  allTimes,
}: {
  ranking: RankingResponse | null;
  errors: (string | null)[];
  /** E.g. the configured basemap could not be loaded. */
  note: string | null;
  sites: SiteOption[] | null;
  onRankAll: () => void;
  /**
   * The data near the routes have no times (police.uk only): 'shown' when the page switched to all
   * incidents at any time, 'withheld' when it cannot (partners rank by counts in the windows only).
   */
  allTimes: 'shown' | 'withheld' | null;
}) {
  const ut = ranking ? unknownTimeNotice(ranking) : null;
  // The unknown-time warning is shown in its own words below; the others as the server wrote them.
  const others = ranking?.meta.warnings.filter((w) => !/no time of day/.test(w)) ?? [];
  const noSites = sites !== null && sites.length === 0;
  return (
    <div className="map-notices journey-notices" role="status" data-testid="journey-notices">
      {allTimes && (
        <div className="notice notice-unknown-time" data-testid="all-times-notice">
          <strong>School-time analysis needs force data with times.</strong> The incidents near these routes are police.uk data,
          which give the month of each crime but not the day or time, so none can be placed in the school-journey windows.{' '}
          {allTimes === 'shown'
            ? 'The map and rankings show all incidents near the routes at any time of day instead.'
            : 'Counts in the windows would all be zero, so they are not a finding.'}{' '}
          Import a force extract with dates and times to see school-time risk.
        </div>
      )}
      {ut && allTimes !== 'shown' && (
        <div className="notice notice-unknown-time" data-testid="unknown-time-notice">
          <strong>{ut.unknownTime === null ? WITHHELD : formatCount(ut.unknownTime)}</strong> incident
          {ut.unknownTime === 1 ? '' : 's'} near the routes have no time of day (police.uk publishes the month only), so they
          cannot be placed in or out of the school-journey windows. They are counted as "unknown time", not as school-journey
          incidents{ut.nothingCounted ? ': nothing here counts in the windows' : ''}.
          {ut.offerAll && (
            <>
              {' '}
              <button type="button" className="link-button" onClick={onRankAll} data-testid="rank-all">
                Rank by all incidents instead
              </button>
            </>
          )}
        </div>
      )}
      {others.map((w) => (
        <p key={w}>{plainWarning(w)}</p>
      ))}
      {note && <p>{note}</p>}
      {noSites && (
        <p>No schools or hubs yet: an analyst imports them on the Import page (GIAS schools CSV, NaPTAN stops CSV or GeoJSON).</p>
      )}
      {errors
        .filter((e): e is string => !!e)
        .map((e) => (
          <p key={e} className="notice-error">
            {e}
          </p>
        ))}
    </div>
  );
}
