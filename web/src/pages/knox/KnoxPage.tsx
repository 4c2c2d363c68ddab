// Near-repeat (Knox) screen: choose months, a category and the space/time bands, run the Knox test
// (GET /api/knox, audited: record-level points), read the bands table (observed, expected, ratio, p) and
// the heat table coloured by significance, with the method stated. On police.uk data (month-only dates)
// the API refuses; the refusal is explained in plain words with what data would allow the test.
import { useState } from 'react';
import { getCategories } from '../../../../contract/aggregates';
import { getKnox, type KnoxResponse } from '../../../../contract/hotspots';
import { ApiError, errorMessage } from '../../api/client';
import { useRoute } from '../../api/query';
import { monthLabel } from '../../lib/months';
import { knoxSignificance, SIGNIFICANCE } from './knox-words';
import './knox.css';

const DISTANCES = ['0,100,200,400', '0,50,100,200', '0,200,400,800'] as const;
const TIMES = ['0,7,14,28', '0,3,7,14', '0,14,28,56'] as const;
const PERMUTATIONS = ['99', '199', '999'] as const;

interface Params {
  from: string;
  to: string;
  category: string;
  distance: string;
  time: string;
  permutations: string;
}

const fmtRatio = (r: number | null) => (r === null ? 'undefined' : r.toFixed(2));
const fmtP = (p: number) => (p < 0.001 ? '< 0.001' : p.toFixed(3));

export function KnoxPage() {
  const categories = useRoute(getCategories, { query: {} });
  const [form, setForm] = useState<Params>({
    from: '',
    to: '',
    category: '',
    distance: DISTANCES[0],
    time: TIMES[0],
    permutations: '999',
  });
  const [asked, setAsked] = useState<Params | null>(null);
  const query = asked
    ? {
        query: {
          ...(asked.from ? { from: asked.from } : {}),
          // The API's `to` is exclusive: the month after the last month chosen.
          ...(asked.to ? { to: monthAfter(asked.to) } : {}),
          ...(asked.category ? { category: asked.category } : {}),
          distance: asked.distance,
          time: asked.time,
          permutations: asked.permutations,
        },
      }
    : null;
  // The contract's query type holds the parsed values; the wire form is the strings above.
  const result = useRoute(getKnox, query as never, { retry: false, staleTime: Infinity });
  const set = (k: keyof Params) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setForm((f) => ({ ...f, [k]: e.target.value }));

  return (
    <div className="knox-page" data-testid="knox-page">
      <section className="panel knox-form">
        <h1 className="page-title">Near-repeat victimisation (Knox test)</h1>
        <p className="hint">
          Do incidents close together in space also happen close together in time, more often than chance would give? A
          near-repeat pattern (for burglary: neighbours of a victim at raised risk for a few weeks) shows as pairs that are both
          near and soon.
        </p>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setAsked({ ...form });
          }}
        >
          <label className="field-inline">
            From month
            <input type="month" value={form.from} onChange={set('from')} data-testid="knox-from" />
          </label>
          <label className="field-inline">
            To month (inclusive)
            <input type="month" value={form.to} onChange={set('to')} data-testid="knox-to" />
          </label>
          <label className="field-inline">
            Category
            <select value={form.category} onChange={set('category')} data-testid="knox-category">
              <option value="">All categories</option>
              {(categories.data?.categories ?? [])
                .filter((c) => c.count !== 0)
                .map((c) => (
                  <option key={c.slug} value={c.slug}>
                    {c.label}
                  </option>
                ))}
            </select>
          </label>
          <label className="field-inline">
            Distance bands (metres)
            <select value={form.distance} onChange={set('distance')} data-testid="knox-distance">
              {DISTANCES.map((d) => (
                <option key={d} value={d}>
                  {bandsLabel(d, 'm')}
                </option>
              ))}
            </select>
          </label>
          <label className="field-inline">
            Time bands (days)
            <select value={form.time} onChange={set('time')} data-testid="knox-time">
              {TIMES.map((d) => (
                <option key={d} value={d}>
                  {bandsLabel(d, 'days')}
                </option>
              ))}
            </select>
          </label>
          <label className="field-inline">
            Permutations
            <select value={form.permutations} onChange={set('permutations')} data-testid="knox-permutations">
              {PERMUTATIONS.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <p className="hint">Empty months: the default window (the latest twelve months of data).</p>
          <button type="submit" className="primary" data-testid="knox-run" disabled={result.isFetching}>
            {result.isFetching ? 'Running…' : 'Run the Knox test'}
          </button>
        </form>
      </section>
      <section className="knox-result" aria-live="polite">
        {!asked && <p className="hint">Choose the data and the bands, then run the test.</p>}
        {result.error && <KnoxRefusal error={result.error} />}
        {result.data && <KnoxResult r={result.data} />}
      </section>
    </div>
  );
}

function bandsLabel(edges: string, unit: string): string {
  const e = edges.split(',');
  return `${e
    .slice(1)
    .map((v, i) => `${e[i]}–${v}`)
    .join(', ')} ${unit}`;
}

