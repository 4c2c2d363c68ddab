// Planning data for the map and the panels (issue 6): API responses -> FeatureCollections and display
// values, kept apart from drawing. Pure, tested in Node (test/web-planning.test.ts).
import { bbox } from '@turf/turf';
import { cellToBoundary } from 'h3-js';
import type { Feature, FeatureCollection, MultiPolygon, Point, Polygon, Position } from 'geojson';
import type {
  ChbAreaDetail,
  ChbEvaluation,
  ChbPhase,
  ChbRegion,
  Figure,
  HistoryEntry,
  Hotspot,
  InterventionCollection,
  InterventionStatus,
  InterventionType,
  OutreachSite,
  PatrolPlan,
  Share,
  SiteGeometry,
  Venue,
} from '../../../../contract/planning';
import type { Bbox } from '../../api/client';
import { WITHHELD } from '../../lib/format';

// ---------- intervention types: colours ----------

/**
 * Okabe & Ito's colour-blind-safe palette (Color Universal Design, 2008), most distinct first. Types past
 * the eighth reuse colours; the legend and the register list name the type beside every swatch.
 */
export const TYPE_PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#D55E00', '#56B4E9', '#F0E442', '#000000'] as const;

export interface TypeStyle {
  slug: string;
  label: string;
  colour: string;
}

/** A colour per type, in the order the API lists them (built-in first), so colours stay put as types are added. */
export function typeStyles(types: readonly InterventionType[]): TypeStyle[] {
  return types.map((t, i) => ({ slug: t.slug, label: t.label, colour: TYPE_PALETTE[i % TYPE_PALETTE.length] }));
}

// ---------- register ----------

/** Where an intervention stands on a date (YYYY-MM-DD): not started, running, or ended (ends_on inclusive). */
export function interventionStatus(p: { starts_on: string; ends_on: string | null }, today: string): InterventionStatus {
  if (p.starts_on > today) return 'planned';
  if (p.ends_on !== null && p.ends_on < today) return 'ended';
  return 'active';
}

/** The register for the map: each feature keeps its numeric id (for feature state) and gains `status`. */
export function interventionFeatures(fc: InterventionCollection, today: string): FeatureCollection<SiteGeometry> {
  return {
    type: 'FeatureCollection',
    features: fc.features.map((f) => ({
      type: 'Feature',
      id: f.properties.id,
      geometry: f.geometry,
      properties: {
        id: f.properties.id,
        type: f.properties.type,
        name: f.properties.name,
        status: interventionStatus(f.properties, today),
      },
    })),
  };
}

