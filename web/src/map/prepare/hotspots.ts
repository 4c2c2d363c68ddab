// Hotspot API rows -> GeoJSON for the hotspot source, and the small derived values the panels show
// (legend statements, class tallies, the fixed playback scale, change classes, chart geometry). Pure.
import { cellToBoundary, isValidCell } from 'h3-js';
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Polygon } from 'geojson';
import type { Bbox } from '../../api/client';
import type { AreaCollection } from '../../../../contract/aggregates';
import type { CategorySetMeta } from '../../../../contract/definitions';
import type {
  ChangeRow,
  Comparison,
  EmergingRow,
  HotspotRow,
  Neighbourhood,
  Period,
  SchemeMeta as FullSchemeMeta,
  UnitKey,
} from '../../../../contract/hotspots';

/** What legends read of a scheme's statement (the answers' `scheme` meta). */
type SchemeMeta = Pick<FullSchemeMeta, 'name' | 'label' | 'version' | 'source'> &
  Partial<Pick<FullSchemeMeta, 'derived' | 'mix' | 'categories_without_weight'>>;

/** Area polygons by code (for area-level statistics). */
export type AreaGeometries = ReadonlyMap<string, Polygon | MultiPolygon>;

export function areaGeometries(areas: AreaCollection | null): AreaGeometries {
  const m = new Map<string, Polygon | MultiPolygon>();
  for (const f of areas?.features ?? []) if (f.geometry) m.set(String(f.properties.code), f.geometry);
  return m;
}

/** The id of a unit on the map and in the URL: its H3 index or its area code. */
export const unitId = (u: UnitKey): string => u.h3 ?? u.code ?? '';

/** A cell's hexagon (GeoJSON order, closed ring) or an area's polygon; null when unknown. */
export function unitGeometry(u: UnitKey, areas: AreaGeometries): Polygon | MultiPolygon | null {
  if (u.h3) return isValidCell(u.h3) ? { type: 'Polygon', coordinates: [cellToBoundary(u.h3, true)] } : null;
  return u.code ? (areas.get(u.code) ?? null) : null;
}

function collect<R extends UnitKey>(
  rows: readonly R[],
  areas: AreaGeometries,
  props: (r: R) => Record<string, unknown>,
): FeatureCollection {
  const features: Feature[] = [];
  for (const r of rows) {
    const geometry = unitGeometry(r, areas);
    if (!geometry) continue;
    const base: Record<string, unknown> = { id: unitId(r) };
    if (r.h3) {
      base.h3 = r.h3;
      base.partial = !!r.partial;
    }
    if (r.code) base.code = r.code;
    if (r.name) base.name = r.name;
    features.push({ type: 'Feature', geometry: geometry as Geometry, properties: { ...base, ...props(r) } });
  }
  return { type: 'FeatureCollection', features };
}

const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** Gi* rows: class always; count/value null when withheld; z only when the caller may see it. */
export function hotspotFeatures(rows: readonly HotspotRow[], areas: AreaGeometries): FeatureCollection {
  return collect(rows, areas, (r) => ({
    class: r.class,
    count: r.count,
    value: r.value,
    ...(finite(r.gi_z) ? { gi_z: r.gi_z } : {}),
    suppressed: !!r.suppressed,
  }));
}

/** Emerging rows: the pattern, and per period i `c{i}` (class) and `z{i}` (z, when given). */
export function emergingFeatures(rows: readonly EmergingRow[], areas: AreaGeometries): FeatureCollection {
  return collect(rows, areas, (r) => {
    const p: Record<string, unknown> = { pattern: r.pattern, final_class: r.final.class };
    r.class?.forEach((c, i) => (p[`c${i}`] = c));
    r.z?.forEach((z, i) => {
      if (finite(z)) p[`z${i}`] = z;
    });
    return p;
  });
}

export type ChangeClass = 'up_sig' | 'up' | 'none' | 'down' | 'down_sig' | 'withheld';

/** Direction and significance of one comparison (withheld when its counts are). */
export function changeClass(c: Comparison | null | undefined, withheld: boolean, alpha = 0.05): ChangeClass {
  if (withheld || !c) return 'withheld';
  if (c.direction === 'none') return 'none';
  const sig = c.p !== null && c.p < alpha;
  return c.direction === 'up' ? (sig ? 'up_sig' : 'up') : sig ? 'down_sig' : 'down';
}

export function changeFeatures(rows: readonly ChangeRow[], areas: AreaGeometries, alpha = 0.05): FeatureCollection {
  return collect(rows, areas, (r) => ({
    current: r.current,
    previous: r.previous,
    year_ago: r.year_ago,
    vs_prev: changeClass(r.vs_previous, r.current === null || r.previous === null, alpha),
    vs_year: changeClass(r.vs_year_ago, r.current === null || r.year_ago === null, alpha),
  }));
}

/** How many of the rows are partial cells (cut by the study area's boundary). */
export const partialCount = (rows: readonly UnitKey[]): number => rows.filter((r) => r.partial).length;

/** How many units fall in each class (or pattern). */
export function tally(values: readonly string[]): Record<string, number> {
  const t: Record<string, number> = {};
  for (const v of values) t[v] = (t[v] ?? 0) + 1;
  return t;
}

/** The playback's z scale: symmetric about 0 over the whole series (z_range), so colours keep their meaning. */
export function playbackScale(zRange: [number, number] | null): [number, number] | null {
  if (!zRange || !zRange.every(Number.isFinite)) return null;
  const m = Math.max(Math.abs(zRange[0]), Math.abs(zRange[1]));
  return m > 0 ? [-m, m] : null;
}

// ---------- words for legends and figures ----------

