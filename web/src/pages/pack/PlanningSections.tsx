// The pack's planning sections, from the planning module's endpoints when they answer: patrol boxes
// (GET /api/planning/patrol), outreach sites (POST /api/planning/outreach, greedy) and the CHB areas
// active in the period (GET /api/chb). A section whose endpoint refuses the role or is missing says so.
import { useEffect, useState } from 'react';
import { ApiError, errorMessage, getJson, isAbort, queryString, sendJson } from '../../api/client';
import { planningApi, type ChbArea, type Outreach, type PatrolPlan } from '../../api/planning';
import { formatCount } from '../../lib/format';

type Loaded<T> = { state: 'loading' } | { state: 'ok'; data: T } | { state: 'unavailable'; reason: string };

function unavailable(e: unknown): string {
  if (e instanceof ApiError && e.status === 403) return 'not available to your role';
  if (e instanceof ApiError && e.status === 404) return 'not available (the planning module is not installed)';
  return `not available: ${errorMessage(e)}`;
}

function useSection<T>(load: (signal: AbortSignal) => Promise<T>, key: string): Loaded<T> {
  const [s, setS] = useState<Loaded<T>>({ state: 'loading' });
  useEffect(() => {
    const ac = new AbortController();
    setS({ state: 'loading' });
    load(ac.signal).then(
      (data) => setS({ state: 'ok', data }),
      (e) => !isAbort(e) && setS({ state: 'unavailable', reason: unavailable(e) }),
    );
    return () => ac.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return s;
}

/** The CHB phase on a day (YYYY-MM-DD), or null outside the scheme. */
export function chbPhase(a: ChbArea, day: string): string | null {
  if (day < a.clear_start || day >= a.build_end) return null;
  if (day < a.hold_start) return 'Clear';
  if (day < a.build_start) return 'Hold';
  return 'Build';
}

/** A section: its title, then "Loading…", why it is not available, or its content. */
function Section<T>({ id, title, what, s, children }: { id: string; title: string; what: string; s: Loaded<T>; children: (data: T) => React.ReactNode }) {
  return (
    <section className="pack-section" data-testid={id}>
      <h2>{title}</h2>
      {s.state === 'loading' && <p className="hint">Loading…</p>}
      {s.state === 'unavailable' && (
        <p className="hint" data-testid="pack-unavailable">
          {what}: {s.reason}.
        </p>
      )}
      {s.state === 'ok' && children(s.data)}
    </section>
  );
}

export function PlanningSections({ period, categories, onSettled }: { period: { from: string; to: string }; categories: string[]; onSettled: (done: boolean) => void }) {
  const key = `${period.from}/${period.to}/${categories.join(',')}`;
  const category = categories.length ? categories : undefined;
  const patrol = useSection((signal) => getJson<PatrolPlan>(`/api/planning/patrol${queryString({ from: period.from, to: period.to, category, n: 10 })}`, signal), key);
  const outreach = useSection(() => sendJson<Outreach>('POST', '/api/planning/outreach', { from: period.from, to: period.to, category, k: 5, exact: 'never' }), key);
  const chb = useSection(planningApi.chbList, key);
  const settled = patrol.state !== 'loading' && outreach.state !== 'loading' && chb.state !== 'loading';
  useEffect(() => onSettled(settled), [settled, onSettled]);
  const today = new Date().toISOString().slice(0, 10);

  return (
    <>
      <Section id="pack-patrol" title="Patrol proposals" what="Patrol boxes" s={patrol}>
        {(plan) => (
          <>
            <p className="pack-meta">
              {plan.meta.box}. {plan.meta.dosage_rule}
              {plan.meta.shortfall ? ` ${plan.meta.shortfall}` : ''}
            </p>
            <table className="pack-table">
              <thead>
                <tr>
                  <th scope="col" className="num">#</th>
                  <th scope="col">Ward</th>
                  <th scope="col" className="num">Incidents</th>
                  <th scope="col" className="num">Harm</th>
                  <th scope="col">Grid ref (E, N)</th>
                  <th scope="col">When</th>
                </tr>
              </thead>
              <tbody>
                {plan.boxes.map((b) => (
                  <tr key={b.rank} data-testid="pack-patrol-row">
                    <td className="num">{b.rank}</td>
                    <th scope="row">{b.ward_name ?? '—'}</th>
                    <td className="num">{formatCount(b.count)}</td>
                    <td className="num">{formatCount(b.harm)}</td>
                    <td className="mono">
                      {Math.round(b.easting)}, {Math.round(b.northing)}
                    </td>
                    <td>{b.dosage.window}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </Section>
      <Section id="pack-outreach" title="Outreach proposals" what="Outreach sites" s={outreach}>
        {(out) => (
          <>
            <p className="pack-meta">
              {out.sites.length} sites within {out.meta.distance_m} m ({out.method}; {out.meta.guarantee}).
            </p>
            <table className="pack-table">
              <thead>
                <tr>
                  <th scope="col" className="num">#</th>
                  <th scope="col">Site</th>
                  <th scope="col">Lon, lat</th>
                  <th scope="col" className="num">Cumulative share of harm</th>
                </tr>
              </thead>
              <tbody>
                {out.sites.map((s) => (
                  <tr key={s.order}>
                    <td className="num">{s.order}</td>
                    <th scope="row">{s.name}</th>
                    <td className="mono">
                      {s.lon.toFixed(5)}, {s.lat.toFixed(5)}
                    </td>
                    <td className="num">{s.cumulative_share === null ? '—' : `${Math.round(s.cumulative_share * 100)}%`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </Section>
      <Section id="pack-chb" title="Active Clear-Hold-Build areas" what="CHB areas" s={chb}>
        {(list) => {
            const active = list.areas.filter((a) => chbPhase(a, today) !== null);
            if (!active.length) return <p className="hint">No CHB area is active today ({list.areas.length} recorded).</p>;
            return (
              <table className="pack-table">
                <thead>
                  <tr>
                    <th scope="col">Area</th>
                    <th scope="col">Phase today</th>
                    <th scope="col">Clear</th>
                    <th scope="col">Hold</th>
                    <th scope="col">Build (to)</th>
                  </tr>
                </thead>
                <tbody>
                  {active.map((a) => (
                    <tr key={a.id}>
                      <th scope="row">{a.name}</th>
                      <td>{chbPhase(a, today)}</td>
                      <td>{a.clear_start}</td>
                      <td>{a.hold_start}</td>
                      <td>
                        {a.build_start} – {a.build_end}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            );
          }}
      </Section>
    </>
  );
}
