// Coverage and gaps: how much of the harm in significant hotspots lies within a distance of an active
// intervention of the chosen types, per ward and borough-wide, and which significant hotspot cells no
// active intervention reaches.
//   hotspot harm  = harm of the window's incidents located in significant hot cells (Gi* hot_95/hot_99);
//   covered       = the incident's location lies within `distance` metres (straight line on the national
//                   grid) of an intervention's point or polygon (0 inside a polygon);
//   active        = the intervention's dates overlap the window (starts_on < to, ends_on empty or >= from).
import { cellToLatLng } from 'h3-js';
import type { Queryable } from '../db/index.js';
import { DISTANCE_NOTE, distanceTo, lonLatToBng, toGrid } from '../../geodata/planning/geometry.js';
import { coverShares } from '../../geodata/planning/coverage.js';
import { analyse, STUDY_LEVEL, type AnalysisQuery } from './data.js';
import { listInterventions } from './register.js';

export type { Share } from '../../geodata/planning/coverage.js';

export interface CoverageQuery extends AnalysisQuery {
  distance: number;
  types?: string[];
}

export async function coverage(db: Queryable, q: CoverageQuery) {
  const a = await analyse(db, q);
  const active = await listInterventions(db, { types: q.types ?? null, overlaps: a.window });
  const shapes = active.map((iv) => toGrid(iv.geometry));
  const cover = coverShares(
    a.places.map((pl) => ({ xy: pl.xy, harm: pl.harm, count: pl.count, group: pl.ward_code, cell: pl.cell, hot: a.significant.has(pl.cell) })),
    shapes,
    q.distance,
  );
  const wards = await db.query<{ code: string; name: string }>('SELECT code, name FROM areas WHERE level = $1 ORDER BY code', [STUDY_LEVEL]);
  const byWard = wards.map((w) => ({ code: w.code, name: w.name, ...cover.group(w.code) }));

  const index = new Map(a.cells.map((c, i) => [c, i]));
  const allShapes = shapes.flat();
  const hotspots = [...a.significant]
    .map((cell) => {
      const i = index.get(cell)!;
      const c = cover.cell(cell);
      const [lat, lon] = cellToLatLng(cell);
      const nearest = shapes.length ? distanceTo(lonLatToBng(lon, lat), allShapes) : null;
      return {
        h3: cell,
        class: a.classes[i],
        z: a.z[i],
        p_adjusted: a.pAdjusted[i],
        harm: c.harm,
        covered_harm: c.covered,
        incidents: c.incidents,
        covered: c.covered > 0,
        ward_code: c.group,
        centre: { lon, lat },
        nearest_intervention_m: nearest === null ? null : Math.round(nearest),
      };
    })
    .sort((x, y) => y.harm - x.harm || x.h3.localeCompare(y.h3));

  return {
    borough: cover.total,
    wards: byWard,
    outside_wards: cover.group(null),
    hotspots,
    uncovered: hotspots.filter((h) => !h.covered),
    interventions: active.map((iv) => ({ id: iv.id, type: iv.type, name: iv.name })),
    meta: {
      ...a.meta,
      distance_m: q.distance,
      distance: 'straight-line',
      distance_note: DISTANCE_NOTE,
      types: q.types ?? null,
      active_rule: 'interventions whose dates overlap the window (starts_on < to and ends_on empty or on/after from), not deleted',
      covered_rule: "an incident is covered when its recorded location lies within distance_m of an active intervention's point or polygon; a hotspot cell is uncovered when none of its harm is covered",
      location_note: 'police.uk locations are snapped to anonymised map points, so coverage near the distance limit is approximate',
    },
  };
}