/** Today as YYYY-MM-DD in the browser's calendar. */
export function isoToday(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

const round7 = (x: number) => Math.round(x * 1e7) / 1e7;

/** A drawn or clicked shape as the API takes it: Point, or Polygon with closed rings, coordinates to 1e-7°. */
export function siteGeometry(g: Point | Polygon): SiteGeometry {
  if (g.type === 'Point') return { type: 'Point', coordinates: [round7(g.coordinates[0]), round7(g.coordinates[1])] };
  return { type: 'Polygon', coordinates: g.coordinates.map(closeRing) };
}

function closeRing(r: Position[]): Position[] {
  const ring = r.map((p) => [round7(p[0]), round7(p[1])]);
  const [a, b] = [ring[0], ring[ring.length - 1]];
  if (ring.length && (a[0] !== b[0] || a[1] !== b[1])) ring.push([a[0], a[1]]);
  return ring;
}

export const geometryBbox = (g: Point | Polygon | MultiPolygon): Bbox => bbox(g) as Bbox;

export function featuresBbox(fc: FeatureCollection): Bbox | null {
  return fc.features.some((f) => f.geometry) ? (bbox(fc) as Bbox) : null;
}

/** A short description of a site geometry for lists. */
export function describeGeometry(g: SiteGeometry): string {
  if (g.type === 'Point') return `point ${g.coordinates[1].toFixed(5)}, ${g.coordinates[0].toFixed(5)}`;
  return `polygon, ${g.coordinates[0].length - 1} corners`;
}

// ---------- history ----------

export interface HistoryChange {
  field: string;
  from: string;
  to: string;
}

const HISTORY_FIELDS = ['type', 'name', 'starts_on', 'ends_on', 'owner', 'partner', 'notes', 'geometry'] as const;

function shown(field: string, v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (field === 'geometry') return describeGeometry(v as SiteGeometry);
  return String(v);
}

/** What each version changed against the one before it (a create/import lists the values it set). */
export function historyChanges(history: readonly HistoryEntry[]): Array<HistoryEntry & { changes: HistoryChange[] }> {
  return history.map((h, i) => {
    const prev = i > 0 ? history[i - 1].snapshot : null;
    const changes: HistoryChange[] = [];
    for (const f of HISTORY_FIELDS) {
      const now = h.snapshot[f];
      const before = prev ? prev[f] : undefined;
      if (prev === null ? now !== null && now !== undefined && now !== '' : JSON.stringify(now) !== JSON.stringify(before)) {
        changes.push({
          field: f === 'starts_on' ? 'starts' : f === 'ends_on' ? 'ends' : f,
          from: prev === null ? '' : shown(f, before),
          to: shown(f, now),
        });
      }
    }
    if (h.action === 'delete') changes.push({ field: 'deleted', from: '', to: 'yes' });
    return { ...h, changes };
  });
}

// ---------- imports ----------

/** CSV or GeoJSON, from the file name first, else from the text. */
export function importFormat(fileName: string, text: string): 'csv' | 'geojson' {
  if (/\.(geo)?json$/i.test(fileName)) return 'geojson';
  if (/\.csv$/i.test(fileName)) return 'csv';
  return text.trimStart().startsWith('{') ? 'geojson' : 'csv';
}

/** Splits CSV text into rows of fields (RFC 4180 quotes, CRLF or LF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((x) => x.trim() !== ''));
}

export interface VenueParse {
  venues: Venue[];
  problems: string[];
}

/**
 * Candidate venues for outreach from CSV: a name column (name, venue or site) and lon/lat (or longitude/
 * latitude) in WGS84. Rows that cannot be used are listed with their line number and left out.
 */
export function parseVenuesCsv(text: string): VenueParse {
  const rows = parseCsv(text);
  if (rows.length === 0) return { venues: [], problems: ['The file is empty.'] };
  const head = rows[0].map((h) => h.trim().toLowerCase());
  const col = (...names: string[]) => head.findIndex((h) => names.includes(h));
  const [iName, iLon, iLat] = [col('name', 'venue', 'site'), col('lon', 'lng', 'longitude'), col('lat', 'latitude')];
  if (iLon < 0 || iLat < 0)
    return { venues: [], problems: ['The CSV needs lon and lat (or longitude and latitude) columns in WGS84 degrees.'] };
  const venues: Venue[] = [];
  const problems: string[] = [];
  rows.slice(1).forEach((r, i) => {
    const line = i + 2;
    const lon = Number(r[iLon]);
    const lat = Number(r[iLat]);
    const name = (iName >= 0 ? r[iName]?.trim() : '') || `venue ${line - 1}`;
    if (r[iLon]?.trim() === '' || r[iLat]?.trim() === '' || !Number.isFinite(lon) || !Number.isFinite(lat))
      problems.push(`line ${line}: lon/lat are not numbers`);
    else if (lon < -9 || lon > 2.5 || lat < 49 || lat > 61.5)
      problems.push(`line ${line}: ${lat}, ${lon} is not in Great Britain`);
    else venues.push({ name: name.slice(0, 200), lon, lat });
  });
  return { venues, problems };
}

// ---------- coverage ----------

const pct = new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 1 });
const num1 = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });

/** A share for display: the percentage, "withheld" for partners, or why it is undefined (never a made-up 0). */
export function shareDisplay(s: Share): { text: string; value: number | null; withheld: boolean; reason: string | null } {
  if (s.suppressed || s.covered_suppressed || (s.share === null && !s.share_undefined))
    return { text: WITHHELD, value: null, withheld: true, reason: null };
  if (s.share === null) return { text: 'undefined', value: null, withheld: false, reason: s.share_undefined ?? null };
  return { text: pct.format(s.share), value: s.share, withheld: false, reason: null };
}

/** A harm or count that partners may have withheld. */
export function amountDisplay(v: number | null | undefined, withheld?: boolean): string {
  if (withheld || v === null || v === undefined) return WITHHELD;
  return num1.format(v);
}

/** Uncovered hotspot cells as hexagons, ranked by harm (1 = most). */
export function hotspotFeatures(hotspots: readonly Hotspot[]): FeatureCollection<Polygon> {
  return {
    type: 'FeatureCollection',
    features: hotspots.map((h, i) => ({
      type: 'Feature',
      id: i + 1,
      geometry: { type: 'Polygon', coordinates: [cellToBoundary(h.h3, true)] },
      properties: { h3: h.h3, rank: i + 1, harm: h.harm, covered: h.covered },
    })),
  };
}

