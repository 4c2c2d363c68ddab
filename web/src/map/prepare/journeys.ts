// School-journey data for the map and the panels, as pure functions (tested in Node): segment exposure
// as a FeatureCollection with one value per segment, exposure classes and their colours, guardian
// points, the corridor's width in pixels per zoom, site icons as pixels, and the words the legend and
// notices use. Nothing here touches MapLibre.
import { bbox } from '@turf/turf';
import type { Feature, FeatureCollection, LineString, Point } from 'geojson';
import type { ExpressionSpecification } from '@maplibre/maplibre-gl-style-spec';
import type {
  ExposureMeta,
  Position,
  Proposal,
  RankingResponse,
  RankKey as RankBy,
  SegmentRow,
  SegmentsResponse,
  SiteCollection,
  TermInput as Term,
} from '../../../../contract/journeys';
import { classBreaks, legendRows, type Classes, type LegendRow } from '../classify';
import { describeCategorySet, describeScheme, schemeDetails } from './hotspots';

// ---------- segments ----------

export interface SegmentProps {
  route_id: number;
  seq: number;
  /** The ranking measure of the segment; null when withheld (partners). */
  value: number | null;
  withheld: boolean;
}

/** The value a segment is coloured by: the ranking measure (count, harm or all incidents). */
export function segmentValue(s: Pick<SegmentRow, RankBy | 'suppressed'>, measure: RankBy): number | null {
  const v = s[measure];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Every fetched route's segments in one collection, with the measure as `value`. */
export function segmentCollection(
  responses: readonly Pick<SegmentsResponse, 'features'>[],
  measure: RankBy,
): FeatureCollection<LineString, SegmentProps> {
  const features: Feature<LineString, SegmentProps>[] = [];
  for (const r of responses) {
    for (const f of r.features) {
      const p = f.properties;
      const value = segmentValue(p, measure);
      features.push({
        type: 'Feature',
        id: p.route_id * 100000 + p.seq,
        geometry: f.geometry,
        properties: { route_id: p.route_id, seq: p.seq, value, withheld: value === null || !!p.suppressed },
      });
    }
  }
  return { type: 'FeatureCollection', features };
}

/** Colour-blind-safe sequential scale (ColorBrewer YlOrRd, its darker half: visible on a light map). */
export const EXPOSURE_COLOURS = ['#feb24c', '#fc4e2a', '#bd0026', '#67001f'] as const;
/** Segments where nothing counted (value 0). */
export const ZERO_COLOUR = '#7b8794';
/** Withheld segments (partners), drawn dashed. */
export const WITHHELD_COLOUR = '#b0b0b0';

/** Classes over the segments' positive values (0 has its own colour); null when no segment has any. */
export function exposureClasses(values: readonly (number | null)[], measure: RankBy): Classes | null {
  const positive = values.filter((v): v is number => typeof v === 'number' && v > 0);
  return classBreaks(positive, 'jenks', measure === 'harm' ? 'rate' : 'count', EXPOSURE_COLOURS.length);
}

export function exposureColours(classes: Classes | null): string[] {
  if (!classes) return [];
  const n = classes.thresholds.length + 1;
  // Spread the classes over the palette so two classes are never neighbours in colour by accident.
  if (n === 1) return [EXPOSURE_COLOURS[2]];
  if (n === 2) return [EXPOSURE_COLOURS[0], EXPOSURE_COLOURS[2]];
  if (n === 3) return [EXPOSURE_COLOURS[0], EXPOSURE_COLOURS[1], EXPOSURE_COLOURS[3]];
  return [...EXPOSURE_COLOURS];
}

export function exposureLegend(classes: Classes | null, colours: readonly string[]): LegendRow[] {
  const rows: LegendRow[] = [{ colour: ZERO_COLOUR, label: '0' }];
  return classes ? [...rows, ...legendRows(classes, colours)] : rows;
}

// ---------- corridor ----------

const EARTH_CIRCUMFERENCE_M = 40075016.686;

/** Metres per screen pixel at a zoom and latitude (MapLibre: 512-pixel world at zoom 0). */
export function metresPerPixel(zoom: number, lat: number): number {
  return (EARTH_CIRCUMFERENCE_M * Math.cos((lat * Math.PI) / 180)) / (512 * 2 ** zoom);
}

/**
 * The corridor (`corridorM` either side of the route) as a line width in pixels: exact at every zoom,
 * since the width doubles with each zoom level (exponential base 2 between two stops).
 */
export function corridorWidth(corridorM: number, lat: number): ExpressionSpecification {
  const px = (z: number) => Math.round(((2 * corridorM) / metresPerPixel(z, lat)) * 1000) / 1000;
  return ['interpolate', ['exponential', 2], ['zoom'], 8, px(8), 22, px(22)];
}

// ---------- guardian points ----------

export interface GuardianProps {
  rank: number;
  route_id: number;
  seq: number;
  label: string;
}

/** The worst segments' midpoints, numbered as in the side list. */
export function guardianPoints(
  worst: readonly Pick<SegmentRow, 'route_id' | 'seq' | 'guardian_point'>[],
): FeatureCollection<Point, GuardianProps> {
  return {
    type: 'FeatureCollection',
    features: worst.map((s, i) => ({
      type: 'Feature',
      id: i + 1,
      geometry: { type: 'Point', coordinates: s.guardian_point },
      properties: { rank: i + 1, route_id: s.route_id, seq: s.seq, label: String(i + 1) },
    })),
  };
}

/** "51.45012, -0.01234" for an officer's device or a radio call. */
export function formatPoint(p: Position): string {
  return `${p[1].toFixed(5)}, ${p[0].toFixed(5)}`;
}

// ---------- proposals ----------

export function proposalCollection(ps: readonly Proposal[]): FeatureCollection<LineString, { index: number; name: string }> {
  return {
    type: 'FeatureCollection',
    features: ps.map((p, i) => ({ type: 'Feature', id: i + 1, geometry: p.geometry, properties: { index: i, name: p.name } })),
  };
}

// ---------- sites ----------

/** The nearest site of a kind to a point (planar on lon/lat scaled by latitude; fine within a borough). */
export function nearestSite(sites: SiteCollection, p: Position, kind: 'school' | 'hub', maxM = 400): number | null {
  const k = Math.cos((p[1] * Math.PI) / 180);
  let best: number | null = null;
  let bestD = Infinity;
  for (const f of sites.features) {
    if (f.properties.kind !== kind) continue;
    const [x, y] = f.geometry.coordinates;
    const d = Math.hypot((x - p[0]) * k, y - p[1]) * 111320;
    if (d < bestD) {
      bestD = d;
      best = f.properties.id;
    }
  }
  return bestD <= maxM ? best : null;
}

/**
 * Schools whose names are always on the map: the selected route's school first, then the `n` worst-ranked
 * schools (the ranking's order) that have something counted by the measure (ties at 0 pin nothing).
 */
export function pinnedSchools(
  schools: readonly (Pick<RankingResponse['schools'][number], 'school_id'> & Partial<Record<RankBy, number | null>>)[],
  rankBy: RankBy | null,
  selectedSchoolId: number | null,
  n = 3,
): number[] {
  const ids = schools
    .filter((s) => rankBy !== null && (s[rankBy] ?? 0) > 0)
    .slice(0, n)
    .map((s) => s.school_id);
  return selectedSchoolId !== null && !ids.includes(selectedSchoolId) ? [selectedSchoolId, ...ids] : ids;
}

/** Bounding box of the routes, or else the sites. */
export function journeyBounds(...fcs: FeatureCollection[]): [number, number, number, number] | null {
  const fc = fcs.find((c) => c.features.length);
  return fc ? (bbox(fc) as [number, number, number, number]) : null;
}

export interface IconPixels {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

export const SCHOOL_ICON = 'sp-school';
export const HUB_ICON = 'sp-hub';
/** Schools: a blue triangle; hubs: a green square with a white bar (shape tells them apart, not colour alone). */
const ICON_STYLE = {
  [SCHOOL_ICON]: { fill: [33, 102, 172] },
  [HUB_ICON]: { fill: [27, 120, 55] },
} as const;

/**
 * A map icon drawn pixel by pixel (no canvas: testable in Node): a filled shape with a white outline,
 * anti-aliased by 4x4 supersampling. `pixelRatio` scales it for high-density screens.
 */
export function siteIcon(id: typeof SCHOOL_ICON | typeof HUB_ICON, pixelRatio = 2): IconPixels {
  const size = Math.round(18 * pixelRatio);
  const data = new Uint8ClampedArray(size * size * 4);
  const fill = ICON_STYLE[id].fill;
  // Signed distance (in icon units 0..1, negative inside) of the outer shape.
  const outer = (x: number, y: number) => {
    if (id === SCHOOL_ICON) {
      // Triangle, apex (0.5, 0.08), base y = 0.9 from x = 0.05 to 0.95: the larger of the base's and the sides' distances.
      const slope = 0.45 / 0.82;
      return Math.max(y - 0.9, (Math.abs(x - 0.5) - (y - 0.08) * slope) / Math.hypot(1, slope));
    }
    return Math.max(Math.abs(x - 0.5), Math.abs(y - 0.5)) - 0.4;
  };
  const border = 0.09;
  const S = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let a = 0;
      let r = 0;
      let g = 0;
      let b = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const x = (px + (sx + 0.5) / S) / size;
          const y = (py + (sy + 0.5) / S) / size;
          const d = outer(x, y);
          if (d > 0) continue;
          const bar = id === HUB_ICON && Math.abs(y - 0.5) < 0.07 && Math.abs(x - 0.5) < 0.24;
          const white = d > -border || bar;
          const c = white ? [255, 255, 255] : fill;
          r += c[0];
          g += c[1];
          b += c[2];
          a += 1;
        }
      }
      const i = (py * size + px) * 4;
      if (a) {
        data[i] = r / a;
        data[i + 1] = g / a;
        data[i + 2] = b / a;
        data[i + 3] = Math.round((a / (S * S)) * 255);
      }
    }
  }
  return { width: size, height: size, data };
}

