// Clear-Hold-Build areas: the area (drawn, or built from ward codes or H3 cells), a control area, and a
// displacement buffer ring (default 500 m), stored as built; and their evaluation phase by phase against
// the baseline before Clear: counts and harm in area, buffer and control, WDQ and TNE (Bowers & Johnson
// 2003), a difference-in-differences estimate, and the interventions logged in the area per phase.
import { cellsToMultiPolygon, getResolution } from 'h3-js';
import type { Db, Queryable } from '../db/index.js';
import { ApiError } from '../errors.js';
import { cellKeyOf, perturbFields, scaledWith, suppressRows } from '../auth/disclosure.js';
import { addDays, addMonths, daysBetween } from '../aggregates/window.js';
import { displacement } from '../../geodata/planning/displacement.js';
import { requestSelection } from '../aggregates/request.js';
import { narrowingParams, narrowingSql } from '../definitions/narrowing.js';
import { COVERAGE_RULE, windowCoverage } from '../coverage/check.js';
import { resolveScheme, schemeMeta } from '../hotspots/schemes.js';
import { STUDY_LEVEL } from './data.js';
import { weightOf } from '../../geodata/harm/schemes.js';
import {
  CHB_PHASES as PHASES,
  CHB_REGIONS as REGIONS,
  type ChbArea,
  type ChbAreaDetail,
  type ChbBody,
  type ChbEvaluation,
  type ChbPhase as Phase,
  type ChbRegion as Region,
  type PhaseEvaluation,
  type RegionSpec,
  type WindowCover,
} from '../../contract/planning.js';

/** A region as GeoJSON text (MultiPolygon or Polygon, WGS84), checked. */
async function regionGeoJson(
  db: Queryable,
  spec: RegionSpec,
  path: string,
): Promise<{ geojson: string; source: Record<string, unknown> }> {
  let geojson: string;
  let source: Record<string, unknown>;
  if ('geometry' in spec) {
    geojson = JSON.stringify(spec.geometry);
    source = { kind: 'geometry' };
  } else if ('wards' in spec) {
    const codes = [...new Set(spec.wards)];
    const [r] = await db.query<{ found: string[] | null; g: string | null }>(
      `SELECT array_agg(code ORDER BY code) AS found, ST_AsGeoJSON(ST_Union(geom))::text AS g FROM areas WHERE level = $1 AND code = ANY($2::text[])`,
      [STUDY_LEVEL, codes],
    );
    const missing = codes.filter((c) => !(r.found ?? []).includes(c));
    if (missing.length)
      throw new ApiError(400, 'invalid_body', `${path}.wards: no ward ${missing.join(', ')}`, [
        { path: `${path}.wards`, message: 'unknown ward', missing },
      ]);
    geojson = r.g!;
    source = { kind: 'wards', codes };
  } else {
    const cells = [...new Set(spec.cells)].sort();
    geojson = JSON.stringify({ type: 'MultiPolygon', coordinates: cellsToMultiPolygon(cells, true) });
    source = { kind: 'cells', res: getResolution(cells[0]), codes: cells };
  }
  const [v] = await db.query<{ valid: boolean; reason: string; kind: string }>(
    `SELECT ST_IsValid(g) AS valid, ST_IsValidReason(g) AS reason, GeometryType(g) AS kind FROM (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS g) s`,
    [geojson],
  );
  if (!v.valid) throw new ApiError(400, 'invalid_body', `${path}: invalid geometry (${v.reason})`, [{ path, message: v.reason }]);
  if (v.kind !== 'POLYGON' && v.kind !== 'MULTIPOLYGON')
    throw new ApiError(400, 'invalid_body', `${path}: the region is not a polygon`, [{ path, message: 'not a polygon' }]);
  return { geojson, source };
}

const COLUMNS = `c.id, c.name, c.area_source, c.control_source, c.buffer_m,
  to_char(c.clear_start, 'YYYY-MM-DD') AS clear_start, to_char(c.hold_start, 'YYYY-MM-DD') AS hold_start,
  to_char(c.build_start, 'YYYY-MM-DD') AS build_start, to_char(c.build_end, 'YYYY-MM-DD') AS build_end,
  to_char(c.baseline_from, 'YYYY-MM-DD') AS baseline_from, to_char(c.baseline_to, 'YYYY-MM-DD') AS baseline_to,
  c.notes, c.created_by, to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at`;

