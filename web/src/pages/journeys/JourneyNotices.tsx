// Notices over the map: incidents without a time of day (police.uk gives the month only) counted apart,
// with the offer to rank by all incidents; the server's other warnings (no term dates in the window);
// nothing imported yet; request errors.
import type { RankingResponse } from '../../../../contract/journeys';
import { formatCount, WITHHELD } from '../../lib/format';
import { unknownTimeNotice } from '../../map/prepare/journeys';
import type { SiteOption } from './use-journey-data';

export function JourneyNotices({
  ranking,
  errors,
  note,
  sites,
  onRankAll,
}: {
  ranking: RankingResponse | null;
  errors: (string | null)[];
  /** E.g. the configured basemap could not be loaded. */
  note: string | null;
  sites: SiteOption[] | null;
  onRankAll: () => void;
}) {
  const ut = ranking ? unknownTimeNotice(ranking) : null;
  // The unknown-time warning is shown in its own words below; the others as the server wrote them.
  const others = ranking?.meta.warnings.filter((w) => !/no time of day/.test(w)) ?? [];
  const noSites = sites !== null && sites.length === 0;
  return (
    <div className="map-notices journey-notices" role="status" data-testid="journey-notices">
      {ut && (
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
        <p key={w}>{w.replace(/ \(PUT \/api\/journeys\/term-dates\)/, ' (Term dates, right)')}</p>
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