// ---------- drawing ----------

/** A drawn line as the API takes it: 7 decimals, no repeated vertices; null when it is not a usable line. */
export function drawnLine(g: { type: string; coordinates: unknown } | null | undefined): LineString | null {
  if (!g || g.type !== 'LineString' || !Array.isArray(g.coordinates)) return null;
  const out: Position[] = [];
  for (const c of g.coordinates as number[][]) {
    if (!Array.isArray(c) || !Number.isFinite(c[0]) || !Number.isFinite(c[1])) return null;
    const p: Position = [Math.round(c[0] * 1e7) / 1e7, Math.round(c[1] * 1e7) / 1e7];
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  return out.length >= 2 ? { type: 'LineString', coordinates: out } : null;
}

// ---------- words ----------

export const MEASURE_LABELS: Record<RankBy, string> = {
  count: 'incidents in school-journey time',
  harm: 'harm-weighted incidents in school-journey time',
  all: 'all incidents, any time (incl. unknown time)',
};

const DAY_NAMES: Record<string, string> = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };

/** "Mon–Fri" for consecutive days, else a list. */
export function daysLabel(days: readonly string[]): string {
  const order = Object.keys(DAY_NAMES);
  const idx = days.map((d) => order.indexOf(d)).sort((a, b) => a - b);
  const consecutive = idx.length > 2 && idx.every((v, i) => i === 0 || v === idx[i - 1] + 1);
  if (consecutive) return `${DAY_NAMES[order[idx[0]]]}–${DAY_NAMES[order[idx[idx.length - 1]]]}`;
  return idx.map((i) => DAY_NAMES[order[i]]).join(', ');
}

