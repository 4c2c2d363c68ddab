// Exposure filters: date window, categories, school-journey windows and days, term time, age, corridor,
// harm scheme and what to rank by. Every change goes to the URL through `onChange`.
import type { Category } from '../../../../contract/aggregates';
import type { HarmScheme } from '../../../../contract/hotspots';
import { DEFAULT_CATEGORIES, type RankKey as RankBy } from '../../../../contract/journeys';
import type { JourneyFilters } from '../../api/journeys';
import { addMonths, isMonth } from '../../lib/months';
import { CategoryPicker } from '../map/CategoryPicker';
import { CoverageStrip } from '../../components/CoverageStrip';
import {
  daysToSet,
  listToWindows,
  MEASURE_LABELS,
  setToDays,
  type TimeWindow,
  WEEKDAY_NAMES,
  windowsToList,
} from '../../map/prepare/journeys';

export function JourneyFiltersPanel({
  filters,
  period,
  categories,
  schemes,
  partner,
  onChange,
}: {
  filters: JourneyFilters;
  /** The window the server used (its default when the URL has none). */
  period: { from: string; to: string } | null;
  categories: Category[];
  schemes: Pick<HarmScheme, 'name' | 'label'>[];
  partner: boolean;
  onChange: (f: Partial<JourneyFilters>) => void;
}) {
  const from = filters.from ?? period?.from.slice(0, 7) ?? '';
  const to = filters.to ?? (period ? period.to.slice(0, 7) : '');
  const rankOptions: RankBy[] = partner ? ['count', 'harm'] : ['count', 'harm', 'all'];
  return (
    <div className="panel journey-filters" data-testid="journey-filters">
      <h2 className="panel-title">Period</h2>
      <div className="month-range">
        <label>
          From
          <input
            type="month"
            value={from}
            data-testid="jf-from"
            onChange={(e) => isMonth(e.target.value) && onChange({ from: e.target.value })}
          />
        </label>
        <label>
          To (incl.)
          <input
            type="month"
            value={to ? addMonths(to, -1) : ''}
            data-testid="jf-to"
            onChange={(e) => isMonth(e.target.value) && onChange({ to: addMonths(e.target.value, 1) })}
          />
        </label>
      </div>
      <CoverageStrip
        categories={filters.categories.length ? filters.categories : DEFAULT_CATEGORIES}
        period={from && to ? { from, to } : null}
      />
      <h2 className="panel-title">Categories</h2>
      <CategoryPicker categories={categories} selected={filters.categories} onChange={(c) => onChange({ categories: c })} />
      <p className="hint">None ticked: robbery (the default for school journeys).</p>
      <h2 className="panel-title">School-journey time</h2>
      <TimeWindowsPicker value={filters.windows} onChange={(windows) => onChange({ windows })} />
      <fieldset className="field weekday-picker" data-testid="jf-days">
        <legend>Days</legend>
        {WEEKDAY_NAMES.map(([k, label]) => {
          const set = daysToSet(filters.days);
          return (
            <label key={k} className="check">
              <input
                type="checkbox"
                checked={set.has(k)}
                data-testid={`jf-day-${k}`}
                onChange={(e) => {
                  const next = new Set(set);
                  if (e.target.checked) next.add(k);
                  else next.delete(k);
                  // At least one day: the last one cannot be unticked.
                  if (next.size) onChange({ days: setToDays(next) });
                }}
              />
              {label}
            </label>
          );
        })}
      </fieldset>
      <label className="check">
        <input
          type="checkbox"
          checked={filters.termOnly}
          data-testid="jf-term"
          onChange={(e) => onChange({ termOnly: e.target.checked })}
        />
        Term time only
      </label>
      <label className="field">
        <span>Victim age</span>
        <select
          value={filters.ageMax === null ? 'none' : String(filters.ageMax)}
          data-testid="jf-age"
          onChange={(e) => onChange({ ageMax: e.target.value === 'none' ? null : Number(e.target.value) })}
        >
          <option value="17">under 18</option>
          <option value="15">under 16</option>
          <option value="24">under 25</option>
          <option value="none">any age</option>
        </select>
      </label>
      <h2 className="panel-title">Routes</h2>
      <label className="field">
        <span>Corridor either side (m)</span>
        <input
          type="number"
          min={1}
          max={500}
          step={5}
          value={filters.corridor}
          data-testid="jf-corridor"
          onChange={(e) => {
            const n = Number(e.target.value);
            if (Number.isInteger(n) && n >= 1 && n <= 500) onChange({ corridor: n });
          }}
        />
      </label>
      <label className="field">
        <span>Harm scheme</span>
        <select value={filters.weights} data-testid="jf-weights" onChange={(e) => onChange({ weights: e.target.value })}>
          {schemes.map((s) => (
            <option key={s.name} value={s.name}>
              {s.label}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Rank and colour by</span>
        <select value={filters.rankBy} data-testid="jf-rank" onChange={(e) => onChange({ rankBy: e.target.value as RankBy })}>
          {rankOptions.map((r) => (
            <option key={r} value={r}>
              {MEASURE_LABELS[r]}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Worst segments listed</span>
        <select value={filters.top} data-testid="jf-top" onChange={(e) => onChange({ top: Number(e.target.value) })}>
          {[5, 10, 20, 50].map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

/** School-journey time windows as pairs of time pickers (start, end), with add and remove. */
function TimeWindowsPicker({ value, onChange }: { value: string; onChange: (windows: string) => void }) {
  const list = windowsToList(value);
  const commit = (l: TimeWindow[]) => {
    const s = listToWindows(l);
    if (s) onChange(s);
  };
  return (
    <fieldset className="field time-windows" data-testid="jf-windows">
      <legend>Time windows</legend>
      {list.map((w, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: windows have no identity but their place in the list.
        <div key={i} className="time-window" data-testid="jf-window">
          <input
            type="time"
            value={w.start}
            aria-label={`Window ${i + 1} starts`}
            data-testid={`jf-window-start-${i}`}
            onChange={(e) => commit(list.map((x, j) => (j === i ? { ...x, start: e.target.value } : x)))}
          />
          <span aria-hidden="true">to</span>
          <input
            type="time"
            value={w.end}
            aria-label={`Window ${i + 1} ends`}
            data-testid={`jf-window-end-${i}`}
            onChange={(e) => commit(list.map((x, j) => (j === i ? { ...x, end: e.target.value } : x)))}
          />
          {list.length > 1 && (
            <button
              type="button"
              className="link-button"
              aria-label={`Remove window ${i + 1}`}
              onClick={() => commit(list.filter((_, j) => j !== i))}
            >
              Remove
            </button>
          )}
        </div>
      ))}
      {list.length < 4 && (
        <button
          type="button"
          className="link-button"
          data-testid="jf-window-add"
          onClick={() => commit([...list, { start: '12:00', end: '13:00' }])}
        >
          Add a window
        </button>
      )}
    </fieldset>
  );
}