export async function createChb(db: Db, b: ChbBody, by: string) {
  const area = await regionGeoJson(db, b.area, 'area');
  const control = await regionGeoJson(db, b.control, 'control');
  // The buffer: a ring of buffer_m metres around the area (worked on the national grid), without the area.
  const geoms = `
WITH
a AS (SELECT ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($1), 4326)) AS g),
b AS (SELECT ST_Multi(ST_CollectionExtract(ST_Difference(ST_Transform(ST_Buffer(ST_Transform(a.g, 27700), $2::float8), 4326), a.g), 3)) AS g FROM a),
c AS (SELECT ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($3), 4326)) AS g)`;
  const [overlap] = await db.query<{ area_m2: number; buffer_m2: number }>(
    `${geoms}
SELECT ST_Area(ST_Intersection(c.g, a.g)::geography) AS area_m2, ST_Area(ST_Intersection(c.g, b.g)::geography) AS buffer_m2 FROM a, b, c`,
    [area.geojson, b.buffer_m, control.geojson],
  );
  // The control must be uncontaminated by the intervention (Bowers & Johnson's third criterion).
  if (overlap.area_m2 > 1 || overlap.buffer_m2 > 1)
    throw new ApiError(
      400,
      'invalid_body',
      `control: the control area overlaps the ${overlap.area_m2 > 1 ? 'area' : 'displacement buffer'} (${Math.round(Math.max(overlap.area_m2, overlap.buffer_m2))} m²); choose a control outside both`,
      [{ path: 'control', message: 'overlaps area or buffer' }],
    );
  const [{ id }] = await db.query<{ id: number }>(
    `${geoms}
INSERT INTO chb_areas (name, area_geom, area_source, buffer_m, buffer_geom, control_geom, control_source,
                       clear_start, hold_start, build_start, build_end, baseline_from, baseline_to, notes, created_by)
SELECT $4, a.g, $5::jsonb, $2::int, b.g, c.g, $6::jsonb, $7::date, $8::date, $9::date, $10::date, $11::date, $12::date, $13, $14
FROM a, b, c
RETURNING id`,
    [
      area.geojson,
      b.buffer_m,
      control.geojson,
      b.name,
      JSON.stringify(area.source),
      JSON.stringify(control.source),
      b.clear_start,
      b.hold_start,
      b.build_start,
      b.build_end,
      b.baseline?.from ?? null,
      b.baseline?.to ?? null,
      b.notes,
      by,
    ],
  );
  return getChb(db, id);
}

export async function listChb(db: Queryable) {
  return db.query<ChbArea>(`SELECT ${COLUMNS} FROM chb_areas c ORDER BY c.id`);
}

export async function getChb(db: Queryable, id: number) {
  const [row] = await db.query<ChbAreaDetail>(
    `SELECT ${COLUMNS}, ST_AsGeoJSON(c.area_geom, 6)::json AS area, ST_AsGeoJSON(c.buffer_geom, 6)::json AS buffer,
            ST_AsGeoJSON(c.control_geom, 6)::json AS control
     FROM chb_areas c WHERE c.id = $1`,
    [id],
  );
  if (!row) throw new ApiError(404, 'not_found', `No Clear-Hold-Build area ${id}.`);
  return row;
}

export async function deleteChb(db: Queryable, id: number) {
  const rows = await db.query('DELETE FROM chb_areas WHERE id = $1 RETURNING id', [id]);
  if (rows.length === 0) throw new ApiError(404, 'not_found', `No Clear-Hold-Build area ${id}.`);
  return { id, deleted: true };
}

// ---------- evaluation ----------

interface Win {
  from: string;
  to: string;
}

const monthStart = (d: string) => d.endsWith('-01');
const monthsBetween = (a: string, b: string) =>
  (Number(b.slice(0, 4)) - Number(a.slice(0, 4))) * 12 + Number(b.slice(5, 7)) - Number(a.slice(5, 7));

/** The equal-length window just before `clearStart`: whole months when the phase runs month start to month start, else days. */
export function equalBaseline(phase: Win, clearStart: string): Win {
  if (monthStart(phase.from) && monthStart(phase.to) && monthStart(clearStart))
    return { from: addMonths(clearStart, -monthsBetween(phase.from, phase.to)), to: clearStart };
  return { from: addDays(clearStart, -daysBetween(phase.from, phase.to)), to: clearStart };
}

