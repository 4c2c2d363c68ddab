// Aggregation API (areas, stats, hexes, incidents, categories, coverage, series, summary, config); the
// routes, their parameters and answers are declared in contract/aggregates.ts. Partners get every count
// through the disclosure rule (api/auth/disclosure.ts), applied by each route's `partner` mask;
// record-level incidents are for analysts and officers (officers: their area only) and are audited.
import * as contract from '../../contract/aggregates.js';
import type { Deps } from '../deps.js';
import { audit } from '../auth/audit.js';
import {
  AREA_RULE,
  PARTNER_H3_RES,
  cellKeyDisclosure,
  keyedFor,
  maskAreaStats,
  perturbFields,
  perturbRows,
  suppressRows,
  suppressTotal,
} from '../auth/disclosure.js';
import { h3Units } from '../hotspots/units.js';
import { recordScope } from '../auth/roles.js';
import { contractRouter, principal, register, type DataMask } from '../routing.js';
import { attributionFor } from './attribution.js';
import * as h from './handlers.js';
import { coverageReport } from '../coverage/check.js';
import { requestSelection } from './request.js';
import { basemapInfo } from '../basemap/source.js';

const GEOJSON = { 'content-type': 'application/geo+json; charset=utf-8' };

/**
 * Ward/area statistics for partners (GET /stats/areas, and the area export): counts masked by the area
 * rule; `suppressed` marks withheld counts (a null count without it is no data, issue 11).
 */
export const partnerAreaStats: DataMask<contract.AreaStats> = (out, { min }) => {
  // Cell key perturbation first (issue 15): each area's counts, the total and the outside count each by
  // their own key; rate and change follow from the perturbed counts.
  const perturbed = out.areas.map((a) => {
    const q = perturbFields(a, ['count', 'previous_count']);
    const rate =
      q.count === null || q.population === null || !q.population ? null : Math.round((q.count * 100_000) / q.population) / 100;
    return {
      ...q,
      rate_per_1000: q.rate_per_1000 === null ? null : rate,
      change: q.change === null || q.count === null || q.previous_count === null ? null : q.count - q.previous_count,
    };
  });
  const totals = perturbFields(out as unknown as Record<string, unknown>, ['total', 'outside_study_area']) as {
    total: number | null;
    outside_study_area: number | null;
  };
  const m = maskAreaStats(perturbed, totals, min);
  const noData = { current: out.coverage.count_reason !== null, previous: out.coverage.previous_reason !== null };
  const areas = m.areas.map((a) => ({
    ...a,
    suppressed: !noData.current && a.count === null,
    previous_suppressed: !noData.previous && a.previous_count === null,
  }));
  const { total_ckey: _t, outside_study_area_ckey: _o, ...rest } = out as typeof out & Record<string, unknown>;
  return { ...rest, ...m, areas, disclosure: { ...cellKeyDisclosure(min), rule: AREA_RULE } };
};

/** Partners' H3 counts (GET /hexes, the hexagon tiles): cell-key perturbed, then small ones withheld. */
export const partnerHexCells = <T extends { count: number | null }>(cells: readonly T[], min: number): T[] =>
  suppressRows(perturbRows(cells as readonly (T & Record<string, unknown>)[]), 'count', min);

export function aggregateRoutes({ db, config }: Deps) {
  const r = contractRouter();

  register(r, db, contract.getAreaSets, async (c) => c.json(await h.areaSets(db), 200));

  // Already JSON text, built by PostGIS. Boundaries and populations only: no counts.
  register(r, db, contract.getAreas, async (c) => c.body(await h.areasGeoJson(db, c.req.valid('query').level), 200, GEOJSON));

  register(r, db, contract.getAreaStats, async (c) => c.json(keyedFor(c, await h.areaStats(db, c.req.valid('query'))), 200), {
    partner: partnerAreaStats,
  });

  register(
    r,
    db,
    contract.getHexes,
    async (c) => {
      const q = c.req.valid('query');
      // Partners: every cell of the study area at the one resolution they get, empty ones included (so empty
      // and withheld look alike), whatever the view, so the mask does not depend on it.
      if (principal(c).user.role !== 'partner') return c.json(keyedFor(c, await h.hexes(db, q)), 200);
      const allCells = (await h3Units(db, PARTNER_H3_RES)).ids;
      return c.json(await h.hexes(db, { ...q, bbox: undefined, allCells }), 200);
    },
    {
      partner: (out, { min }) => ({
        ...out,
        cells: partnerHexCells(out.cells, min),
        disclosure: { ...cellKeyDisclosure(min), cells: 'every cell of the study area; empty and withheld cells alike are null' },
      }),
    },
  );

  register(r, db, contract.getIncidents, async (c) => {
    const p = principal(c);
    const q = c.req.valid('query');
    const body = await h.incidents(db, { ...q, wardCodes: recordScope(p) });
    await audit(db, p, c.get('ip'), {
      action: 'view_records',
      resource: 'incidents',
      query: { ...q, ward_scope: recordScope(p) },
      recordCount: body.features.length,
    });
    return c.json(contract.encodeIncidents(body), 200);
  });

  // What the data cover, per category × month and source (issue 11). Partners get the covered months
  // without the row counts (those go through the disclosure rule everywhere else).
  register(
    r,
    db,
    contract.getCoverage,
    async (c) => {
      const q = c.req.valid('query');
      return c.json(await coverageReport(db, { ...q, category: (await requestSelection(db, q.category)).categories }), 200);
    },
    {
      partner: (out) => ({
        ...out,
        categories: out.categories.map((cat) => ({
          ...cat,
          months: cat.months.map((m) => ({
            ...m,
            rows: null,
            sources: m.sources.map((s) => ({ dataset: s.dataset, rows: null })),
          })),
        })),
        disclosure: { rows: 'withheld from partners' },
      }),
    },
  );

  register(r, db, contract.getCategories, async (c) => c.json(keyedFor(c, await h.categories(db)), 200), {
    partner: (out, { min }) => ({
      categories: suppressRows(perturbRows(out.categories), 'count', min),
      disclosure: cellKeyDisclosure(min),
    }),
  });

  register(r, db, contract.getSeries, async (c) => c.json(keyedFor(c, await h.series(db, c.req.valid('query'))), 200), {
    partner: (out, { min }) => ({
      ...out,
      months: suppressRows(perturbRows(out.months), 'count', min),
      disclosure: cellKeyDisclosure(min),
    }),
  });

  register(r, db, contract.getSummary, async (c) => c.json(keyedFor(c, await h.summary(db)), 200), {
    partner: (out, { min }) => {
      // The total is perturbed by the key of all incidents, not summed from the perturbed datasets.
      const { incidents } = perturbFields(out as unknown as Record<string, unknown>, ['incidents']) as {
        incidents: number | null;
      };
      return {
        ...out,
        incidents: incidents === null ? null : suppressTotal(incidents, min),
        datasets: suppressRows(perturbRows(out.datasets), 'count', min),
        disclosure: cellKeyDisclosure(min),
      };
    },
  });

  register(r, db, contract.getConfig, async (c) =>
    c.json(
      { basemapStyleUrl: config.BASEMAP_STYLE_URL ?? null, basemap: basemapInfo(config), attribution: await attributionFor(db) },
      200,
    ),
  );

  return r;
}
