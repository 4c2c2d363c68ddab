// A Clear-Hold-Build area's dashboard, printable (chb.css @media print): the area, buffer and control on
// a map; per phase against its baseline the counts and harm in each region, the WDQ, TNE and DiD with the
// plain-English reading, undefined values as "undefined" with their reason (never a number), withheld
// values (partners) as "withheld", counts of a window the data do not cover as "no data" with the gaps in
// words (issue 11: never 0), the interventions logged in the area, and a chart. New incidents on the
// change feed re-run the evaluation (as the map page refetches what it shows), with the "N new" toast.
import { useEffect, useMemo, useRef, useState } from 'react';
import { keepPreviousData } from '@tanstack/react-query';
import * as contract from '../../../../contract/planning';
import type { ChbAreaDetail, ChbEvaluation, Displacement, PhaseEvaluation, WindowCover } from '../../../../contract/planning';
import type { AppConfig } from '../../../../contract/aggregates';
import { errorMessage } from '../../api/client';
import { useRoute } from '../../api/query';
import { useSignedIn } from '../../api/session-store';
import { WITHHELD } from '../../lib/format';
import { can } from '../../lib/can';
import { navigate } from '../../state/view-store';
import { chbFeatures, featuresBbox, figureDisplay, PHASE_LABELS, REGION_LABELS } from '../../map/prepare/planning';
import { HARM_SCHEMES } from '../planning/AnalysisWindow';
import { DefinitionNote, ResultStatement } from '../../components/DefinitionNote';
import { SERIOUS_VIOLENCE_LABEL, SERIOUS_VIOLENCE_SET } from '../map/CategoryPicker';
import { usePlanningMap } from '../planning/use-planning-map';
import { LiveToast } from '../present/LiveToast';
import { MapNotices } from '../map/MapNotices';
import { PngExport, periodText } from '../../components/PngExport';
import { ChbMapLegend } from './ChbMapLegend';
import { ChbChart } from './ChbChart';
import { CoverageStrip } from '../../components/CoverageStrip';
import { chbUrl } from './chb-url';

const FIGURES: Array<{ key: keyof Omit<Displacement, 'reading' | 'did'> | 'did'; label: string; hint: string }> = [
  {
    key: 'wdq',
    label: 'WDQ',
    hint: 'Weighted Displacement Quotient: > 0 diffusion of benefits, < 0 displacement (read only when the area improved)',
  },
  {
    key: 'tne',
    label: 'TNE',
    hint: 'Total Net Effect: crimes (or harm) prevented in area and buffer together, net of the control trend',
  },
  {
    key: 'did',
    label: 'DiD',
    hint: 'Difference in differences (area change minus control change); negative = fewer than the control trend',
  },
  { key: 'did_relative', label: 'Relative DiD', hint: "the area's change relative to the control's" },
  { key: 'success_measure', label: 'Success measure', hint: 'Ra/Ca − Rb/Cb (< 0: the area improved relative to the control)' },
  { key: 'buffer_measure', label: 'Buffer measure', hint: 'Da/Ca − Db/Cb (> 0 possible displacement, < 0 possible diffusion)' },
  { key: 'gross_effect', label: 'Gross effect', hint: 'Rb − Ra' },
];

/** A count or harm total: a number, "withheld" (partners), or "no data" / "incomplete data" when its window is not covered. */
function num(v: number | null | undefined, withheld: boolean | undefined, cover: WindowCover | undefined, digits = 0) {
  if (v !== null && v !== undefined)
    return v.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  if (!withheld && cover && cover.status !== 'full') return cover.status === 'none' ? 'no data' : 'incomplete data';
  return WITHHELD;
}

function FigureCell({ d, k }: { d: Displacement | null; k: (typeof FIGURES)[number]['key'] }) {
  if (!d) return <td className="withheld">{WITHHELD}</td>;
  const f = figureDisplay(d[k], k === 'did_relative' || k === 'wdq' || k.endsWith('measure') ? 3 : 1);
  if (!f.defined)
    return (
      <td data-testid={`fig-${k}`}>
        <span className="undefined-value">undefined</span>
        <div className="reason">{f.reason}</div>
      </td>
    );
  const ci = k === 'did' && d.did.ci95 ? ` (95% CI ${d.did.ci95[0].toFixed(1)} to ${d.did.ci95[1].toFixed(1)})` : '';
  return <td data-testid={`fig-${k}`}>{f.text + ci}</td>;
}