/** The legend's description of what the colours measure. */
export function legendLines(meta: ExposureMeta, categoryLabel: (slug: string) => string): { label: string; value: string }[] {
  const harm = meta.rank_by === 'harm' ? ` (${meta.weights.label})` : '';
  return [
    { label: 'Measure', value: `${MEASURE_LABELS[meta.rank_by]}${harm}, per segment` },
    { label: 'Categories', value: meta.categories.map(categoryLabel).join(', ') },
    {
      label: 'Windows',
      value: `${meta.windows.replace(/,/g, ', ').replace(/-/g, '–')} · ${daysLabel(meta.days)}${meta.term_only ? ' · term time only' : ''}`,
    },
    { label: 'Ages', value: meta.age_max === null ? 'any age' : `${meta.age_max} and under (where the data has ages)` },
    { label: 'Corridor', value: `${meta.corridor_m} m either side of the route` },
    { label: 'Dates', value: `${meta.from} to ${meta.to} (end exclusive)` },
    // Harm: the scheme's edition, derived source, offence mix and categories of unknown composition (issue 18).
    ...(meta.rank_by === 'harm'
      ? [{ label: 'Harm scheme', value: [describeScheme(meta.weights), ...schemeDetails(meta.weights)].join('. ') }]
      : []),
    // The partnership's definition, when the categories are the category set.
    ...(meta.category_set ? [{ label: 'Definition', value: describeCategorySet(meta.category_set).join(' ') }] : []),
  ];
}

export interface UnknownTimeNotice {
  /** Incidents near the routes with no time of day; null when withheld (partners). */
  unknownTime: number | null;
  /** Nothing counted in the windows: every nearby incident lacks a time (police.uk) or is outside. */
  nothingCounted: boolean;
  /** Offer ranking by all incidents (not available to partners, and pointless when already chosen). */
  offerAll: boolean;
}

/** Whether to tell the user that incidents have no time of day (police.uk), and how many. */
export function unknownTimeNotice(r: Pick<RankingResponse, 'totals' | 'meta' | 'disclosure'>): UnknownTimeNotice | null {
  const ut = r.totals.unknown_time;
  const withheld = ut === null && !!r.disclosure;
  if (!withheld && !(typeof ut === 'number' && ut > 0)) return null;
  return { unknownTime: ut, nothingCounted: r.totals.count === 0, offerAll: !r.disclosure && r.meta.rank_by !== 'all' };
}