/** The API's refusal in plain words: what was wrong with the data and what would allow the test. */
function KnoxRefusal({ error }: { error: Error }) {
  const code = error instanceof ApiError ? error.code : null;
  const details = (error instanceof ApiError ? error.details : null) as { month_precision?: number; total?: number } | null;
  if (code === 'month_precision')
    return (
      <div className="panel knox-refusal" role="status" data-testid="knox-refusal">
        <h2 className="panel-title">This data cannot show near-repeats</h2>
        <p>
          {details?.month_precision != null && details.total != null
            ? `${details.month_precision.toLocaleString('en-GB')} of the ${details.total.toLocaleString('en-GB')} incidents chosen`
            : 'The incidents chosen'}{' '}
          come from police.uk, which publishes only the <strong>month</strong> of each crime, not its day or time. The Knox test
          counts pairs of incidents that happened within days of each other; with month-only dates that cannot be told, so the
          test is not run rather than run on invented dates.
        </p>
        <p>
          <strong>What would allow it:</strong> force data with the date (ideally the time) of each incident, e.g. an extract from
          the force's crime recording system imported on the Import page with its date column. Then choose those months and
          categories here.
        </p>
      </div>
    );
  return (
    <p className="error-text" role="alert" data-testid="knox-error">
      {errorMessage(error)}
    </p>
  );
}

function KnoxResult({ r }: { r: KnoxResponse }) {
  const d = r.meta.distance_bands_m;
  const t = r.meta.time_bands_days;
  const cell = (i: number, j: number) => r.cells[i * (t.length - 1) + j];
  const w = r.meta.window;
  return (
    <>
      <div className="panel" data-testid="knox-summary">
        <h2 className="panel-title">
          {r.meta.events.toLocaleString('en-GB')} incidents, {monthLabel(w.from.slice(0, 7))} to {monthLabel(monthBefore(w.to))}
        </h2>
        <p className="hint">
          {r.meta.close_pairs.toLocaleString('en-GB')} pairs closer than {d[d.length - 1]} m.
        </p>
      </div>
      <div className="panel">
        <h2 className="panel-title">Near and soon: observed ÷ expected pairs</h2>
        <table className="knox-heat" data-testid="knox-heat">
          <thead>
            <tr>
              <th scope="col">Distance \ time</th>
              {t.slice(1).map((v, j) => (
                <th key={v} scope="col">
                  {t[j]}–{v} days
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {d.slice(1).map((v, i) => (
              <tr key={v}>
                <th scope="row">
                  {d[i]}–{v} m
                </th>
                {t.slice(1).map((tv, j) => {
                  const c = cell(i, j);
                  const s = knoxSignificance(c);
                  return (
                    <td
                      key={tv}
                      className={`knox-sig-${s.key}`}
                      data-testid="knox-heat-cell"
                      data-sig={s.key}
                      title={`${c.observed} observed, ${c.expected.toFixed(1)} expected, p ${fmtP(c.p)}: ${s.label}`}
                    >
                      {fmtRatio(c.ratio)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
        <ul className="knox-legend" data-testid="knox-legend">
          {SIGNIFICANCE.map((s) => (
            <li key={s.key}>
              <span className={`knox-swatch knox-sig-${s.key}`} aria-hidden="true" /> {s.label}
            </li>
          ))}
        </ul>
      </div>
      <div className="panel">
        <h2 className="panel-title">Bands</h2>
        <table className="knox-bands" data-testid="knox-bands">
          <thead>
            <tr>
              <th scope="col">Distance</th>
              <th scope="col">Time</th>
              <th scope="col">Observed pairs</th>
              <th scope="col">Expected pairs</th>
              <th scope="col">Ratio</th>
              <th scope="col">p</th>
            </tr>
          </thead>
          <tbody>
            {r.cells.map((c) => (
              <tr key={`${c.distance_from}-${c.time_from}`} data-testid="knox-band-row">
                <td>
                  {c.distance_from}–{c.distance_to} m
                </td>
                <td>
                  {c.time_from}–{c.time_to} days
                </td>
                <td className="num">{c.observed.toLocaleString('en-GB')}</td>
                <td className="num">{c.expected.toFixed(1)}</td>
                <td className="num">{fmtRatio(c.ratio)}</td>
                <td className="num">{fmtP(c.p)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="panel" data-testid="knox-method">
        <h2 className="panel-title">Method</h2>
        <p>
          {r.meta.method}. Every pair of incidents is placed in a distance band (straight line on the British National Grid) and a
          time band (days between them). The expected count of each band is its mean over{' '}
          {r.meta.permutations.toLocaleString('en-GB')} permutations in which the dates are shuffled among the places (seed{' '}
          {r.meta.seed}, so a run repeats), keeping where and when incidents happen but breaking any link between the two. p is{' '}
          {r.meta.p_value}. A ratio above 1 with a small p means more near-and-soon pairs than chance: a near-repeat pattern. Each
          band is tested on its own (no correction across the {r.cells.length} bands).
        </p>
      </div>
    </>
  );
}

/** The month after YYYY-MM. */
function monthAfter(m: string): string {
  const [y, mo] = m.split('-').map(Number);
  return mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
}

/** The month before an exclusive `to` date (YYYY-MM-DD). */
function monthBefore(to: string): string {
  const [y, m] = to.split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}