function PhaseSection({ ph, typeLabels }: { ph: PhaseEvaluation; typeLabels: Map<string, string> }) {
  return (
    <section className="chb-phase" data-testid={`chb-phase-${ph.phase}`}>
      <h3>
        {PHASE_LABELS[ph.phase]}: {ph.window.from} to {ph.window.to}
        <span className="hint">
          {' '}
          · baseline {ph.baseline.from} to {ph.baseline.to} (end dates exclusive)
        </span>
      </h3>
      {ph.withheld && <p className="note">{ph.withheld}</p>}
      {ph.no_data && (
        <p className="note" data-testid="chb-no-data">
          No figures for this phase: {ph.no_data}. A month no file covered is missing data, not zero crimes, so the WDQ, TNE and
          DiD are not computed.
        </p>
      )}
      <div className="chb-phase-grid">
        <table className="plan-table" data-testid="chb-counts">
          <thead>
            <tr>
              <th>Region</th>
              <th className="num">Baseline count</th>
              <th className="num">Phase count</th>
              <th className="num">Baseline harm</th>
              <th className="num">Phase harm</th>
            </tr>
          </thead>
          <tbody>
            {ph.regions.map((r) => (
              <tr key={r.region}>
                <td>{REGION_LABELS[r.region]}</td>
                <td className="num">{num(r.baseline_count, r.baseline_suppressed, ph.coverage?.baseline)}</td>
                <td className="num">{num(r.phase_count, r.phase_suppressed, ph.coverage?.phase)}</td>
                <td className="num">{num(r.baseline_harm, r.baseline_suppressed, ph.coverage?.baseline, 1)}</td>
                <td className="num">{num(r.phase_harm, r.phase_suppressed, ph.coverage?.phase, 1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <table className="plan-table chb-figures" data-testid="chb-figures">
          <thead>
            <tr>
              <th>Measure</th>
              <th>On counts</th>
              <th>On harm</th>
            </tr>
          </thead>
          <tbody>
            {FIGURES.map((f) => (
              <tr key={f.key} title={f.hint}>
                <th scope="row">{f.label}</th>
                <FigureCell d={ph.counts} k={f.key} />
                <FigureCell d={ph.harm} k={f.key} />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {ph.counts && (
        <p className="reading" data-testid="chb-reading">
          <strong>Reading (counts):</strong> {ph.counts.reading}
        </p>
      )}
      {ph.harm && (
        <p className="reading">
          <strong>Reading (harm):</strong> {ph.harm.reading}
        </p>
      )}
      <div className="chb-interventions">
        <strong>Interventions logged in the area: </strong>
        {ph.interventions ? (
          ph.interventions.length === 0 ? (
            'none'
          ) : (
            <ul>
              {ph.interventions.map((i) => (
                <li key={i.id}>
                  {i.name} ({typeLabels.get(i.type) ?? i.type}, {i.starts_on} – {i.ends_on ?? 'open'})
                </li>
              ))}
            </ul>
          )
        ) : Object.keys(ph.interventions_by_type).length ? (
          Object.entries(ph.interventions_by_type)
            .map(([t, n]) => `${typeLabels.get(t) ?? t}: ${n}`)
            .join(', ')
        ) : (
          'none'
        )}
      </div>
    </section>
  );
}

function describeSource(s: { kind: string; codes?: string[]; res?: number }, wardNames: Map<string, string>): string {
  if (s.kind === 'wards') return `wards: ${(s.codes ?? []).map((c) => wardNames.get(c) ?? c).join(', ')}`;
  if (s.kind === 'cells') {
    const n = s.codes?.length ?? 0;
    return `${n} H3 ${n === 1 ? 'cell' : 'cells'}${s.res ? ` at resolution ${s.res}` : ''}`;
  }
  return 'drawn polygon';
}

/** What the phases are compared with: the baseline given, else the span of the phases' own baselines. */
function chbBaseline(d: ChbAreaDetail, e: ChbEvaluation | null): { from: string; to: string } | null {
  if (d.baseline_from && d.baseline_to) return { from: d.baseline_from, to: d.baseline_to };
  const bs = e?.phases.map((p) => p.baseline) ?? [];
  if (!bs.length) return null;
  return {
    from: bs.map((b) => b.from).sort()[0],
    to: bs
      .map((b) => b.to)
      .sort()
      .at(-1)!,
  };
}

export function ChbDashboard({ id, config, wardNames }: { id: number; config: AppConfig; wardNames: Map<string, string> }) {
  const [weights, setWeights] = useState('count');
  // All categories, or the partnership's serious violence (the category set, its definition stated below).
  const [sv, setSv] = useState(false);
  const detail = useRoute(contract.getChb, { params: { id }, query: {} });
  // Live updates: incidents added (or a feed reset) re-run the evaluation (the live feed invalidates every
  // cached answer); the figures shown stay until the new ones arrive.
  const ev = useRoute(
    contract.chbEvaluation,
    { params: { id }, query: { weights, ...(sv ? { category: SERIOUS_VIOLENCE_SET } : {}) } },
    { placeholderData: keepPreviousData },
  );
  // Type labels for the interventions logged in the area (roles without the register get the slugs).
  const types = useRoute(contract.interventionTypes, can(useSignedIn(), 'register.read') ? { query: {} } : null);
  const typeList = types.data?.types;
  const typeLabels = useMemo(() => new Map((typeList ?? []).map((t) => [t.slug, t.label])), [typeList]);
  const container = useRef<HTMLDivElement>(null);
  const { controller, basemapNote } = usePlanningMap(
    container,
    config,
    { onInterventionClick: () => undefined, onWardClick: () => undefined, onCamera: () => undefined, onDrawn: () => undefined },
    { attributionInMap: false, fitWards: false },
  );

  useEffect(() => {
    if (!controller || !detail.data) return;
    const fc = chbFeatures(detail.data);
    controller.setParams({
      wards: { showWardLabels: true, areaWards: [], controlWards: [], showRegions: true },
      interventions: { visible: false, types: [], showEnded: false, selectedId: null, dimmed: false },
      outputs: { showGaps: false, showPatrol: false, showOutreach: false },
    });
    controller.setChbRegions(fc);
    controller.keepFitted(featuresBbox(fc));
  }, [controller, detail.data]);

  const d: ChbAreaDetail | null = detail.data ?? null;
  const e: ChbEvaluation | null = ev.data ?? null;
  const failure = detail.error ?? ev.error;
  return (
    <div className="chb-dashboard" data-testid="chb-dashboard">
      <div className="chb-toolbar no-print">
        <button type="button" className="link-button" onClick={() => navigate(chbUrl(null))} data-testid="chb-back">
          ← All CHB areas
        </button>
        <label>
          Harm scheme{' '}
          <select value={weights} onChange={(x) => setWeights(x.target.value)} data-testid="chb-weights">
            {HARM_SCHEMES.map((s) => (
              <option key={s.name} value={s.name}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={sv} onChange={(x) => setSv(x.target.checked)} data-testid="chb-serious-violence" />{' '}
          {SERIOUS_VIOLENCE_LABEL} only
        </label>
        <button type="button" className="primary" onClick={() => window.print()} data-testid="chb-print">
          Print
        </button>
      </div>
      {failure && <p className="error-text">{errorMessage(failure)}</p>}
      {d && (
        <header className="chb-head">
          <h2 data-testid="chb-title">Clear-Hold-Build: {d.name}</h2>
          <p>
            Clear {d.clear_start} · Hold {d.hold_start} · Build {d.build_start} to {d.build_end} · buffer {d.buffer_m} m
          </p>
          <p className="hint">
            Area: {describeSource(d.area_source, wardNames)}. Control: {describeSource(d.control_source, wardNames)}. Created by{' '}
            {d.created_by}.
          </p>
          {d.notes && <p>{d.notes}</p>}
          <DefinitionNote shown={sv} />
          <div className="chb-coverage">
            <CoverageStrip
              categories={e?.meta.category ?? null}
              period={{ from: d.clear_start, to: d.build_end }}
              previous={chbBaseline(d, e)}
            />
          </div>
        </header>
      )}
      <div className="chb-top">
        <div className="chb-map-col">
          <div className="chb-map">
            <div ref={container} className="map-container" data-testid="map" role="region" aria-label="CHB area map" />
            <MapNotices messages={[basemapNote]} />
            <div className="no-print">
              <PngExport
                map={controller?.map ?? null}
                page="chb"
                title={d ? `Clear-Hold-Build: ${d.name}` : 'Clear-Hold-Build area'}
                period={d ? periodText({ from: d.clear_start, to: d.build_end }) : ''}
                attribution={config.attribution}
              />
            </div>
          </div>
          <ChbMapLegend regions={['area', 'buffer', 'control']} bufferM={d?.buffer_m} />
        </div>
        {e && (
          <div className="chb-chart-wrap">
            <ChbChart ev={e} measure="count" />
            <p className="hint">Baseline: {e.meta.baseline_rule}.</p>
            <ResultStatement scheme={e.meta.scheme} set={e.meta.category_set} testid="chb-statement" />
          </div>
        )}
      </div>
      {!e && !ev.error && <p className="page-loading">Evaluating…</p>}
      {e && (
        <>
          {e.warnings.map((w) => (
            <p key={w} className="note" data-testid="chb-warning">
              {w}
            </p>
          ))}
          {e.phases.map((ph) => (
            <PhaseSection key={ph.phase} ph={ph} typeLabels={typeLabels} />
          ))}
          <footer className="chb-foot hint">
            <p>{e.meta.regions}</p>
            <p>{e.meta.formulas}</p>
            <p>Interventions: {e.meta.interventions}.</p>
            {e.meta.coverage_rule && <p data-testid="chb-coverage-rule">Data coverage: {e.meta.coverage_rule}</p>}
            <p data-testid="chb-attribution">Map and data: {config.attribution.join(' ')}</p>
            {e.disclosure && (
              <p>Counts below {e.disclosure.min_count} are withheld (with some others); figures built on them are withheld.</p>
            )}
          </footer>
        </>
      )}
      <div className="no-print">
        <LiveToast />
      </div>
    </div>
  );
}