const COUNTS_SQL = `
WITH
-- the CHB area's three regions, as stored
r AS (
  SELECT 'area' AS region, area_geom AS g FROM chb_areas WHERE id = $1
  UNION ALL SELECT 'buffer', buffer_geom FROM chb_areas WHERE id = $1
  UNION ALL SELECT 'control', control_geom FROM chb_areas WHERE id = $1
),
-- the periods: each phase and its baseline
p AS (SELECT * FROM unnest($2::text[], $3::date[], $4::date[]) AS p(period, f, t))
SELECT r.region, p.period, i.category, i.offence_code, count(*)::int AS n,
       -- the cell key of the group's incidents (ONS cell key method, issue 15): partners' counts are perturbed by it
       (sum(i.record_key) % 256)::int AS k
FROM r
JOIN incidents i ON ST_Intersects(r.g, i.geom)
JOIN p ON i.occurred_at >= p.f::timestamp AND i.occurred_at < p.t::timestamp
WHERE ($5::text[] IS NULL OR i.category = ANY($5::text[]))
  -- a category set's narrowing (offence codes, victim age, location types)
  AND ${narrowingSql('$6', '$7', '$8')}
GROUP BY 1, 2, 3, 4`;

const LOGGED_SQL = `
SELECT v.id, v.name, v.type, to_char(v.starts_on, 'YYYY-MM-DD') AS starts_on, to_char(v.ends_on, 'YYYY-MM-DD') AS ends_on
FROM interventions v
JOIN chb_areas c ON c.id = $1 AND ST_Intersects(v.geom, c.area_geom)
WHERE v.deleted_at IS NULL AND v.starts_on < $3::date AND (v.ends_on IS NULL OR v.ends_on >= $2::date)
ORDER BY v.starts_on, v.id`;

type RegionCounts = Pick<
  PhaseEvaluation['regions'][number],
  'region' | 'baseline_count' | 'phase_count' | 'baseline_harm' | 'phase_harm'
>;

/** The displacement figures' input from a phase's region counts (or harm). */
function displacementInput(
  regions: readonly RegionCounts[],
  key: 'count' | 'harm',
  lengthRatio: number,
  notCovered: string | null,
) {
  const ba = (rg: Region) => {
    const r = regions.find((x) => x.region === rg)!;
    return { before: r[`baseline_${key}`], after: r[`phase_${key}`] };
  };
  return {
    area: ba('area'),
    buffer: ba('buffer'),
    control: ba('control'),
    lengthRatio,
    unit: key === 'count' ? 'crimes' : 'harm',
    notCovered,
  };
}

