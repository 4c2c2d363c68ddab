// Exposure filters: date window, categories, school-journey windows and days, term time, age, corridor,
// harm scheme and what to rank by. Every change goes to the URL through `onChange`.
import { useEffect, useState } from 'react';
import type { Category } from '../../../../contract/aggregates';
import type { HarmScheme } from '../../../../contract/hotspots';
import { DEFAULT_CATEGORIES, type RankKey as RankBy } from '../../../../contract/journeys';
import type { JourneyFilters } from '../../api/journeys';
import { addMonths, isMonth } from '../../lib/months';
import { CategoryPicker } from '../map/CategoryPicker';
import { CoverageStrip } from '../../components/CoverageStrip';
import { MEASURE_LABELS } from '../../map/prepare/journeys';

/** A text field that reports on blur or Enter (windows and days are checked by the server). */
function LazyInput({
  value,
  onCommit,
  testId,
  placeholder,
}: {
  value: string;
  onCommit: (v: string) => void;
  testId: string;
  placeholder?: string;
}) {
  const [v, setV] = useState(value);
  useEffect(() => setV(value), [value]);
  return (
    <input
      value={v}
      placeholder={placeholder}
      data-testid={testId}
      onChange={(e) => setV(e.target.value)}
      onBlur={() => v.trim() && v.trim() !== value && onCommit(v.trim())}
      onKeyDown={(e) => e.key === 'Enter' && v.trim() && onCommit(v.trim())}
    />
  );
}

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
      <label className="field">
        <span>Time windows</span>
        <LazyInput
          value={filters.windows}
          onCommit={(windows) => onChange({ windows })}
          testId="jf-windows"
          placeholder="07:30-09:30,14:30-18:30"
        />
      </label>
      <label className="field">
        <span>Days</span>
        <LazyInput value={filters.days} onCommit={(days) => onChange({ days })} testId="jf-days" placeholder="mon-fri" />
      </label>
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
