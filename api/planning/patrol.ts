// Patrol boxes: N squares over the highest-harm significant hotspots, at least a distance apart, with
// peak days/hours where the data's time precision allows and a Koper-curve dosage plan (geodata/planning/patrol.ts).
import { placeNames } from '../places/names.js';
import type { Polygon } from 'geojson';
import type { Queryable } from '../db/index.js';
import { DISTANCE_NOTE, bngToLonLat } from '../../geodata/planning/geometry.js';
import {
  KOPER_RULE,
  boxRing,
  clock,
  koperPlan,
  peakTimes,
  proposeBoxes,
  type TimedCount,
} from '../../geodata/planning/patrol.js';
import type { PatrolBox, PatrolPlan } from '../../contract/planning.js';
import { analyse, STUDY_LEVEL, type AnalysisQuery } from './data.js';

export interface PatrolQuery extends AnalysisQuery {
  n: number;
  size: number;
  separation: number;
  shift_start: string;
  shift_hours: number;
  seed: number;
}

/** The contiguous `len`-hour block (wrapping midnight) with the most incidents: its first hour. */
function busiestBlock(hours: number[], len: number): number {
  let best = 0;
  let bestSum = -1;
  for (let h = 0; h < 24; h++) {
    let s = 0;
    for (let k = 0; k < len; k++) s += hours[(h + k) % 24];
    if (s > bestSum) {
      bestSum = s;
      best = h;
    }
  }
  return best;
}

const r6 = (v: number) => Math.round(v * 1e6) / 1e6;
const r2 = (v: number) => Math.round(v * 100) / 100;

export async function patrolPlan(db: Queryable, q: PatrolQuery): Promise<PatrolPlan> {
  const a = await analyse(db, q);
  const points = a.places.map((pl) => ({ xy: pl.xy, harm: pl.harm, count: pl.count, candidate: a.significant.has(pl.cell) }));
  const boxes = proposeBoxes(points, { n: q.n, size: q.size, minSeparation: q.separation });
  const wardNames = new Map(
    (await db.query<{ code: string; name: string }>('SELECT code, name FROM areas WHERE level = $1', [STUDY_LEVEL])).map((w) => [
      w.code,
      w.name,
    ]),
  );
  const [sh, sm] = q.shift_start.split(':').map(Number);
  const out: PatrolBox[] = boxes.map((b) => {
    const members = b.members.map((i) => a.places[i]);
    const timed: TimedCount[] = members.flatMap((m) => m.timed);
    const peaks = peakTimes(timed);
    // Patrol window: the busiest 4 hours where hours are known, else the requested shift.
    let windowStart = sh * 60 + sm;
    let windowMinutes = q.shift_hours * 60;
    let source = 'requested shift (no peak hours known)';
    if (peaks.hours) {
      const hist = new Array(24).fill(0);
      for (const t of timed) if (t.precision === 'minute' && t.hour !== null) hist[t.hour] += t.count;
      windowStart = busiestBlock(hist, 4) * 60;
      windowMinutes = 240;
      source = 'the busiest 4 hours of the incidents known to the minute';
    }
    const visits = koperPlan({ windowStart, windowMinutes, seed: q.seed * 1000 + b.rank });
    const [lon, lat] = bngToLonLat(b.centre[0], b.centre[1]);
    const centrePlace = members.find((m) => m.xy[0] === b.centre[0] && m.xy[1] === b.centre[1]);
    const ward = centrePlace?.ward_code ?? null;
    const polygon: Polygon = {
      type: 'Polygon',
      coordinates: [boxRing(b.centre, q.size).map(([x, y]) => bngToLonLat(x, y).map(r6))],
    };
    return {
      id: `P${b.rank}`,
      rank: b.rank,
      centre: { lon: r6(lon), lat: r6(lat) },
      easting: Math.round(b.centre[0]),
      northing: Math.round(b.centre[1]),
      size_m: q.size,
      harm: r2(b.harm),
      count: b.count,
      ward_code: ward,
      ward_name: ward ? (wardNames.get(ward) ?? null) : null,
      polygon,
      peaks,
      dosage: {
        window: `${clock(windowStart)}–${clock(windowStart + windowMinutes)}`,
        window_source: source,
        visits: visits.map((v) => ({ start: clock(v.start), end: clock(v.end) })),
      },
    };
  });
  // Place names of the boxes (api/places/names.ts): the street most incidents inside each square were
  // recorded on, and the ward of its centre; one grouped query for every box.
  const names = await placeNames(db, {
    kind: 'shape',
    keys: out.map((b) => b.id),
    geometries: out.map((b) => b.polygon),
    buffer_m: 0,
    centres: out.map((b) => [b.centre.lon, b.centre.lat] as const),
  });
  for (const b of out) b.place = names.get(b.id);
  return {
    boxes: out,
    meta: {
      ...a.meta,
      from: a.window.from,
      to: a.window.to,
      scheme: a.meta.scheme, // with its version (edition), derived source, mix and unweighted categories (issue 18)
      res: a.res,
      n_requested: q.n,
      n_found: out.length,
      shortfall:
        out.length >= q.n
          ? null
          : points.some((pt) => pt.candidate)
            ? `only ${out.length} box(es) fit: the significant hotspots run out at ${q.separation} m separation`
            : a.significant.size === 0
              ? 'no significant hotspot (Gi* hot at 95% or more after FDR) in this window: no boxes to propose'
              : `no incident location lies in the ${a.significant.size} significant hotspot cell(s): they are hot through their neighbours' counts, so no box can be centred on one`,
      min_separation_m: q.separation,
      box: `Boxes are ${q.size} m squares on the British National Grid (not H3 cells), centred on the incident location in a significant hotspot cell whose square holds the most harm; ranked by harm; each at least ${q.separation} m (straight line, centre to centre) from every higher-ranked box.`,
      dosage_rule: KOPER_RULE,
      distance_note: DISTANCE_NOTE,
      seed: q.seed,
      generated_at: new Date().toISOString(),
    },
  };
}