// ---------- patrol and outreach ----------

export function patrolFeatures(plan: PatrolPlan): FeatureCollection<Polygon> {
  return {
    type: 'FeatureCollection',
    features: plan.boxes.map((b) => ({
      type: 'Feature',
      id: b.rank,
      geometry: b.polygon,
      properties: { id: b.id, rank: b.rank, label: String(b.rank), harm: b.harm },
    })),
  };
}

export function outreachFeatures(sites: readonly OutreachSite[]): FeatureCollection<Point> {
  return {
    type: 'FeatureCollection',
    features: sites.map((s) => ({
      type: 'Feature',
      id: s.order,
      geometry: { type: 'Point', coordinates: [s.lon, s.lat] },
      properties: { order: s.order, label: String(s.order), name: s.name, gain: s.gain },
    })),
  };
}

/** Peak days/hours of a patrol box in words, or the month-precision note. */
export function peaksText(p: PatrolPlan['boxes'][number]['peaks']): string {
  const parts: string[] = [];
  if (p.days) parts.push(`days: ${p.days.map((d) => `${d.day} (${d.count})`).join(', ')}`);
  if (p.hours) parts.push(`hours: ${p.hours.map((h) => `${String(h.hour).padStart(2, '0')}:00 (${h.count})`).join(', ')}`);
  return parts.length ? parts.join('; ') : `busiest months: ${p.months.map((m) => m.month).join(', ') || '—'}`;
}

// ---------- Clear-Hold-Build ----------

export const REGION_LABELS: Record<ChbRegion, string> = { area: 'Area', buffer: 'Buffer', control: 'Control' };
export const PHASE_LABELS: Record<ChbPhase, string> = { clear: 'Clear', hold: 'Hold', build: 'Build' };

export type WardPick = 'area' | 'control';

/** What a click on a ward does when building a CHB area: none → area → control → none. */
export function cycleWardPick(cur: WardPick | undefined): WardPick | undefined {
  return cur === undefined ? 'area' : cur === 'area' ? 'control' : undefined;
}

/** A CHB area's three regions for the map. */
export function chbFeatures(d: Pick<ChbAreaDetail, 'area' | 'buffer' | 'control'>): FeatureCollection<Polygon | MultiPolygon> {
  const f = (region: ChbRegion, g: Polygon | MultiPolygon): Feature<Polygon | MultiPolygon> => ({
    type: 'Feature',
    geometry: g,
    properties: { region },
  });
  return { type: 'FeatureCollection', features: [f('buffer', d.buffer), f('control', d.control), f('area', d.area)] };
}

/**
 * A ratio or estimate for display: the number, or — when the API left it undefined — the word "undefined"
 * and the reason; when withheld (partners) the word "withheld". Never a number standing in for either.
 */
export function figureDisplay(
  f: Figure | null | undefined,
  digits = 2,
): { text: string; reason: string | null; defined: boolean } {
  if (!f) return { text: WITHHELD, reason: null, defined: false };
  if (f.value === null) return { text: 'undefined', reason: f.reason, defined: false };
  return { text: f.value.toFixed(digits), reason: null, defined: true };
}

export interface ChartBar {
  region: ChbRegion;
  kind: 'baseline' | 'phase';
  value: number | null;
  withheld: boolean;
  /** The window has no (complete) data (issue 11): not a zero, not withheld. */
  noData: boolean;
}

export interface ChartGroup {
  phase: ChbPhase;
  bars: ChartBar[];
}

/** Baseline and phase counts (or harm) per region, per phase, for the dashboard chart. */
export function chbChart(ev: ChbEvaluation, measure: 'count' | 'harm' = 'count'): { groups: ChartGroup[]; max: number } {
  let max = 0;
  const groups = ev.phases.map((ph) => ({
    phase: ph.phase,
    bars: ph.regions.flatMap((r) =>
      (['baseline', 'phase'] as const).map((kind) => {
        const value = r[`${kind}_${measure}`];
        if (value !== null) max = Math.max(max, value);
        const suppressed = !!r[`${kind}_suppressed`];
        const noData = value === null && !suppressed && !!ph.coverage && ph.coverage[kind].status !== 'full';
        return { region: r.region, kind, value, withheld: suppressed || (value === null && !noData), noData };
      }),
    ),
  }));
  return { groups, max };
}

/** A "nice" axis maximum (1, 2, 2.5, 5 × 10^k) at or above `v`. */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}
