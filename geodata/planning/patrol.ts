// Patrol boxes over hotspots, their peak times, and a dosage plan after the Koper curve.
//
// Boxes are squares on the British National Grid (default 150 m a side), not H3 cells: a square centred on
// the densest spot is what a briefing can describe and a GPS can draw. Procedure (proposeBoxes):
//  1. candidate centres = the distinct incident locations inside significant hot cells (Gi* hot_95/hot_99);
//  2. a candidate's harm = the harm of every incident (hot cell or not) inside the square centred on it;
//  3. candidates in descending harm (ties: more incidents, then west-to-east, south-to-north), each taken
//     when its centre is at least `minSeparation` metres (straight line) from every box already taken,
//     until N boxes are taken or the candidates run out.
//
// Dosage (koperPlan): Koper (1995, "Just enough police presence: reducing crime and disorderly behavior by
// optimizing patrol time in crime hot spots", Justice Quarterly 12(4) 649–672) found that the disorder-free
// time after police left a hot spot grew with the length of the stop up to about 14–15 minutes and fell away
// beyond it. The rule here: stop about 15 minutes in each box, leave, and come back after an irregular gap
// (drawn uniformly between minGap and maxGap minutes, default 60–120, from a seeded generator so a plan can
// be reproduced) so that visits cannot be predicted; repeat through the patrol window.
import { Rng } from '../stats/prng.js';
import type { XY } from './geometry.js';
import type { Peaks } from '../../contract/planning.js';

export interface PatrolPoint {
  xy: XY;
  harm: number;
  count: number;
  /** May centre a box (inside a significant hot cell). */
  candidate: boolean;
}

export interface Box {
  rank: number;
  centre: XY;
  harm: number;
  count: number;
  /** Indices of the points inside the box. */
  members: number[];
}

export interface BoxOptions {
  n: number;
  size?: number;
  minSeparation?: number;
}

export function proposeBoxes(points: ReadonlyArray<PatrolPoint>, opts: BoxOptions): Box[] {
  const size = opts.size ?? 150;
  const sep = opts.minSeparation ?? 500;
  if (!Number.isInteger(opts.n) || opts.n < 1) throw new Error('n must be a positive integer');
  if (!(size > 0) || !(sep >= 0)) throw new Error('size must be > 0 and minSeparation >= 0');
  const half = size / 2;
  // Spatial hash of points on a grid of `size` metres.
  const key = (gx: number, gy: number) => `${gx},${gy}`;
  const grid = new Map<string, number[]>();
  points.forEach((p, i) => {
    const k = key(Math.floor(p.xy[0] / size), Math.floor(p.xy[1] / size));
    let l = grid.get(k);
    if (!l) grid.set(k, (l = []));
    l.push(i);
  });
  const seen = new Set<string>();
  const cands: Array<Omit<Box, 'rank'>> = [];
  for (const p of points) {
    if (!p.candidate) continue;
    const ck = `${p.xy[0]},${p.xy[1]}`;
    if (seen.has(ck)) continue;
    seen.add(ck);
    const [cx, cy] = p.xy;
    const members: number[] = [];
    let harm = 0;
    let count = 0;
    const gx = Math.floor(cx / size);
    const gy = Math.floor(cy / size);
    for (let dx = -1; dx <= 1; dx++)
      for (let dy = -1; dy <= 1; dy++)
        for (const i of grid.get(key(gx + dx, gy + dy)) ?? []) {
          const q = points[i];
          if (Math.abs(q.xy[0] - cx) <= half && Math.abs(q.xy[1] - cy) <= half) {
            members.push(i);
            harm += q.harm;
            count += q.count;
          }
        }
    cands.push({ centre: [cx, cy], harm, count, members: members.sort((a, b) => a - b) });
  }
  cands.sort((a, b) => b.harm - a.harm || b.count - a.count || a.centre[0] - b.centre[0] || a.centre[1] - b.centre[1]);
  const out: Box[] = [];
  for (const c of cands) {
    if (out.length >= opts.n) break;
    if (!(c.harm > 0)) break;
    if (out.some((b) => Math.hypot(b.centre[0] - c.centre[0], b.centre[1] - c.centre[1]) < sep)) continue;
    out.push({ rank: out.length + 1, ...c });
  }
  return out;
}

/** The square's corners (closed ring, anticlockwise from south-west) on the grid. */
export function boxRing(centre: XY, size = 150): XY[] {
  const h = size / 2;
  const [x, y] = centre;
  return [
    [x - h, y - h],
    [x + h, y - h],
    [x + h, y + h],
    [x - h, y + h],
    [x - h, y - h],
  ];
}

// ---------- peak times ----------

