// Filters: time window (inclusive months in the UI, exclusive `to` in the URL/API), categories, area level, metric.
import type { AreaSet, Category, Summary } from '../../../../contract/aggregates';
import type { CoverageState } from '../../components/CoverageStrip';
import { dataElsewhere, jumpWindow } from '../../lib/data-period';
import { addMonths, fromBoundToMonth, isMonth, previousWindow, windowLabel } from '../../lib/months';
import { CoverageStrip } from '../../components/CoverageStrip';
import type { ViewState } from '../../state/url-state';
import { updateView } from '../../state/view-store';
import { CategoryPicker } from './CategoryPicker';
import { PARTNER_PERIOD_RULE, partnerPeriodLabel, partnerPeriods } from '../../../../contract/partner-periods';

export function FilterPanel({
  view,
  summary,
  period,
  coverageReport,
  categories,
  areaSets,
  hasPopulation,
  partner = false,
}: {
  view: ViewState;
  summary: Summary;
  period: { from: string; to: string } | null;
  /** GET /api/coverage for the selected categories (the strip and the "data elsewhere" notes). */
  coverageReport?: CoverageState;
  categories: Category[];
  areaSets: AreaSet[];
  hasPopulation: boolean;
  /** Partners choose among the partner periods (issue 15) and one category at a time. */
  partner?: boolean;
}) {
  const first = fromBoundToMonth(summary.first_month);
  const last = fromBoundToMonth(summary.last_month);
  const lastInclusive = period ? addMonths(period.to, -1) : '';
  return (
    <div className="panel" data-testid="filters">
      <h2 className="panel-title">Period</h2>
      {partner ? (
        <PartnerPeriodPicker first={first} last={last} period={period} />
      ) : (
        <div className="month-range">
          <label>
            From
            <input
              type="month"
              data-testid="filter-from"
              value={period?.from ?? ''}
              min={first}
              max={last}
              // Both ends go to the view, so the window shown is the window shared (the URL, a meeting's followers).
              onChange={(e) => isMonth(e.target.value) && updateView({ from: e.target.value, to: period?.to ?? null })}
            />
          </label>
          <label>
            To (incl.)
            <input
              type="month"
              data-testid="filter-to"
              value={lastInclusive}
              min={first}
              max={last}
              onChange={(e) =>
                isMonth(e.target.value) && updateView({ from: period?.from ?? null, to: addMonths(e.target.value, 1) })
              }
            />
          </label>
        </div>
      )}
      {period && (
        <p className="hint">
          {windowLabel(period.from, period.to)}
          {(view.from || view.to) && (
            <>
              {' · '}
              <button type="button" className="link-button" onClick={() => updateView({ from: null, to: null })}>
                default period
              </button>
            </>
          )}
        </p>
      )}

      <CoverageStrip
        categories={view.categories}
        period={period}
        previous={period ? previousWindow(period.from, period.to) : null}
        report={coverageReport}
      />
      {coverageReport?.data &&
        dataElsewhere(coverageReport.data, period).map((g) => (
          <p className="hint data-elsewhere" key={g.slugs.join(',')} data-testid="data-elsewhere">
            {g.text}.{' '}
            <button
              type="button"
              className="link-button"
              data-testid="data-elsewhere-jump"
              onClick={() => updateView({ ...jumpWindow(g), categories: g.slugs }, { push: true })}
            >
              Show {g.slugs.length === 1 ? 'it' : 'them'}: {windowLabel(jumpWindow(g).from, jumpWindow(g).to)}
            </button>
          </p>
        ))}

      <h2 className="panel-title">Categories</h2>
      <CategoryPicker
        categories={categories}
        selected={view.categories}
        onChange={(cats) => updateView({ categories: partner ? cats.slice(-1) : cats })}
      />
      {partner && <p className="hint">Partners see one category at a time, or all.</p>}

      {areaSets.length > 1 && (
        <>
          <h2 className="panel-title">Areas</h2>
          <select
            value={view.level}
            data-testid="level-select"
            onChange={(e) => updateView({ level: e.target.value, selected: null })}
            aria-label="Area level"
          >
            {areaSets.map((s) => (
              <option key={s.level} value={s.level}>
                {s.label} ({s.count})
              </option>
            ))}
          </select>
        </>
      )}

      <h2 className="panel-title">Measure</h2>
      <div className="segmented" role="radiogroup" aria-label="Measure">
        <label>
          <input
            type="radio"
            name="metric"
            checked={view.metric === 'count' || !hasPopulation}
            onChange={() => updateView({ metric: 'count' })}
            data-testid="metric-count"
          />
          Count
        </label>
        <label title={hasPopulation ? '' : 'No population loaded for these areas'}>
          <input
            type="radio"
            name="metric"
            checked={view.metric === 'rate' && hasPopulation}
            disabled={!hasPopulation}
            onChange={() => updateView({ metric: 'rate' })}
            data-testid="metric-rate"
          />
          Rate per 1,000
        </label>
      </div>
      {!hasPopulation && <p className="hint">Rates need population: import a population CSV for this area level.</p>}
    </div>
  );
}

/** The partner periods within the data's months, as one list (issue 15). */
function PartnerPeriodPicker({
  first,
  last,
  period,
}: {
  first: string | undefined;
  last: string | undefined;
  period: { from: string; to: string } | null;
}) {
  const options = first && last ? partnerPeriods(first, last) : [];
  const value = period ? `${period.from}/${period.to}` : '';
  return (
    <label className="partner-period">
      Period
      <select
        data-testid="partner-period"
        value={value}
        onChange={(e) => {
          const [from, to] = e.target.value.split('/');
          updateView({ from, to });
        }}
      >
        {period && !options.some((o) => `${o.from}/${o.to}` === value) && (
          <option value={value}>{windowLabel(period.from, period.to)}</option>
        )}
        {(['year', 'quarter', 'month'] as const).map((kind) => (
          <optgroup key={kind} label={{ year: '12 months', quarter: 'Quarters', month: 'Months' }[kind]}>
            {options
              .filter((o) => o.kind === kind)
              .map((o) => (
                <option key={`${o.from}/${o.to}`} value={`${o.from}/${o.to}`}>
                  {partnerPeriodLabel(o)}
                </option>
              ))}
          </optgroup>
        ))}
      </select>
      <span className="hint">{PARTNER_PERIOD_RULE}.</span>
    </label>
  );
}
