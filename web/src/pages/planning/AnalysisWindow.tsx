// The analysis window every planning tool shares: months from/to (empty = the server's default window,
// the latest 12 months of data), the harm scheme, and all categories or the partnership's serious violence
// (the category set @serious-violence, its definition stated beside it); the coverage strip shows which
// months hold data.
import { CoverageStrip } from '../../components/CoverageStrip';
import { DefinitionNote } from '../../components/DefinitionNote';
import { SERIOUS_VIOLENCE_LABEL, SERIOUS_VIOLENCE_SET } from '../map/CategoryPicker';

export interface WindowState {
  from: string;
  to: string;
  weights: string;
  /** Serious violence only (the partnership's definition); false: every category. */
  seriousViolence: boolean;
}

export const DEFAULT_WINDOW: WindowState = { from: '', to: '', weights: 'count', seriousViolence: false };

/** Shipped harm schemes (api/planning/data.ts); user-loaded schemes can be typed by name in the API. */
export const HARM_SCHEMES = [
  { name: 'count', label: 'Count (every incident 1)' },
  { name: 'ons-css', label: 'ONS Crime Severity Score' },
  { name: 'cambridge-chi', label: 'Cambridge Crime Harm Index' },
] as const;

export function AnalysisWindow({
  value,
  onChange,
  shown,
}: {
  value: WindowState;
  onChange: (w: WindowState) => void;
  shown: { from: string; to: string } | null;
}) {
  return (
    <fieldset className="field plan-window" data-testid="plan-window">
      <legend>Window and harm</legend>
      <div className="field-row">
        <label className="field">
          <span>From month</span>
          <input
            type="month"
            value={value.from}
            onChange={(e) => onChange({ ...value, from: e.target.value })}
            data-testid="plan-from"
          />
        </label>
        <label className="field">
          <span>To (exclusive)</span>
          <input
            type="month"
            value={value.to}
            onChange={(e) => onChange({ ...value, to: e.target.value })}
            data-testid="plan-to"
          />
        </label>
      </div>
      <label className="field field-check">
        <input
          type="checkbox"
          checked={value.seriousViolence}
          onChange={(e) => onChange({ ...value, seriousViolence: e.target.checked })}
          data-testid="plan-serious-violence"
        />
        <span>{SERIOUS_VIOLENCE_LABEL} only</span>
      </label>
      <DefinitionNote shown={value.seriousViolence} />
      <CoverageStrip
        categories={value.seriousViolence ? [SERIOUS_VIOLENCE_SET] : null}
        period={value.from && value.to ? { from: value.from, to: value.to } : shown}
      />
      <label className="field">
        <span>Harm scheme</span>
        <select
          value={value.weights}
          onChange={(e) => onChange({ ...value, weights: e.target.value })}
          data-testid="plan-weights"
        >
          {HARM_SCHEMES.map((s) => (
            <option key={s.name} value={s.name}>
              {s.label}
            </option>
          ))}
        </select>
      </label>
      <p className="hint">
        {value.from && value.to ? '' : 'Empty months: the latest 12 months of data. '}
        {shown && `Last run: ${shown.from} to ${shown.to} (end exclusive).`}
      </p>
    </fieldset>
  );
}

/** Only the complete half of a from/to pair is sent (the API needs both or neither); category as a query string. */
export function windowParams(w: WindowState): { from?: string; to?: string; weights: string; category?: string } {
  const category = w.seriousViolence ? { category: SERIOUS_VIOLENCE_SET } : {};
  return w.from && w.to ? { from: w.from, to: w.to, weights: w.weights, ...category } : { weights: w.weights, ...category };
}

/** The category list of a JSON body (outreach). */
export const windowCategories = (w: WindowState) => (w.seriousViolence ? [SERIOUS_VIOLENCE_SET] : undefined);
