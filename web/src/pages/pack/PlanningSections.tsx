// The pack's planning sections as the server built them (GET /api/pack `sections`, from
// api/planning/pack.ts), so the printed page and the zip show the same proposals: patrol boxes (the
// planning API's defaults for the pack's period), outreach sites over the register's outreach sites, and
// the CHB areas active during the period with their phase and headline figures. A section the server
// did not provide says why (role, no candidate venues, module missing).
import type { Pack, PackSection } from '../../../../contract/live';
import type { ChbPhase, Figure, Outreach, PatrolPlan, RegionFigures } from '../../../../contract/planning';
import { formatCount, formatCountOrMissing } from '../../lib/format';
import { ResultStatement } from '../../components/DefinitionNote';

/** One CHB area of the pack's `chb_areas` section (api/planning/pack.ts ChbPackArea). */
export interface PackChbArea {
  id: number;
  name: string;
  buffer_m: number;
  clear_start: string;
  hold_start: string;
  build_start: string;
  build_end: string;
  phases_in_period: ChbPhase[];
  phase_at_end: ChbPhase | null;
  headline: {
    phase: ChbPhase;
    window: { from: string; to: string };
    baseline: { from: string; to: string };
    regions: RegionFigures[];
    wdq: Figure | null;
    tne: Figure | null;
    did: (Figure & { ci95: [number, number] | null }) | null;
    reading: string | null;
    withheld: string | null;
    /** Why the figures are undefined for missing data; counts of a window not covered are null ("no data"). */
    no_data?: string | null;
    coverage?: { baseline: string; phase: string };
    interventions_by_type: Record<string, number>;
  };
  warnings: string[];
}
export interface PackChb {
  period: { from: string; to: string };
  recorded: number;
  areas: PackChbArea[];
  note: string;
  /** The harm scheme the evaluations used (null: no area active). */
  scheme?: { name: string; label: string } | null;
}
type OutreachSection = Outreach & { venues: { source: string; count: number } };

const PHASE_LABEL: Record<ChbPhase, string> = { clear: 'Clear', hold: 'Hold', build: 'Build' };
const figure = (f: Figure | null, digits: number) =>
  f === null ? '—' : f.value === null ? 'undefined' : f.value.toFixed(digits);

/** A section: its title, then why it is not available, or its content. */
function Section<T>({
  id,
  title,
  what,
  s,
  children,
}: {
  id: string;
  title: string;
  what: string;
  s: PackSection | undefined;
  children: (data: T) => React.ReactNode;
}) {
  return (
    <section className="pack-section" data-testid={id}>
      <h2>{title}</h2>
      {!s || !s.available ? (
        <p className="hint" data-testid="pack-unavailable">
          {what}: {s?.note ?? 'not available'}.
        </p>
      ) : (
        children(s.data as T)
      )}
    </section>
  );
}

function PatrolTable({ plan }: { plan: PatrolPlan }) {
  if (!plan.boxes.length)
    return <p className="hint">No patrol box: no significant hotspot in the period ({plan.meta.hotspots.method}).</p>;
  return (
    <>
      <p className="pack-meta">
        {plan.meta.box} {plan.meta.dosage_rule}
        {plan.meta.shortfall ? ` ${plan.meta.shortfall}.` : ''}
      </p>
      <table className="pack-table">
        <thead>
          <tr>
            <th scope="col" className="num">
              #
            </th>
            <th scope="col">Ward</th>
            <th scope="col" className="num">
              Incidents
            </th>
            <th scope="col" className="num">
              Harm
            </th>
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
  );
}