export interface TimedCount {
  precision: 'month' | 'day' | 'minute';
  /** ISO day of week 1 (Monday) .. 7; null at month precision. */
  dow: number | null;
  /** Hour 0..23; null unless minute precision. */
  hour: number | null;
  month: string;
  count: number;
}

export const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** A box's peak days, hours and months (the shape is the API's, contract/planning.ts). */
export type { Peaks };

const top = <T extends { count: number }>(xs: T[], n: number) =>
  xs
    .filter((x) => x.count > 0)
    .sort((a, b) => b.count - a.count)
    .slice(0, n);

/**
 * Peak days and hours of a box. Day peaks use incidents known to the day or minute, hour peaks those known to
 * the minute; incidents known only to the month (all police.uk data) give no day or hour, and the note says so.
 * A peak is shown only when at least `minKnown` incidents carry the precision it needs.
 */
export function peakTimes(rows: ReadonlyArray<TimedCount>, minKnown = 5): Peaks {
  const byP = { month: 0, day: 0, minute: 0 };
  const dow = new Array(8).fill(0);
  const hour = new Array(24).fill(0);
  const months = new Map<string, number>();
  for (const r of rows) {
    byP[r.precision] += r.count;
    months.set(r.month, (months.get(r.month) ?? 0) + r.count);
    if (r.precision !== 'month' && r.dow) dow[r.dow] += r.count;
    if (r.precision === 'minute' && r.hour !== null) hour[r.hour] += r.count;
  }
  const dayKnown = byP.day + byP.minute;
  const total = dayKnown + byP.month;
  const days = dayKnown >= minKnown ? top(dow.map((count, d) => ({ dow: d, day: DAY_NAMES[d - 1], count })).slice(1), 3) : null;
  const hours =
    byP.minute >= minKnown
      ? top(
          hour.map((count, h) => ({ hour: h, count })),
          3,
        )
      : null;
  const precision = hours ? 'minute' : days ? 'day' : 'month';
  const note =
    precision === 'month'
      ? `${byP.month} of ${total} incidents are recorded to the month only (police.uk publishes month and snapped location), so peak days and hours cannot be estimated here: use local knowledge or force data with times.`
      : precision === 'day'
        ? `Peak days from ${dayKnown} of ${total} incidents known to the day; hours unknown (fewer than ${minKnown} known to the minute).`
        : `Peak days from ${dayKnown} and peak hours from ${byP.minute} of ${total} incidents; the rest are known only to the month.`;
  return {
    precision,
    by_precision: byP,
    days,
    hours,
    months: top(
      [...months].map(([month, count]) => ({ month, count })),
      3,
    ),
    note,
  };
}

// ---------- dosage plan ----------

export interface DosageOptions {
  /** Patrol window start, minutes after midnight. */
  windowStart: number;
  /** Window length in minutes. */
  windowMinutes: number;
  visitMinutes?: number;
  minGap?: number;
  maxGap?: number;
  seed?: number;
}

export interface Visit {
  /** Minutes after midnight of the window's day (may exceed 1440: the next day). */
  start: number;
  end: number;
}

export const KOPER_RULE =
  'Koper curve (Koper 1995, Justice Quarterly 12(4):649–672): residual deterrence after police leave a hot spot grows with the length of the stop up to about 15 minutes and falls away beyond it. ' +
  'Plan: stop about 15 minutes in each box, leave, and return after an irregular gap (random, 60–120 minutes by default) so visits cannot be predicted; repeat through the patrol window.';

/** Visits for one box: first visit at a random offset within the first gap, then visit, gap, visit… */
export function koperPlan(opts: DosageOptions): Visit[] {
  const visit = opts.visitMinutes ?? 15;
  const minGap = opts.minGap ?? 60;
  const maxGap = opts.maxGap ?? 120;
  if (!(visit > 0) || !(minGap >= 0) || !(maxGap >= minGap)) throw new Error('visitMinutes > 0 and 0 <= minGap <= maxGap');
  const rng = new Rng(opts.seed ?? 1);
  const draw = (lo: number, hi: number) => lo + rng.int(hi - lo + 1);
  const end = opts.windowStart + opts.windowMinutes;
  const out: Visit[] = [];
  let t = opts.windowStart + draw(0, Math.min(maxGap, Math.max(0, opts.windowMinutes - visit)));
  while (t + visit <= end) {
    out.push({ start: t, end: t + visit });
    t += visit + draw(minGap, maxGap);
  }
  return out;
}

export const clock = (minutes: number) => {
  const m = ((minutes % 1440) + 1440) % 1440;
  const day = Math.floor(minutes / 1440);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}${day > 0 ? ` (+${day}d)` : ''}`;
};
