// What every planning analysis starts from: the time window, the harm scheme, the incidents of the window
// gathered per distinct location, and the significant hotspots.
//
// Hotspots are the hotspot API's (issue 4): Gi* over the H3 cells overlapping the ward study area (the same
// cached units and neighbour lists; incidents in no ward are outside it), binary k = 1 ring weights with the
// cell itself, Benjamini–Hochberg FDR; significant = hot_95 or hot_99.
import type { Queryable } from '../db/index.js';
import { H3_COLUMN, Params, incidentWhere } from '../aggregates/sql.js';
import { requestSelection, requestWindow } from '../aggregates/request.js';
import { categorySetsUsed } from '../definitions/context.js';
import type { H3Res } from '../../geodata/h3.js';
import { resolveScheme, schemeMeta } from '../hotspots/schemes.js';
import { addRow, emptyTotals } from '../hotspots/common.js';
import { giTable } from '../hotspots/handlers.js';
import { h3Units, STUDY_AREA_LEVEL } from '../hotspots/units.js';
import type { Window } from '../aggregates/window.js';
import { isWeighted, weightOf, type HarmScheme } from '../../geodata/harm/schemes.js';
import type { HotColdClass } from '../../geodata/stats/correction.js';
import { lonLatToBng, type XY } from '../../geodata/planning/geometry.js';
import type { TimedCount } from '../../geodata/planning/patrol.js';
import type { AnalysisMeta } from '../../contract/planning.js';

export const SIGNIFICANT: ReadonlySet<HotColdClass> = new Set(['hot_95', 'hot_99']);
export const STUDY_LEVEL = STUDY_AREA_LEVEL;

// ---------- window, categories, scheme ----------

/** The count scheme weighs every category 1; other schemes weigh categories they do not list 0. */

// ---------- incidents per location ----------

export interface Place {
  lon: number;
  lat: number;
  xy: XY;
  ward_code: string | null;
  /** H3 cell at the analysis resolution. */
  cell: string;
  harm: number;
  count: number;
  /** Sum of the incidents' record keys (cell key method; partners' counts are perturbed by it). */
  key: number;
  timed: TimedCount[];
}

/** Incidents of the window by location, category and (where known) day of week and hour. */
const placesSql = (col: string, where: string) => `
SELECT i.lon, i.lat, i.ward_code, lpad(to_hex(i.${col}), 15, '0') AS cell, i.category, i.offence_code,
       i.time_precision AS precision,
       CASE WHEN i.time_precision <> 'month' THEN extract(isodow FROM i.occurred_at)::int END AS dow,
       CASE WHEN i.time_precision = 'minute' THEN extract(hour FROM i.occurred_at)::int END AS hour,
       to_char(i.occurred_at, 'YYYY-MM') AS month,
       count(*)::int AS n,
       -- record-key sum (ONS cell key method, issue 15): partners' coverage counts are perturbed by it
       sum(i.record_key)::int AS ks
FROM incidents i
WHERE ${where}
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10`;

interface PlaceRow {
  lon: number;
  lat: number;
  ward_code: string | null;
  cell: string;
  category: string;
  offence_code: string | null;
  precision: TimedCount['precision'];
  dow: number | null;
  hour: number | null;
  month: string;
  n: number;
  ks: number;
}

export interface Analysis {
  window: Window;
  categories: string[] | null;
  scheme: HarmScheme;
  res: 8 | 9 | 10;
  places: Place[];
  /** Study-area cells (sorted), their Gi* z, FDR-adjusted p and class. */
  cells: string[];
  z: number[];
  pAdjusted: number[];
  classes: HotColdClass[];
  harmByCell: Map<string, number>;
  significant: Set<string>;
  /** Categories present in the window that the scheme weighs 0 because it does not list them. */
  unweighted: string[];
  meta: AnalysisMeta;
}

export interface AnalysisQuery {
  from?: string;
  to?: string;
  category?: string[];
  weights: string;
  res: number;
}

export async function analyse(db: Queryable, q: AnalysisQuery): Promise<Analysis> {
  const window = await requestWindow(db, q);
  const { categories, narrowing } = await requestSelection(db, q.category);
  const scheme = await resolveScheme(db, q.weights);
  const res = q.res as 8 | 9 | 10;
  const units = await h3Units(db, res as H3Res);
  const cells = units.ids;

  const p = new Params();
  const where = incidentWhere(p, { ...window, categories, narrowing });
  const rows = await db.query<PlaceRow>(placesSql(H3_COLUMN[res], where), p.values);

  const byKey = new Map<string, Place>();
  const unweighted = new Set<string>();
  for (const r of rows) {
    const w = weightOf(scheme, r.category, r.offence_code);
    if (!isWeighted(scheme, r.category, r.offence_code)) unweighted.add(r.category);
    const key = `${r.lon},${r.lat},${r.ward_code},${r.cell}`;
    let pl = byKey.get(key);
    if (!pl)
      byKey.set(
        key,
        (pl = {
          lon: r.lon,
          lat: r.lat,
          xy: lonLatToBng(r.lon, r.lat),
          ward_code: r.ward_code,
          cell: r.cell,
          harm: 0,
          count: 0,
          key: 0,
          timed: [],
        }),
      );
    pl.harm += w * r.n;
    pl.count += r.n;
    pl.key += r.ks;
    pl.timed.push({ precision: r.precision, dow: r.dow, hour: r.hour, month: r.month, count: r.n });
  }
  const places = [...byKey.values()];

  // Gi* over the study area's cells (0 where nothing happened), as GET /api/hotspots?correction=fdr&k=1.
  const totals = emptyTotals(cells.length);
  const harmByCell = new Map<string, number>();
  for (const pl of places) {
    harmByCell.set(pl.cell, (harmByCell.get(pl.cell) ?? 0) + pl.harm);
    // Outside every ward (ward_code NULL): outside the study area, as in the hotspot API, even in a partial cell.
    addRow(totals, units, pl.ward_code === null ? null : pl.cell, pl.count, pl.harm, 0);
  }
  const { rows: gi } = giTable(units, totals, 1, 'fdr');
  const z = gi.map((r) => r.gi_z);
  const pAdjusted = gi.map((r) => r.p_adjusted);
  const classes = gi.map((r) => r.class);
  const significant = new Set(cells.filter((_, i) => SIGNIFICANT.has(classes[i])));
  return {
    window,
    categories,
    scheme,
    res,
    places,
    cells,
    z,
    pAdjusted,
    classes,
    harmByCell,
    significant,
    unweighted: [...unweighted].sort(),
    meta: {
      from: window.from,
      to: window.to,
      category: categories,
      scheme: schemeMeta(scheme),
      hotspots: {
        method: `Getis–Ord Gi* on harm per H3 res-${res} cell over the cells overlapping a ward (${units.partial!.filter(Boolean).length} partial: cut by the wards' boundary, counting only incidents inside a ward); binary weights, k = 1 ring with the cell itself; Benjamini–Hochberg FDR; significant = hot_95 or hot_99 (adjusted p < 0.05, z > 0)`,
        res,
        cells: cells.length,
        significant: significant.size,
      },
      unweighted_categories: [...unweighted].sort(),
      // The partnership's definition, when the categories are the category set (issue 18): in meta, so the
      // patrol files made from it state it too.
      ...(categorySetsUsed().length ? { category_set: categorySetsUsed()[0] } : {}),
    },
  };
}
