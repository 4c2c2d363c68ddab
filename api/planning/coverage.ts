// Coverage and gaps: how much of the harm in significant hotspots lies within a distance of an active
// intervention of the chosen types, per ward and borough-wide, and which significant hotspot cells no
// active intervention reaches.
//   hotspot harm  = harm of the window's incidents located in significant hot cells (Gi* hot_95/hot_99);
//   covered       = the incident's location lies within `distance` metres of an intervention's point or
//                   polygon (0 inside a polygon): walking along the loaded walking network (api/planning/
//                   network.ts, geodata/network/), or in a straight line on the national grid when
//                   no network is loaded (meta.distance says which);
//   active        = the intervention's dates overlap the window (starts_on < to, ends_on empty or >= from).
import { cellToLatLng } from 'h3-js';
import type { Queryable } from '../db/index.js';
import {
  STRAIGHT_LINE_NOTE,
  WALKING_NOTE,
  distanceTo,
  lonLatToBng,
  toGrid,
  type GridShape,
  type XY,
} from '../../geodata/planning/geometry.js';
import { coverShares, type Reach, type ShareKeys } from '../../geodata/planning/coverage.js';
import { cellKeyOf } from '../auth/disclosure.js';
import { walkingDistances, type NetworkGraph } from '../../geodata/network/index.js';
import { analyse, STUDY_LEVEL, type AnalysisQuery } from './data.js';
import { networkMeta, walkingNetwork } from './network.js';
import { listInterventions } from './register.js';

export type { Share } from '../../geodata/planning/coverage.js';

export interface CoverageQuery extends AnalysisQuery {
  distance: number;
  types?: string[];
}

/**
 * The cell keys beside the incident counts (`<count>_ckey`, ONS cell key method, issue 15): the partner mask
 * perturbs the counts by them; every other role gets them stripped (keyedFor).
 */
const ckeys = (k: ShareKeys) => ({
  hotspot_incidents_ckey: cellKeyOf(k.hotspot_incidents),
  covered_incidents_ckey: cellKeyOf(k.covered_incidents),
});

export async function coverage(db: Queryable, q: CoverageQuery) {
  const a = await analyse(db, q);
  const active = await listInterventions(db, { types: q.types ?? null, overlaps: a.window });
  const shapes = active.map((iv) => toGrid(iv.geometry));
  const net = await walkingNetwork(db);
  const reach: Reach | undefined = net
    ? (points, sites, d) => Array.from(walkingDistances(net.graph, points, sites, d), (w) => w <= d)
    : undefined;
  const cover = coverShares(
    a.places.map((pl) => ({
      xy: pl.xy,
      harm: pl.harm,
      count: pl.count,
      key: pl.key,
      group: pl.ward_code,
      cell: pl.cell,
      hot: a.significant.has(pl.cell),
    })),
    shapes,
    q.distance,
    reach,
  );
  const wards = await db.query<{ code: string; name: string }>('SELECT code, name FROM areas WHERE level = $1 ORDER BY code', [
    STUDY_LEVEL,
  ]);
  const byWard = wards.map((w) => ({ code: w.code, name: w.name, ...cover.group(w.code), ...ckeys(cover.groupKeys(w.code)) }));

  const index = new Map(a.cells.map((c, i) => [c, i]));
  const hotCells = [...a.significant];
  const centres = hotCells.map((cell) => cellToLatLng(cell));
  const nearestOf = nearestFrom(
    net?.graph ?? null,
    shapes,
    centres.map(([lat, lon]) => lonLatToBng(lon, lat)),
  );
  const hotspots = hotCells
    .map((cell, n) => {
      const i = index.get(cell)!;
      const c = cover.cell(cell);
      const [lat, lon] = centres[n];
      const nearest = nearestOf[n];
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
        nearest_intervention_m: nearest === null || !Number.isFinite(nearest) ? null : Math.round(nearest),
      };
    })
    .sort((x, y) => y.harm - x.harm || x.h3.localeCompare(y.h3));

  return {
    borough: { ...cover.total, ...ckeys(cover.totalKeys) },
    wards: byWard,
    outside_wards: { ...cover.group(null), ...ckeys(cover.groupKeys(null)) },
    hotspots,
    uncovered: hotspots.filter((h) => !h.covered),
    interventions: active.map((iv) => ({ id: iv.id, type: iv.type, name: iv.name })),
    meta: {
      ...a.meta,
      distance_m: q.distance,
      distance: net ? 'walking' : 'straight-line',
      distance_note: net ? WALKING_NOTE : STRAIGHT_LINE_NOTE,
      network: networkMeta(net?.info ?? null),
      types: q.types ?? null,
      active_rule:
        'interventions whose dates overlap the window (starts_on < to and ends_on empty or on/after from), not deleted',
      covered_rule: `an incident is covered when its recorded location lies within distance_m (${net ? 'walking along the network' : 'straight line'}) of an active intervention's point or polygon; a hotspot cell is uncovered when none of its harm is covered`,
      nearest_rule: net
        ? `nearest_intervention_m: walking distance from the hotspot cell's centre to the nearest active intervention, null when none is within ${NEAREST_WALK_LIMIT} m`
        : "nearest_intervention_m: straight-line distance from the hotspot cell's centre to the nearest active intervention",
      location_note:
        'police.uk locations are snapped to anonymised map points, so coverage near the distance limit is approximate',
    },
  };
}

/** How far the walk to the nearest intervention is followed for the hotspot list (further: null). */
export const NEAREST_WALK_LIMIT = 5000;

/** Distance from each cell centre to the nearest site: walking (up to NEAREST_WALK_LIMIT) or straight line; null without sites. */
function nearestFrom(
  graph: NetworkGraph | null,
  shapes: ReadonlyArray<ReadonlyArray<GridShape>>,
  centres: ReadonlyArray<XY>,
): Array<number | null> {
  if (!shapes.length) return centres.map(() => null);
  if (graph) return Array.from(walkingDistances(graph, centres, shapes, NEAREST_WALK_LIMIT));
  const all = shapes.flat();
  return centres.map((xy) => distanceTo(xy, all));
}
