// Share of hotspot harm covered by interventions, per group (ward) and in total. Pure: the caller gives
// the incident locations (grid metres) with their harm, group and whether they lie in a significant
// hotspot cell, and the active intervention sites on the grid.
import { withinDistance, type GridShape, type XY } from './geometry.js';

export interface CoverPlace {
  xy: XY;
  harm: number;
  count: number;
  group: string | null;
  cell: string;
  hot: boolean;
  /** Sum of the place's incidents' record keys (ONS cell key method), summed beside `count` when given. */
  key?: number;
}

/** Record-key sums of the hotspot and covered incidents (the cell keys before mod N). */
export interface ShareKeys {
  hotspot_incidents: number;
  covered_incidents: number;
}

export interface Share {
  hotspot_harm: number;
  covered_harm: number;
  /** covered / hotspot harm, or null with `share_undefined` saying why. */
  share: number | null;
  share_undefined: string | null;
  hotspot_incidents: number;
  covered_incidents: number;
}

export interface CellCover {
  harm: number;
  covered: number;
  incidents: number;
  /** The group holding most of the cell's harm. */
  group: string | null;
}

const toShare = ([hot, cov, hotN, covN]: number[]): Share => ({
  hotspot_harm: hot,
  covered_harm: cov,
  share: hot > 0 ? cov / hot : null,
  share_undefined: hot > 0 ? null : 'no harm in significant hotspots here',
  hotspot_incidents: hotN,
  covered_incidents: covN,
});

/** Decides, for each point, whether it lies within `distance` of a site (straight line unless given). */
export type Reach = (points: ReadonlyArray<XY>, sites: ReadonlyArray<ReadonlyArray<GridShape>>, distance: number) => boolean[];

/**
 * Hotspot harm and the part within `distance` metres of a site, per group, in total and per hot cell.
 * `reach` says what "within" means: straight line on the grid by default, or a walk (../network/).
 */
export function coverShares(
  places: ReadonlyArray<CoverPlace>,
  sites: ReadonlyArray<ReadonlyArray<GridShape>>,
  distance: number,
  reach: Reach = withinDistance,
) {
  const hot = places.filter((p) => p.hot);
  const within = reach(
    hot.map((h) => h.xy),
    sites,
    distance,
  );
  // [hotspot harm, covered harm, hotspot incidents, covered incidents, their record-key sums]
  const groups = new Map<string | null, number[]>();
  const total = [0, 0, 0, 0, 0, 0];
  const cells = new Map<string, CellCover & { byGroup: Map<string | null, number> }>();
  hot.forEach((p, i) => {
    const g = groups.get(p.group) ?? [0, 0, 0, 0, 0, 0];
    for (const acc of [g, total]) {
      acc[0] += p.harm;
      acc[2] += p.count;
      acc[4] += p.key ?? 0;
      if (within[i]) {
        acc[1] += p.harm;
        acc[3] += p.count;
        acc[5] += p.key ?? 0;
      }
    }
    groups.set(p.group, g);
    let c = cells.get(p.cell);
    if (!c) cells.set(p.cell, (c = { harm: 0, covered: 0, incidents: 0, group: null, byGroup: new Map() }));
    c.harm += p.harm;
    c.incidents += p.count;
    if (within[i]) c.covered += p.harm;
    c.byGroup.set(p.group, (c.byGroup.get(p.group) ?? 0) + p.harm);
  });
  const byCell = new Map<string, CellCover>();
  for (const [cell, { byGroup, ...c }] of cells)
    byCell.set(cell, { ...c, group: [...byGroup].sort((x, y) => y[1] - x[1])[0]?.[0] ?? null });
  const keysOf = (a: number[] | undefined): ShareKeys => ({ hotspot_incidents: a?.[4] ?? 0, covered_incidents: a?.[5] ?? 0 });
  return {
    total: toShare(total),
    group: (g: string | null) => toShare(groups.get(g) ?? [0, 0, 0, 0]),
    /** Record-key sums beside the total's and a group's incident counts (0 without keys). */
    totalKeys: keysOf(total),
    groupKeys: (g: string | null) => keysOf(groups.get(g)),
    cell: (c: string): CellCover => byCell.get(c) ?? { harm: 0, covered: 0, incidents: 0, group: null },
  };
}
