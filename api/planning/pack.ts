// The tasking pack's planning sections (issue 7 over issue 6's planning module), registered with the pack
// (api/live/pack.ts) when the planning routes load:
// - patrol proposals: GET /api/planning/patrol for the pack's period and categories, the API's defaults
//   (N, box size, separation, harm scheme, seed), so the pack's boxes are the API's;
// - outreach proposals: POST /api/planning/outreach's defaults (K, distance, demand, solver) over the
//   candidate venues the server holds: the register's outreach sites (type `outreach_site`) active at some
//   time in the period; without any, the section says so (the planning page can still use any cell);
// - the CHB areas active at some time in the period (Clear start before its end, Build end after its start),
//   each with the phases the period meets, its phase at the period's end and the headline evaluation of
//   the latest phase the period meets (GET /api/chb/:id/evaluation, default harm scheme).
// Roles as the planning routes: patrol and outreach plans for analysts and officers only (partners and
// admins get "not available to your role"); CHB for everyone, through the evaluation route's partner mask
// (chb.chbEvaluationMask) with the pack's threshold (0 for record-level roles: nothing withheld).
import { pointOnFeature } from '@turf/turf';
import { stringify } from 'csv-stringify/sync';
import type { Queryable } from '../db/index.js';
import { ALL_ROLES, RECORD_LEVEL_ROLES } from '../auth/roles.js';
import { addDays } from '../aggregates/window.js';
import { registerPackSection, type PackContext, type SectionOutcome } from '../live/pack.js';
import { patrolCsv, patrolGeoJson } from '../../geodata/planning/formats.js';
import * as chb from './chb.js';
import { outreach } from './outreach.js';
import {
  evaluationQuery,
  outreachBody,
  patrolQuery,
  type ChbArea,
  type ChbEvaluation,
  type ChbPhase,
} from '../../contract/planning.js';
import { patrolPlan } from './patrol.js';
import { listInterventions } from './register.js';

/** The register type whose entries are the pack's candidate venues for outreach. */
export const VENUE_TYPE = 'outreach_site';

const windowOf = (ctx: PackContext) => ({
  from: ctx.window.from,
  to: ctx.window.to,
  ...(ctx.categories ? { category: ctx.categories } : {}),
});
const withheld = (v: unknown) => (v === null ? 'withheld' : v);
const NO_DATA = 'no data';

// ---------- patrol ----------

type PatrolData = Awaited<ReturnType<typeof patrolPlan>>;

registerPackSection<PatrolData>({
  id: 'patrol_proposals',
  title: 'Patrol proposals',
  roles: RECORD_LEVEL_ROLES,
  async build(db, ctx) {
    // The API's defaults (the query schema parsed with nothing given), then the pack's window.
    const q = { ...patrolQuery.parse({}), ...windowOf(ctx) };
    return { available: true, data: await patrolPlan(db, q) };
  },
  async files(_db, plan) {
    return {
      files: { 'patrol-boxes.csv': patrolCsv(plan), 'patrol-boxes.geojson': JSON.stringify(patrolGeoJson(plan)) },
      records: plan.boxes.length,
    };
  },
});

// ---------- outreach ----------

interface Venue {
  intervention_id: number;
  name: string;
  lon: number;
  lat: number;
}
type OutreachOut = Awaited<ReturnType<typeof outreach>>;
type OutreachData = OutreachOut & { venues: { source: string; count: number; list: Venue[] } };

const r6 = (v: number) => Math.round(v * 1e6) / 1e6;

/** Outreach sites in the register active at some time in [from, to): a point each (polygons: a point on their surface). */
export async function candidateVenues(db: Queryable, w: { from: string; to: string }): Promise<Venue[]> {
  const rows = await listInterventions(db, { types: [VENUE_TYPE], overlaps: w });
  return rows.map((v) => {
    const [lon, lat] = v.geometry.type === 'Point' ? v.geometry.coordinates : pointOnFeature(v.geometry).geometry.coordinates;
    return { intervention_id: v.id, name: v.name, lon: r6(lon), lat: r6(lat) };
  });
}

