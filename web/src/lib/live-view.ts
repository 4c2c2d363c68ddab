// Pure helpers for live updates, meetings, presentation mode and the tasking pack: the map view as a
// meeting view and back, the comparison period, the "since the last meeting" point, toast text and
// the presentation palette. Node-tested (test/web-live.test.ts).
import { MeetingPolygon, type LiveChange, type MeetingView, type Pack } from '../../../contract/live';
import { DEFAULT_HOTSPOT_VIEW, parseHotspotView, writeHotspotView, type HotspotView } from '../pages/map/hotspots/hotspot-url';
import { LAYER_KEYS, type LayerKey, type ViewState } from '../state/url-state';
import { HEX_RESOLUTIONS, type HexRes } from '../map/prepare/hexes';
import { isMonth, monthLabel, monthsBetween } from './months';
import { formatCount } from './format';

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

/** A time window in whole months (`to` exclusive), as the URL and a meeting view carry it. */
export interface MonthWindow {
  from: string;
  to: string;
}

/**
 * What a follower's map needs to show what the presenter's shows (null until the map has a camera):
 * position, layers, filters, window, the hotspot statistic with its parameters, step and side list, the
 * selected unit and the drawn area (`drawn`, dropped when larger than the contract allows).
 * `shown` is the window the presenter's map actually shows when the URL leaves it to a default (the
 * map page's default months, the presentation's comparison period): followers get that window, not
 * their own default, which may differ.
 */
export function viewToMeeting(
  v: ViewState,
  shown: MonthWindow | null = null,
  drawn: { type: 'Polygon'; coordinates: number[][][] } | null = null,
): MeetingView | null {
  if (!v.camera) return null;
  const h = v.hotspot;
  const area = drawn ? MeetingPolygon.safeParse(drawn) : null;
  return {
    center: [round(v.camera.lng, 6), round(v.camera.lat, 6)],
    zoom: round(v.camera.zoom, 3),
    bearing: 0,
    pitch: 0,
    layers: [...v.layers],
    filters: {
      level: v.level,
      categories: [...v.categories],
      metric: v.metric,
      classes: v.classMethod,
      hex: v.hexRes === 'auto' ? 'auto' : v.hexRes,
    },
    window:
      shown && isMonth(shown.from) && isMonth(shown.to) && shown.from < shown.to
        ? { from: shown.from, to: shown.to }
        : { from: v.from, to: v.to },
    hotspot: {
      mode: h.mode,
      unit: h.unit,
      weights: h.weights,
      k: h.k,
      correction: h.correction,
      period: h.period,
      step: h.step,
      vs: h.vs,
      top: h.top,
      list: h.list,
    },
    selected: v.selected ? { ...v.selected } : null,
    // What the server would refuse (over MEETING_POLYGON_VERTICES, a ring not closed) is not sent.
    drawn: area?.success ? area.data : null,
  };
}

/**
 * The presenter's hotspot statistic as the follower's view holds it. A view from before issue 14 (no
 * `hotspot`) means the count maps; a mode this page does not know (a newer presenter) falls back to them.
 */
export function meetingHotspot(m: MeetingView['hotspot']): HotspotView {
  if (!m) return DEFAULT_HOTSPOT_VIEW;
  const q = new URLSearchParams();
  // Through the URL parser: one set of rules for what a hotspot view may hold.
  writeHotspotView(q, {
    mode: m.mode as HotspotView['mode'],
    unit: m.unit,
    weights: m.weights,
    k: m.k as HotspotView['k'],
    correction: m.correction,
    period: m.period,
    step: m.step,
    vs: m.vs,
    top: m.top,
    list: m.list,
  });
  return parseHotspotView(q);
}

/** The drawn area a follower shows (null: none, or not a valid polygon). */
export function meetingDrawn(m: MeetingView): MeetingPolygon | null {
  const r = MeetingPolygon.safeParse(m.drawn ?? null);
  return r.success ? r.data : null;
}

/** A period of days [from, to) as whole months when it is one ('2025-01-01'..'2025-03-01' -> 2025-01..2025-03), else null. */
export function periodMonths(p: { from: string; to: string } | null | undefined): MonthWindow | null {
  if (!p) return null;
  const m = /^(\d{4}-\d{2})-01$/;
  const a = m.exec(p.from);
  const b = m.exec(p.to);
  return a && b && a[1] < b[1] ? { from: a[1], to: b[1] } : null;
}

const str = (x: unknown) => (typeof x === 'string' ? x : null);

