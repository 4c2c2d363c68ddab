// The period the map shows, as one hook for the map page and the presentation page (issue 14: the
// presentation opens on the map's default period). The URL's months, else the 12 months to the newest
// month with data of the selected categories (data-period.ts, GET /api/coverage), else, until coverage
// answers, the summary's default. Always whole months, so police.uk's month-only data are never cut.
// Partners: snapped to the partner periods (contract/partner-periods.ts), which the server insists on.
import type { Summary } from '../../../contract/aggregates';
import { partnerPeriodFor } from '../../../contract/partner-periods';
import { useSignedIn } from '../api/session-store';
import { useCoverageReport } from '../components/CoverageStrip';
import { seesWithheld } from './can';
import { coverageDefaults } from './data-period';
import { resolveWindow } from './months';

export function useMapPeriod(view: { from: string | null; to: string | null; categories: string[] }, summary: Summary) {
  const coverageReport = useCoverageReport(view.categories);
  const partner = seesWithheld(useSignedIn());
  const resolved = resolveWindow(
    view,
    !view.from && !view.to && coverageReport.data?.last_month ? coverageDefaults(coverageReport.data) : summary,
  );
  // Partners get the fixed partner periods only (issue 15: months, quarters, 12 months to a quarter's end).
  const period = resolved && partner ? partnerPeriodFor(resolved.from, resolved.to) : resolved;
  return { period: period && { from: period.from, to: period.to }, coverageReport };
}