registerPackSection<OutreachData>({
  id: 'outreach_proposals',
  title: 'Outreach proposals',
  roles: RECORD_LEVEL_ROLES,
  async build(db, ctx) {
    const venues = await candidateVenues(db, ctx.window);
    if (venues.length === 0)
      return {
        available: false,
        note: `no candidate venues loaded: register outreach sites (type ${VENUE_TYPE}) active in the period, by hand or by CSV/GeoJSON import, or choose sites from any cell on the planning page`,
      };
    const q = {
      ...outreachBody.parse({}),
      ...windowOf(ctx),
      candidates: venues.map(({ name, lon, lat }) => ({ name, lon, lat })),
    };
    const out = await outreach(db, q);
    return {
      available: true,
      data: {
        ...out,
        venues: {
          source: `the register's outreach sites (type ${VENUE_TYPE}) active at some time in the period`,
          count: venues.length,
          list: venues,
        },
      },
    };
  },
  async files(_db, out) {
    const rows = out.sites.map((s) => ({ ...s, intervention_id: out.venues.list[s.candidate_index]?.intervention_id ?? null }));
    const cols = ['order', 'intervention_id', 'name', 'lon', 'lat', 'gain', 'cumulative', 'cumulative_share'];
    const geo = {
      type: 'FeatureCollection',
      features: rows.map((r) => ({
        type: 'Feature',
        properties: {
          order: r.order,
          intervention_id: r.intervention_id,
          name: r.name,
          gain: r.gain,
          cumulative: r.cumulative,
          cumulative_share: r.cumulative_share,
          method: out.method,
          distance_m: out.meta.distance_m,
        },
        geometry: { type: 'Point', coordinates: [r.lon, r.lat] },
      })),
    };
    return {
      files: {
        'outreach-sites.csv': stringify(
          rows.map((r) => cols.map((k) => (r as Record<string, unknown>)[k])),
          { header: true, columns: cols },
        ),
        'outreach-sites.geojson': JSON.stringify(geo),
      },
      records: rows.length,
    };
  },
});

// ---------- Clear-Hold-Build ----------

type PhaseName = ChbPhase;

interface ChbHeadline {
  phase: PhaseName;
  window: { from: string; to: string };
  baseline: { from: string; to: string };
  regions: Array<{
    region: string;
    baseline_count: number | null;
    phase_count: number | null;
    baseline_harm: number | null;
    phase_harm: number | null;
  }>;
  wdq: { value: number | null; reason: string | null } | null;
  tne: { value: number | null; reason: string | null } | null;
  did: { value: number | null; reason: string | null; ci95: [number, number] | null } | null;
  reading: string | null;
  withheld: string | null;
  /** Why the figures are undefined for missing data (null: both windows covered); counts of an uncovered window are null. */
  no_data: string | null;
  coverage: { baseline: string; phase: string };
  interventions_by_type: Record<string, number>;
}

export interface ChbPackArea {
  id: number;
  name: string;
  buffer_m: number;
  clear_start: string;
  hold_start: string;
  build_start: string;
  build_end: string;
  /** The phases the period meets, in order. */
  phases_in_period: PhaseName[];
  /** The phase on the period's last day (null: the area's Build phase ended within the period). */
  phase_at_end: PhaseName | null;
  /** The evaluation of the latest phase the period meets (the whole phase against its baseline). */
  headline: ChbHeadline;
  warnings: string[];
}
interface ChbData {
  period: { from: string; to: string };
  recorded: number;
  areas: ChbPackArea[];
  scheme: unknown;
  note: string;
}

/** The phases' windows [from, to) of a CHB area. */
const phaseWindows = (a: ChbArea) => [
  { phase: 'clear' as const, from: a.clear_start, to: a.hold_start },
  { phase: 'hold' as const, from: a.hold_start, to: a.build_start },
  { phase: 'build' as const, from: a.build_start, to: a.build_end },
];

/** Active at some time in [from, to): the scheme (Clear start to Build end) overlaps the period. */
export const activeIn = (a: Pick<ChbArea, 'clear_start' | 'build_end'>, w: { from: string; to: string }) =>
  a.clear_start < w.to && a.build_end > w.from;

function headlineOf(ev: ChbEvaluation, phase: PhaseName): ChbHeadline {
  const ph = ev.phases.find((p) => p.phase === phase)!;
  const counts = ph.counts;
  return {
    phase,
    window: ph.window,
    baseline: ph.baseline,
    regions: ph.regions.map((r) => ({
      region: r.region,
      baseline_count: r.baseline_count,
      phase_count: r.phase_count,
      baseline_harm: r.baseline_harm,
      phase_harm: r.phase_harm,
    })),
    wdq: counts ? counts.wdq : null,
    tne: counts ? counts.tne : null,
    did: counts ? { value: counts.did.value, reason: counts.did.reason, ci95: counts.did.ci95 } : null,
    reading: counts ? counts.reading : null,
    withheld: ph.withheld,
    no_data: ph.no_data,
    coverage: { baseline: ph.coverage.baseline.status, phase: ph.coverage.phase.status },
    interventions_by_type: ph.interventions_by_type,
  };
}