/**
 * The follower's view with the presenter's position, layers, filters, window, hotspot statistic (mode,
 * parameters, playback step, side list) and selected unit (page unchanged).
 */
export function meetingToView(m: MeetingView, current: ViewState): ViewState {
  const f = m.filters ?? {};
  const layers = LAYER_KEYS.filter((k) => m.layers.includes(k)) as LayerKey[];
  const hex = Number(f.hex);
  const level = str(f.level);
  const win = m.window ?? { from: null, to: null };
  return {
    ...current,
    camera: { zoom: m.zoom, lat: m.center[1], lng: m.center[0] },
    layers,
    level: level && /^[a-z0-9][a-z0-9_-]*$/i.test(level) ? level : current.level,
    categories: Array.isArray(f.categories) ? f.categories.filter((c) => typeof c === 'string') : [],
    metric: f.metric === 'rate' ? 'rate' : 'count',
    classMethod: f.classes === 'quantile' ? 'quantile' : 'jenks',
    hexRes: (HEX_RESOLUTIONS as readonly number[]).includes(hex) ? (hex as HexRes) : 'auto',
    from: isMonth(win.from) ? win.from : null,
    to: isMonth(win.to) ? win.to : null,
    hotspot: meetingHotspot(m.hotspot),
    selected: m.selected ?? null,
  };
}

/** The same URL (query kept) on another path: `/present` for the map view `/?at=…`. */
export function withPath(url: string, path: string): string {
  const i = url.indexOf('?');
  return i < 0 ? path : path + url.slice(i);
}

/**
 * The comparison length: 28 days, unless most incidents in the period are known only to the month
 * (police.uk), where a 28-day window would cut months arbitrarily: then one month.
 */