function OutreachTable({ out }: { out: OutreachSection }) {
  return (
    <>
      <p className="pack-meta">
        {out.sites.length} of {out.venues.count} candidate venues ({out.venues.source}) within {out.meta.distance_m} m reach{' '}
        {out.share === null ? 'no harm' : `${Math.round(out.share * 100)}% of the harm`} (
        {out.method === 'exact' ? 'exact optimum' : `greedy; ${out.meta.guarantee}`}).
        {out.meta.fewer_sites ? ` ${out.meta.fewer_sites}.` : ''}
      </p>
      <table className="pack-table">
        <thead>
          <tr>
            <th scope="col" className="num">
              #
            </th>
            <th scope="col">Site</th>
            <th scope="col">Lon, lat</th>
            <th scope="col" className="num">
              Harm added
            </th>
            <th scope="col" className="num">
              Cumulative share of harm
            </th>
          </tr>
        </thead>
        <tbody>
          {out.sites.map((s) => (
            <tr key={s.order} data-testid="pack-outreach-row">
              <td className="num">{s.order}</td>
              <th scope="row">{s.name}</th>
              <td className="mono">
                {s.lon.toFixed(5)}, {s.lat.toFixed(5)}
              </td>
              <td className="num">{formatCount(s.gain)}</td>
              <td className="num">{s.cumulative_share === null ? '—' : `${Math.round(s.cumulative_share * 100)}%`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function ChbTable({ chb }: { chb: PackChb }) {
  if (!chb.areas.length) return <p className="hint">No CHB area is active in the period ({chb.recorded} recorded).</p>;
  const area = (a: PackChbArea) => a.headline.regions.find((r) => r.region === 'area');
  const uncovered = (a: PackChbArea, w: 'baseline' | 'phase') => !!a.headline.coverage && a.headline.coverage[w] !== 'full';
  return (
    <>
      <p className="pack-meta">{chb.note}</p>
      <table className="pack-table">
        <thead>
          <tr>
            <th scope="col">Area</th>
            <th scope="col">Phase at period end</th>
            <th scope="col">Clear · Hold · Build (to)</th>
            <th scope="col">Headline phase</th>
            <th scope="col" className="num">
              In area: baseline → phase
            </th>
            <th scope="col" className="num">
              WDQ
            </th>
            <th scope="col" className="num">
              TNE
            </th>
            <th scope="col">Reading</th>
          </tr>
        </thead>
        <tbody>
          {chb.areas.map((a) => (
            <tr key={a.id} data-testid="pack-chb-row">
              <th scope="row">{a.name}</th>
              <td>{a.phase_at_end ? PHASE_LABEL[a.phase_at_end] : `ended ${a.build_end}`}</td>
              <td className="mono">
                {a.clear_start} · {a.hold_start} · {a.build_start} ({a.build_end})
              </td>
              <td>
                {PHASE_LABEL[a.headline.phase]} {a.headline.window.from}–{a.headline.window.to}
              </td>
              <td className="num">
                {formatCountOrMissing(area(a)?.baseline_count ?? null, uncovered(a, 'baseline'), true)} →{' '}
                {formatCountOrMissing(area(a)?.phase_count ?? null, uncovered(a, 'phase'), true)}
              </td>
              <td className="num">{figure(a.headline.wdq, 2)}</td>
              <td className="num">{figure(a.headline.tne, 1)}</td>
              <td>{a.headline.withheld ?? a.headline.reading ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {chb.areas.some((a) => a.warnings.length > 0) && (
        <ul className="pack-meta">
          {chb.areas.flatMap((a) =>
            a.warnings.map((w, i) => (
              <li key={`${a.id}-${i}`}>
                {a.name}: {w}
              </li>
            )),
          )}
        </ul>
      )}
    </>
  );
}

export function PlanningSections({ pack }: { pack: Pack }) {
  const s = pack.sections;
  return (
    <>
      <Section<PatrolPlan> id="pack-patrol" title="Patrol proposals" what="Patrol boxes" s={s.patrol_proposals}>
        {(plan) => (
          <>
            <PatrolTable plan={plan} />
            <ResultStatement scheme={plan.meta.scheme} testid="pack-patrol-scheme" />
          </>
        )}
      </Section>
      <Section<OutreachSection> id="pack-outreach" title="Outreach proposals" what="Outreach sites" s={s.outreach_proposals}>
        {(out) => (
          <>
            <OutreachTable out={out} />
            <ResultStatement scheme={out.meta.scheme} testid="pack-outreach-scheme" />
          </>
        )}
      </Section>
      <Section<PackChb> id="pack-chb" title="Active Clear-Hold-Build areas" what="CHB areas" s={s.chb_areas}>
        {(chb) => (
          <>
            <ChbTable chb={chb} />
            <ResultStatement scheme={chb.scheme} testid="pack-chb-scheme" />
          </>
        )}
      </Section>
    </>
  );
}