export async function evaluateChb(
  db: Queryable,
  id: number,
  q: { weights: string; category?: string[] },
): Promise<ChbEvaluation> {
  const chb = await getChb(db, id);
  const scheme = await resolveScheme(db, q.weights);
  const { categories, narrowing } = await requestSelection(db, q.category);
  const phaseWin: Record<Phase, Win> = {
    clear: { from: chb.clear_start, to: chb.hold_start },
    hold: { from: chb.hold_start, to: chb.build_start },
    build: { from: chb.build_start, to: chb.build_end },
  };
  const chosen = chb.baseline_from ? { from: chb.baseline_from, to: chb.baseline_to! } : null;
  const baseOf = (ph: Phase) => chosen ?? equalBaseline(phaseWin[ph], chb.clear_start);
  const periods = PHASES.flatMap((ph) => [
    { name: ph, ...phaseWin[ph] },
    { name: `${ph}_baseline`, ...baseOf(ph) },
  ]);
  const rows = await db.query<{
    region: Region;
    period: string;
    category: string;
    offence_code: string | null;
    n: number;
    k: number;
  }>(COUNTS_SQL, [
    id,
    periods.map((p) => p.name),
    periods.map((p) => p.from),
    periods.map((p) => p.to),
    categories,
    ...narrowingParams(narrowing),
  ]);
  const count = new Map<string, number>();
  const harm = new Map<string, number>();
  const keySum = new Map<string, number>();
  for (const r of rows) {
    const k = `${r.region}/${r.period}`;
    count.set(k, (count.get(k) ?? 0) + r.n);
    keySum.set(k, (keySum.get(k) ?? 0) + r.k);
    harm.set(k, (harm.get(k) ?? 0) + r.n * weightOf(scheme, r.category, r.offence_code));
  }
  const get = (m: Map<string, number>, region: Region, period: string) => m.get(`${region}/${period}`) ?? 0;

  // What the data cover in each window (issue 11), per category: with all categories, the scope is every
  // category with data in any of the evaluation's windows. A window not fully covered has no counts (null)
  // and the figures using it are undefined with the gaps named; "no crimes" is only said of covered data.
  const allWins = periods.map((p) => ({ from: p.from, to: p.to }));
  const covers = new Map<string, WindowCover>();
  const coverOf = async (w: Win) => {
    const key = `${w.from}/${w.to}`;
    let c = covers.get(key);
    if (!c) {
      const wc = await windowCoverage(db, categories, w, allWins);
      covers.set(
        key,
        (c = { status: wc.status, missing_months: wc.missing_months, categories: wc.categories, reason: wc.reason }),
      );
    }
    return c;
  };
  const gapWindows = new Map<string, { w: Win; labels: string[]; reason: string }>();

  const warnings: string[] = [];
  const [range] = await db.query<{ month_only: boolean }>(
    `SELECT bool_or(time_precision = 'month') AS month_only FROM incidents`,
  );
  if (range.month_only && periods.some((p) => !monthStart(p.from) || !monthStart(p.to)))
    warnings.push(
      'Some incidents are known only to the month (police.uk: dated the 1st), and some phase or baseline dates are not month starts: those incidents fall wholly into the period holding the 1st.',
    );

  const phases: PhaseEvaluation[] = [];
  for (const ph of PHASES) {
    const base = baseOf(ph);
    const s = daysBetween(phaseWin[ph].from, phaseWin[ph].to) / daysBetween(base.from, base.to);
    const cov = { baseline: await coverOf(base), phase: await coverOf(phaseWin[ph]) };
    const uncovered: string[] = [];
    const name = ph[0].toUpperCase() + ph.slice(1);
    for (const [which, w, label] of [
      ['baseline', base, `${name} baseline`],
      ['phase', phaseWin[ph], `${name} phase`],
    ] as const) {
      const c = cov[which];
      if (c.status === 'full') continue;
      uncovered.push(`the ${which} ${w.from} to ${w.to} is not fully covered by the data (${c.reason})`);
      const key = `${w.from}/${w.to}`;
      const g = gapWindows.get(key);
      if (g) g.labels.push(label);
      else gapWindows.set(key, { w, labels: [label], reason: c.reason! });
    }
    const noData = uncovered.length ? uncovered.join('; ') : null;
    const value = (m: Map<string, number>, rg: Region, which: 'baseline' | 'phase') =>
      cov[which].status === 'full' ? get(m, rg, which === 'baseline' ? `${ph}_baseline` : ph) : null;
    const regions = REGIONS.map((rg) => ({
      region: rg,
      baseline_count: value(count, rg, 'baseline'),
      phase_count: value(count, rg, 'phase'),
      baseline_harm: value(harm, rg, 'baseline'),
      phase_harm: value(harm, rg, 'phase'),
      // Record-key sums beside the counts, for the partners' perturbation (stripped for other roles: keyedFor).
      baseline_count_ckey: cellKeyOf(get(keySum, rg, `${ph}_baseline`)),
      phase_count_ckey: cellKeyOf(get(keySum, rg, ph)),
    }));
    const input = (key: 'count' | 'harm') => displacementInput(regions, key, s, noData);
    const logged = await db.query<{ id: number; name: string; type: string; starts_on: string; ends_on: string | null }>(
      LOGGED_SQL,
      [id, phaseWin[ph].from, phaseWin[ph].to],
    );
    const byType: Record<string, number> = {};
    for (const l of logged) byType[l.type] = (byType[l.type] ?? 0) + 1;
    phases.push({
      phase: ph,
      window: phaseWin[ph],
      baseline: base,
      length_ratio: s,
      coverage: cov,
      no_data: noData,
      regions,
      counts: displacement(input('count')),
      harm: displacement(input('harm')),
      withheld: null,
      interventions: logged,
      interventions_by_type: byType,
    });
  }
  // The coverage gaps, one warning per window (which category, which months) and the phases it leaves undefined.
  warnings.unshift(
    ...[...gapWindows.values()].map(
      ({ w, labels, reason }) =>
        `${labels.join(', ')} (${w.from} to ${w.to}, end exclusive): ${reason}. Counts there are not given and the WDQ, TNE and DiD of ${labels.length > 1 ? 'these phases' : 'this phase'} are undefined: missing data are not zero.`,
    ),
  );
  return {
    area: {
      id: chb.id,
      name: chb.name,
      buffer_m: chb.buffer_m,
      area_source: chb.area_source,
      control_source: chb.control_source,
    },
    phases,
    warnings,
    meta: {
      scheme: schemeMeta(scheme),
      category: categories,
      baseline_rule: chosen
        ? `the chosen baseline ${chosen.from} to ${chosen.to} for every phase; DiD scales it by each phase's length (length_ratio)`
        : 'for each phase, the window of equal length ending when Clear starts (whole months when the dates are month starts, else days)',
      regions:
        'area = the CHB polygon; buffer = the ring within buffer_m metres of it (national grid), area excluded; control = the comparison polygon (checked not to overlap area or buffer). A point on a shared edge counts in both regions.',
      formulas:
        'WDQ = (Da/Ca − Db/Cb) / (Ra/Ca − Rb/Cb); TNE = [Rb·(Ca/Cb) − Ra] + [Db·(Ca/Cb) − Da] (Bowers & Johnson 2003; Guerette 2009 App. B). DiD = (Ra − s·Rb) − (Ca − s·Cb), s = phase length / baseline length, SE from Poisson variances (Wheeler & Ratcliffe 2018). b = baseline, a = phase; R area, D buffer, C control.',
      interventions: 'interventions whose geometry meets the area and whose dates overlap the phase',
      coverage_rule: `${COVERAGE_RULE} Coverage is checked per category for every baseline and phase window (the same for area, buffer and control); a window not fully covered has no counts, and WDQ, TNE and DiD using it are undefined.`,
    },
  };
}