export function describeNeighbourhood(n: Neighbourhood): string {
  const self = n.self ? 'self included' : 'self excluded';
  if (n.type === 'k-ring') return `k-ring k = ${n.k}, ${n.weights} weights, ${self}`;
  return `${n.type}, ${n.weights} weights, ${self}`;
}

const CORRECTION_NAMES: Record<string, string> = {
  fdr: 'false discovery rate (Benjamini–Hochberg)',
  holm: 'Holm',
  none: 'none (unadjusted p)',
};
export const describeCorrection = (c: string) => CORRECTION_NAMES[c] ?? c;

export const describeScheme = (s: SchemeMeta) => `${s.label} (${s.name} ${s.version})`;

/** What a legend adds about a scheme: derived source, offence mix, categories without a weight. */
export function schemeDetails(s: SchemeMeta): string[] {
  const out: string[] = [];
  if (s.derived) out.push(`Derived table: ${s.derived}`);
  if (s.mix) out.push(`Offence mix: ${s.mix.name} (${s.mix.total.toLocaleString('en-GB')} offences, ${s.mix.source})`);
  const none = Object.keys(s.categories_without_weight ?? {});
  if (none.length) out.push(`No weight (composition unknown or not notifiable): ${none.join(', ')}`);
  return out;
}

/** The partnership's definition a result used (category=@serious-violence). */
export function describeCategorySet(c: CategorySetMeta): string[] {
  const out = [
    `Categories: ${c.label} (version ${c.version}${c.default ? ', built-in default' : ''}): ${c.categories.join(', ')}`,
  ];
  out.push(`Applied: ${c.applied}`);
  if (c.not_applied) out.push(`Not narrowed: ${c.not_applied}`);
  out.push(c.approximation);
  return out;
}

/** The method statement every hotspot legend and figure carries. */
export function methodStatement(meta: {
  method: string;
  neighbourhood?: Neighbourhood;
  correction?: string;
  scheme: SchemeMeta;
  category_set?: CategorySetMeta;
}): string[] {
  const lines = [`Method: ${meta.method}`];
  if (meta.neighbourhood) lines.push(`Neighbourhood: ${describeNeighbourhood(meta.neighbourhood)}`);
  if (meta.neighbourhood?.study_area) lines.push(`Study area: ${meta.neighbourhood.study_area}`);
  if (meta.correction) lines.push(`Correction: ${describeCorrection(meta.correction)}`);
  lines.push(`Harm scheme: ${describeScheme(meta.scheme)}`);
  lines.push(...schemeDetails(meta.scheme));
  if (meta.category_set) lines.push(...describeCategorySet(meta.category_set));
  return lines;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const day = (d: string) => `${Number(d.slice(8, 10))} ${MONTHS[Number(d.slice(5, 7)) - 1]} ${d.slice(0, 4)}`;
const dayBefore = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

/** "Mar 2018", "Q1 2018" or "5 Feb 2018 – 4 Mar 2018" for a period. */
export function periodLabel(p: Period, kind: string): string {
  const m = Number(p.start.slice(5, 7));
  if (kind === 'month') return `${MONTHS[m - 1]} ${p.start.slice(0, 4)}`;
  if (kind === 'quarter' && p.start.slice(8) === '01' && (m - 1) % 3 === 0) return `Q${(m + 2) / 3} ${p.start.slice(0, 4)}`;
  return `${day(p.start)} – ${day(dayBefore(p.end))}`;
}

export function formatZ(z: number | null | undefined): string {
  return finite(z) ? (z >= 0 ? `+${z.toFixed(2)}` : `−${Math.abs(z).toFixed(2)}`) : '—';
}

export function formatP(p: number | null | undefined): string {
  if (!finite(p)) return '—';
  if (p < 0.0001) return '< 0.0001';
  return p.toFixed(p < 0.01 ? 4 : 3);
}

/** Bounding box of a unit (to zoom to it from a list). */
export function unitBbox(u: UnitKey, areas: AreaGeometries): Bbox | null {
  const g = unitGeometry(u, areas);
  if (!g) return null;
  const rings = g.type === 'Polygon' ? g.coordinates : g.coordinates.flat();
  let b: Bbox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const ring of rings)
    for (const [x, y] of ring) b = [Math.min(b[0], x), Math.min(b[1], y), Math.max(b[2], x), Math.max(b[3], y)];
  return Number.isFinite(b[0]) ? b : null;
}

// ---------- time profile charts ----------

export interface Bar {
  x: number;
  y: number;
  width: number;
  height: number;
  month: string;
  count: number | null;
}

/** Bars of a monthly series in a width × height box (withheld months: no bar, flagged). */
export function monthlyBars(
  months: readonly { month: string; count: number | null }[],
  width: number,
  height: number,
): { bars: Bar[]; max: number | null } {
  const shown = months.map((m) => m.count).filter(finite);
  const max = shown.length ? Math.max(...shown) : null;
  const w = months.length ? width / months.length : 0;
  const bars = months.map((m, i) => {
    const h = max && finite(m.count) ? (m.count / max) * height : 0;
    return { x: i * w, y: height - h, width: Math.max(0.5, w - 1), height: h, month: m.month, count: m.count };
  });
  return { bars, max };
}

/** Hour-of-week matrix (7 × 24) -> cells with a 0..1 shade (withheld cells null). */
export function heatCells(
  matrix: readonly (readonly (number | null)[])[],
): { day: number; hour: number; count: number | null; shade: number | null }[] {
  const all = matrix.flat().filter(finite);
  const max = all.length ? Math.max(...all) : 0;
  return matrix.flatMap((row, d) =>
    row.map((count, h) => ({ day: d, hour: h, count, shade: finite(count) ? (max > 0 ? count / max : 0) : null })),
  );
}