registerPackSection<ChbData>({
  id: 'chb_areas',
  title: 'Active Clear-Hold-Build areas',
  roles: ALL_ROLES,
  async build(db, ctx) {
    const w = ctx.window;
    const all = await chb.listChb(db);
    const lastDay = addDays(w.to, -1);
    const q = { ...evaluationQuery.parse({}), ...(ctx.categories ? { category: ctx.categories } : {}) };
    const areas: ChbPackArea[] = [];
    let scheme: unknown = null;
    for (const a of all.filter((x) => activeIn(x, w))) {
      const met = phaseWindows(a).filter((p) => p.from < w.to && p.to > w.from);
      const atEnd = phaseWindows(a).find((p) => p.from <= lastDay && lastDay < p.to)?.phase ?? null;
      const full = await chb.evaluateChb(db, a.id, q);
      scheme = full.meta.scheme;
      const ev = chb.chbEvaluationMask(full, ctx.min, ctx.principal.user.role === 'partner');
      areas.push({
        id: a.id,
        name: a.name,
        buffer_m: a.buffer_m,
        clear_start: a.clear_start,
        hold_start: a.hold_start,
        build_start: a.build_start,
        build_end: a.build_end,
        phases_in_period: met.map((p) => p.phase),
        phase_at_end: atEnd,
        headline: headlineOf(ev, met[met.length - 1].phase),
        warnings: full.warnings,
      });
    }
    const out: SectionOutcome<ChbData> = {
      available: true,
      data: {
        period: { from: w.from, to: w.to },
        recorded: all.length,
        areas,
        scheme,
        note: 'Areas whose Clear-to-Build dates overlap the period. Headline: the latest phase the period meets, evaluated over the whole phase against its baseline (GET /api/chb/:id/evaluation, counts); WDQ and TNE after Bowers & Johnson (2003).',
      },
    };
    return out;
  },
  async files(db, data, { partner }) {
    const cols = [
      'id',
      'name',
      'phase_at_end',
      'phases_in_period',
      'clear_start',
      'hold_start',
      'build_start',
      'build_end',
      'buffer_m',
      'headline_phase',
      'phase_from',
      'phase_to',
      'baseline_from',
      'baseline_to',
      'area_baseline',
      'area_phase',
      'buffer_baseline',
      'buffer_phase',
      'control_baseline',
      'control_phase',
      'wdq',
      'wdq_note',
      'tne',
      'did',
      'did_ci95',
      'reading',
      'withheld',
      'no_data',
    ];
    const count = (a: ChbPackArea, region: string, k: 'baseline_count' | 'phase_count') =>
      a.headline.regions.find((r) => r.region === region)?.[k] ?? null;
    // A null count in the CSV: "no data" when its window is not covered (issue 11: never 0), else "withheld" (partners).
    const countCell = (a: ChbPackArea, k: string, v: unknown) => {
      if (v !== null || !countCols.has(k)) return v;
      if (a.headline.coverage[k.endsWith('_baseline') ? 'baseline' : 'phase'] !== 'full') return NO_DATA;
      return partner ? withheld(v) : v;
    };
    const countCols = new Set(cols.filter((c) => /_(baseline|phase)$/.test(c) && c !== 'headline_phase'));
    const rows = data.areas.map((a) => {
      const h = a.headline;
      return {
        id: a.id,
        name: a.name,
        phase_at_end: a.phase_at_end ?? `ended ${a.build_end}`,
        phases_in_period: a.phases_in_period.join(' '),
        clear_start: a.clear_start,
        hold_start: a.hold_start,
        build_start: a.build_start,
        build_end: a.build_end,
        buffer_m: a.buffer_m,
        headline_phase: h.phase,
        phase_from: h.window.from,
        phase_to: h.window.to,
        baseline_from: h.baseline.from,
        baseline_to: h.baseline.to,
        area_baseline: count(a, 'area', 'baseline_count'),
        area_phase: count(a, 'area', 'phase_count'),
        buffer_baseline: count(a, 'buffer', 'baseline_count'),
        buffer_phase: count(a, 'buffer', 'phase_count'),
        control_baseline: count(a, 'control', 'baseline_count'),
        control_phase: count(a, 'control', 'phase_count'),
        wdq: h.wdq?.value ?? null,
        wdq_note: h.wdq?.reason ?? null,
        tne: h.tne?.value ?? null,
        did: h.did?.value ?? null,
        did_ci95: h.did?.ci95 ? h.did.ci95.join('..') : null,
        reading: h.reading,
        withheld: h.withheld,
        no_data: h.no_data,
      };
    });
    // The areas' outlines (each area's polygon as stored), with the same figures.
    const features = [];
    for (const [i, a] of data.areas.entries()) {
      const g = await chb.getChb(db, a.id);
      features.push({ type: 'Feature', properties: rows[i], geometry: g.area });
    }
    return {
      files: {
        // Partners: a withheld count is "withheld" in the CSV (null in the GeoJSON), as the pack's other files;
        // a count of a window without data is "no data" (null in the GeoJSON, with no_data saying why).
        'chb-areas.csv': stringify(
          rows.map((r, i) => cols.map((k) => countCell(data.areas[i], k, (r as Record<string, unknown>)[k]))),
          { header: true, columns: cols },
        ),
        'chb-areas.geojson': JSON.stringify({ type: 'FeatureCollection', features }),
      },
      records: rows.length,
    };
  },
});