/**
 * Partners (issue 15): each region's baseline and phase counts perturbed by their cell keys, harm scaled with
 * its count, and the phase's figures (WDQ, TNE, DiD and their CIs, for counts and harm) recomputed from the
 * perturbed values — figures from the true counts would reveal them. Keys dropped.
 */
export function perturbChbPhase(ph: PhaseEvaluation): PhaseEvaluation {
  type Keyed = PhaseEvaluation['regions'][number] & { baseline_count_ckey?: number; phase_count_ckey?: number };
  const regions = (ph.regions as Keyed[]).map((r) => {
    const out = perturbFields(r, ['baseline_count', 'phase_count']);
    return {
      ...out,
      baseline_harm: scaledWith(r.baseline_harm, r.baseline_count, out.baseline_count),
      phase_harm: scaledWith(r.phase_harm, r.phase_count, out.phase_count),
    };
  });
  return {
    ...ph,
    regions,
    counts: displacement(displacementInput(regions, 'count', ph.length_ratio, ph.no_data)),
    harm: displacement(displacementInput(regions, 'harm', ph.length_ratio, ph.no_data)),
  };
}

/**
 * The partner mask of GET /api/chb/:id/evaluation (and the pack's CHB section): per phase, the six counts
 * (3 regions × baseline/phase), perturbed by the cell key method when `perturb` (partners: perturbChbPhase),
 * go through the disclosure rule; when any is withheld, its harm and every figure of that phase (WDQ, TNE,
 * DiD all use the withheld counts) are withheld, and interventions are given as counts by type only. With
 * `min` 0 (record-level roles) no count is withheld. Cell keys never leave it.
 */
export function chbEvaluationMask(ev: ChbEvaluation, min: number, perturb = false): ChbEvaluation {
  return {
    ...ev,
    phases: ev.phases.map((ph0) => {
      const ph = perturb ? perturbChbPhase(ph0) : ph0;
      const flat = ph.regions.flatMap((r) => [
        { key: `${r.region}/baseline`, count: r.baseline_count, harm: r.baseline_harm },
        { key: `${r.region}/phase`, count: r.phase_count, harm: r.phase_harm },
      ]);
      const masked = suppressRows(flat, 'count', min, ['harm']) as Array<(typeof flat)[number] & { suppressed: boolean }>;
      const anyHidden = masked.some((m) => m.suppressed);
      const val = (k: string) => masked.find((m) => m.key === k)!;
      return {
        ...ph,
        regions: ph.regions.map((r) => ({
          region: r.region,
          baseline_count: val(`${r.region}/baseline`).count,
          phase_count: val(`${r.region}/phase`).count,
          baseline_harm: val(`${r.region}/baseline`).harm,
          phase_harm: val(`${r.region}/phase`).harm,
          baseline_suppressed: val(`${r.region}/baseline`).suppressed,
          phase_suppressed: val(`${r.region}/phase`).suppressed,
        })),
        counts: anyHidden ? null : ph.counts,
        harm: anyHidden ? null : ph.harm,
        withheld: anyHidden ? `figures withheld: at least one count is below the disclosure threshold (${min})` : null,
        interventions: null,
      };
    }),
    disclosure: {
      min_count: min,
      rule: perturb
        ? 'counts perturbed by the ONS cell key method (harm scaled with them; WDQ, TNE and DiD computed from the perturbed values), then below min_count withheld with complementary suppression; figures derived from withheld counts withheld'
        : 'counts below min_count withheld with complementary suppression; figures derived from them withheld',
    },
  };
}