// ---------- term calendar ----------

/** Problems the server would refuse, found before saving: bad dates, end before start, overlaps. */
export function termProblems(terms: readonly Term[]): string[] {
  const out: string[] = [];
  const day = /^\d{4}-\d{2}-\d{2}$/;
  terms.forEach((t, i) => {
    const n = t.name || `term ${i + 1}`;
    if (!day.test(t.starts_on) || !day.test(t.ends_on)) out.push(`${n}: give both dates`);
    else if (t.ends_on < t.starts_on) out.push(`${n}: ends before it starts`);
  });
  const sorted = terms
    .filter((t) => day.test(t.starts_on) && day.test(t.ends_on))
    .sort((a, b) => a.starts_on.localeCompare(b.starts_on));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].starts_on <= sorted[i - 1].ends_on)
      out.push(`${sorted[i].name || sorted[i].starts_on} overlaps ${sorted[i - 1].name || sorted[i - 1].starts_on}`);
  }
  return out;
}

// ---------- filter pickers and plain-language notices (analyst branch) ----------

export interface TimeWindow {
  start: string;
  end: string;
}

/** "07:30-09:30,14:30-18:30" → [{start, end}, …]; parts that are not HH:MM-HH:MM are dropped. */
export function windowsToList(s: string): TimeWindow[] {
  return s
    .split(',')
    .map((p) => p.trim().match(/^(\d{2}:\d{2})-(\d{2}:\d{2})$/))
    .filter((m): m is RegExpMatchArray => m !== null)
    .map((m) => ({ start: m[1], end: m[2] }));
}

/** The list back to the URL/API form; windows with a missing time are left out. */
export function listToWindows(list: readonly TimeWindow[]): string {
  return list
    .filter((w) => /^\d{2}:\d{2}$/.test(w.start) && /^\d{2}:\d{2}$/.test(w.end))
    .map((w) => `${w.start}-${w.end}`)
    .join(',');
}

export const WEEKDAY_NAMES = [
  ['mon', 'Mon'],
  ['tue', 'Tue'],
  ['wed', 'Wed'],
  ['thu', 'Thu'],
  ['fri', 'Fri'],
  ['sat', 'Sat'],
  ['sun', 'Sun'],
] as const;
const DAY_KEYS = WEEKDAY_NAMES.map(([k]) => k as string);

/** "mon-fri", "sat,sun", "mon,wed-fri" → the set of weekday keys (unknown parts ignored). */
export function daysToSet(s: string): Set<string> {
  const out = new Set<string>();
  for (const part of s.split(',').map((p) => p.trim().toLowerCase())) {
    const [a, b] = part.split('-');
    const ia = DAY_KEYS.indexOf(a);
    const ib = b === undefined ? ia : DAY_KEYS.indexOf(b);
    if (ia < 0 || ib < 0) continue;
    for (let i = ia; i <= ib; i++) out.add(DAY_KEYS[i]);
  }
  return out;
}

/** The ticked days back to the URL/API form, in week order ("mon,tue,…"). */
export function setToDays(set: ReadonlySet<string>): string {
  return DAY_KEYS.filter((d) => set.has(d)).join(',');
}

/**
 * A server warning in the words of the page: parameter names and API paths become the controls a user
 * sees ("Term time only", "Term dates" on the right), unknown_time becomes "unknown time".
 */
export function plainWarning(w: string): string {
  return w
    .replace(/with term_only=true /g, 'with "Term time only" ticked, ')
    .replace(/or set term_only=false/g, 'or untick "Term time only"')
    .replace(/term_only=true/g, '"Term time only" ticked')
    .replace(/term_only=false/g, '"Term time only" unticked')
    .replace(/ ?\(PUT \/api\/journeys\/term-dates\)/g, ' (Term dates, on the right)')
    .replace(/\bunknown_time\b/g, '"unknown time"')
    .replace(/\bage_max\b/g, 'victim age')
    .replace(/\bcorridor_m\b/g, 'corridor width');
}

/**
 * With police.uk data only (every incident near the routes has a month, none a time), the school-journey
 * windows can count nothing: the page says so up front and ranks by all incidents instead of zeros.
 */
export function needsAllTimes(r: Pick<RankingResponse, 'totals' | 'meta' | 'disclosure'>): boolean {
  const ut = r.totals.unknown_time;
  return r.meta.rank_by !== 'all' && r.totals.count === 0 && typeof ut === 'number' && ut > 0;
}