export function chooseCompare(precision: ReadonlyArray<{ precision: string; count: number | null }>): '28d' | '1m' {
  const total = precision.reduce((s, r) => s + (r.count ?? 0), 0);
  const month = precision.find((r) => r.precision === 'month');
  if (!month) return '28d';
  // Partners may get the month count withheld: month precision is all there is when it is the only row.
  if (month.count === null) return precision.length === 1 ? '1m' : '28d';
  return total > 0 && month.count * 2 >= total ? '1m' : '28d';
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The last day before an exclusive YYYY-MM-DD end. */
function dayBefore(d: string): string {
  const t = new Date(`${d}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() - 1);
  return t.toISOString().slice(0, 10);
}
function dayLabel(d: string): string {
  const m = DAY.exec(d);
  return m ? `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}` : d;
}

/** "Jun 2018" / "1 Jun 2018 – 28 Jun 2018" for a period [from, to) in days or months. */
export function periodLabel(from: string, to: string): string {
  if (DAY.test(from) && DAY.test(to) && from.endsWith('-01') && to.endsWith('-01')) {
    const last = dayBefore(to).slice(0, 7);
    const first = from.slice(0, 7);
    return first === last ? monthLabel(first) : `${monthLabel(first)} – ${monthLabel(last)}`;
  }
  if (DAY.test(from) && DAY.test(to)) return `${dayLabel(from)} – ${dayLabel(dayBefore(to))}`;
  return `${from} – ${to}`;
}

/** How the headline describes the comparison, saying when month-precision data forced whole months. */
export function comparisonText(p: Omit<Pack['period'], 'basis'>, monthPrecision: boolean): string {
  // A period asked as months (the presentation's default, the map's): "the previous 12 months".
  const months = !p.compare ? periodMonths(p) : null;
  const n = months ? monthsBetween(months.from, months.to) : 0;
  const what =
    p.compare === '1m' || n === 1
      ? 'one month'
      : p.compare === '28d'
        ? '28 days'
        : p.compare
          ? p.compare
          : n > 1
            ? `${n} months`
            : 'the same length';
  const note =
    (p.compare === '1m' || n > 0) && monthPrecision ? ' (police.uk data give only the month, so periods are whole months)' : '';
  return `${periodLabel(p.from, p.to)} compared with the previous ${what}, ${periodLabel(p.previous_from, p.previous_to)}${note}`;
}

/** The toast after a change on the feed. Partners may get the count withheld. */
export function newIncidentsText(c: LiveChange): string {
  const months = c.months
    ? c.months[0] === c.months[1]
      ? monthLabel(c.months[0])
      : `${monthLabel(c.months[0])} – ${monthLabel(c.months[1])}`
    : null;
  const n = c.count === null ? 'New incidents' : `${formatCount(c.count)} new incident${c.count === 1 ? '' : 's'}`;
  return `${n} (batch ${c.batch_id}${months ? `, ${months}` : ''})`;
}

// ---------- meetings held in this browser ----------

export interface HeldMeeting {
  code: string;
  /** Change-feed position when the meeting's view was last saved. */
  seq: number;
  at: string;
}

/** Keeps one entry per meeting code (the latest), newest first, at most 20. */
export function recordMeeting(list: readonly HeldMeeting[], m: HeldMeeting): HeldMeeting[] {
  return [m, ...list.filter((x) => x.code !== m.code)].slice(0, 20);
}

/** The last meeting before this one: the newest entry of another meeting. */
export function previousMeeting(list: readonly HeldMeeting[], currentCode: string | null): HeldMeeting | null {
  return list.find((m) => m.code !== currentCode) ?? null;
}

/** A meeting's time as the headline says it: "14 Nov, 10:02" (local time; the year when not this year). */
export function meetingTimeLabel(at: string, now: Date = new Date()): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return at;
  const hm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  const year = d.getFullYear() === now.getFullYear() ? '' : ` ${d.getFullYear()}`;
  return `${d.getDate()} ${MONTHS[d.getMonth()]}${year}, ${hm}`;
}

/** The last ended meeting as GET /api/meetings?ended=true gives it (the fields "since" needs). */
export interface EndedMeeting {
  code: string;
  created_at: string;
  end_seq: number | null;
}

export interface SinceMeeting {
  /** The change seq to count from. */
  seq: number;
  /** "the meeting of 14 Nov, 10:02". */
  label: string;
  from: 'server' | 'browser';
}

/**
 * Where "since the last meeting" counts from: the last meeting ended on the server (its end seq), else
 * the last one recorded in this browser, else nothing (the page asks for a date).
 */
export function sinceLastMeeting(
  server: EndedMeeting | null,
  browser: HeldMeeting | null,
  now: Date = new Date(),
): SinceMeeting | null {
  if (server && server.end_seq !== null && Number.isFinite(server.end_seq)) {
    return { seq: server.end_seq, label: `the meeting of ${meetingTimeLabel(server.created_at, now)}`, from: 'server' };
  }
  if (browser)
    return {
      seq: browser.seq,
      label: `the meeting of ${meetingTimeLabel(browser.at, now)} (${browser.code}, recorded in this browser)`,
      from: 'browser',
    };
  return null;
}

/** `since` for GET /api/pack from a date input (local midnight) or a change seq. */
export function sinceParam(s: string | null): string | undefined {
  if (!s) return undefined;
  if (/^\d{1,15}$/.test(s)) return s;
  if (DAY.test(s)) return new Date(`${s}T00:00:00`).toISOString().replace('.000Z', 'Z');
  return undefined;
}

// ---------- presentation palette ----------

/**
 * Viridis, light to dark: perceptually ordered, readable in greyscale and by the common colour-vision
 * deficiencies, with strong contrast between neighbouring classes on a projector.
 */
const VIRIDIS = ['#fde725', '#90d743', '#35b779', '#21918c', '#31688e', '#443983', '#440154'];
/** `n` colours spread evenly over a palette (light to dark). */
function spread(palette: readonly string[], n: number): string[] {
  if (n <= 0) return [];
  if (n === 1) return [palette[3]];
  return Array.from({ length: n }, (_, i) => palette[Math.round((i * (palette.length - 1)) / (n - 1))]);
}
export const presentColours = (n: number) => spread(VIRIDIS, n);

/** Ward fills under the hexagons: greys, so the two layers never share a colour. */
const GREYS = ['#f7f7f7', '#d9d9d9', '#bdbdbd', '#969696', '#737373', '#525252', '#252525'];
export const presentAreaColours = (n: number) => spread(GREYS, n);

/** A change as the headline shows it: "+12 (+8%)", or "withheld". */
export function changeText(change: number | null, pct: number | null, withheld: boolean): string {
  if (withheld) return 'withheld';
  if (change === null) return '—';
  const d = change > 0 ? `+${formatCount(change)}` : formatCount(change);
  return pct === null ? d : `${d} (${pct > 0 ? '+' : ''}${Math.round(pct)}%)`;
}

/** Arrow for a change, so direction does not depend on colour alone. */
export function changeArrow(change: number | null): string {
  if (change === null || change === 0) return '';
  return change > 0 ? '▲' : '▼';
}
