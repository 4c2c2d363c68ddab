// Aggregation API (areas, stats, hexes, incidents, categories, series, summary, config).
// Each route has its role guard, validates its query string (400 invalid_parameter) and hands over to
// handlers.ts. Partners get every count through the disclosure rule (api/auth/disclosure.ts);
// record-level incidents are for analysts and officers (officers: their area only) and are audited.
import * as contract from '../../contract/aggregates.js';
import type { Deps } from '../app.js';
import { audit } from '../auth/audit.js';
import { AREA_RULE, maskAreaStats, minCount, suppressRows, suppressTotal } from '../auth/disclosure.js';
import { allow, principal, } from '../auth/middleware.js';
import { ALL_ROLES, RECORD_LEVEL_ROLES, type Principal } from '../auth/roles.js';
import { parseQuery } from '../validate.js';
import { contractRouter, register } from '../routing.js';
import { attributionFor } from './attribution.js';
import * as h from './handlers.js';
import { coverageReport } from '../coverage/check.js';
import { requestCategories } from './request.js';
import { areasQuery, coverageQuery, emptyQuery, hexesQuery, incidentsQuery, seriesQuery, statsQuery } from './params.js';

const isPartner = (p: Principal) => p.user.role === 'partner';

/** Ward codes an officer's record-level view is limited to (null = no limit). */
export const recordScope = (p: Principal): string[] | null => (p.user.role === 'officer' ? p.user.area_codes : null);

export function aggregateRoutes({ db, config }: Deps) {
  const r = contractRouter();
  const everyone = allow(ALL_ROLES);

  r.get('/area-sets', everyone, async (c) => {
    parseQuery(c, emptyQuery);
    return c.json(await h.areaSets(db));
  });

  r.get('/areas', everyone, async (c) => {
    const q = parseQuery(c, areasQuery);
    // Already JSON text, built by PostGIS. Boundaries and populations only: no counts.
    return c.body(await h.areasGeoJson(db, q.level), 200, { 'content-type': 'application/geo+json; charset=utf-8' });
  });

  r.get('/stats/areas', everyone, async (c) => {
    const out = await h.areaStats(db, parseQuery(c, statsQuery));
    if (!isPartner(principal(c))) return c.json(out);
    const min = await minCount(db);
    const m = maskAreaStats(out.areas, out, min);
    const noData = { current: out.coverage.count_reason !== null, previous: out.coverage.previous_reason !== null };
    const areas = m.areas.map((a) => ({ ...a, suppressed: !noData.current && a.count === null, previous_suppressed: !noData.previous && a.previous_count === null }));
    return c.json({ ...out, ...m, areas, disclosure: { min_count: min, rule: AREA_RULE } });
  });

  r.get('/hexes', everyone, async (c) => {
    const p = principal(c);
    const q = parseQuery(c, hexesQuery);
    // Partners: the whole study area always, so the suppression mask does not depend on the view.
    const out = await h.hexes(db, isPartner(p) ? { ...q, bbox: undefined } : q);
    if (!isPartner(p)) return c.json(out);
    const min = await minCount(db);
    return c.json({ ...out, cells: suppressRows(out.cells, 'count', min), disclosure: { min_count: min } });
  });

  r.get('/incidents', allow(RECORD_LEVEL_ROLES), async (c) => {
    const p = principal(c);
    const q = parseQuery(c, incidentsQuery);
    const body = await h.incidents(db, { ...q, wardCodes: recordScope(p) });
    await audit(db, p, c.get('ip'), {
      action: 'view_records',
      resource: 'incidents',
      query: { ...q, ward_scope: recordScope(p) },
      recordCount: body.features.length,
    });
    return c.body(JSON.stringify(body), 200, { 'content-type': 'application/geo+json; charset=utf-8' });
  });

  // What the data cover, per category × month and source (issue 11). Partners get the covered months
  // without the row counts (those go through the disclosure rule everywhere else).
  r.get('/coverage', everyone, async (c) => {
    const q = parseQuery(c, coverageQuery);
    const out = await coverageReport(db, { ...q, category: await requestCategories(db, q.category) });
    if (!isPartner(principal(c))) return c.json(out);
    const categories = out.categories.map((cat) => ({
      ...cat,
      months: cat.months.map((m) => ({ ...m, rows: null, sources: m.sources.map((s) => ({ dataset: s.dataset, rows: null })) })),
    }));
    return c.json({ ...out, categories, disclosure: { rows: 'withheld from partners' } });
  });

  register(r, db, contract.getCategories, async (c) => c.json(await h.categories(db), 200), {
    partner: (out, { min }) => ({ categories: suppressRows(out.categories, 'count', min), disclosure: { min_count: min } }),
  });

  r.get('/series', everyone, async (c) => {
    const out = await h.series(db, parseQuery(c, seriesQuery));
    if (!isPartner(principal(c))) return c.json(out);
    const min = await minCount(db);
    return c.json({ months: suppressRows(out.months, 'count', min), disclosure: { min_count: min } });
  });

  r.get('/summary', everyone, async (c) => {
    parseQuery(c, emptyQuery);
    const out = await h.summary(db);
    if (!isPartner(principal(c))) return c.json(out);
    const min = await minCount(db);
    return c.json({ ...out, incidents: suppressTotal(out.incidents, min), datasets: suppressRows(out.datasets, 'count', min), disclosure: { min_count: min } });
  });

  r.get('/config', everyone, async (c) => {
    parseQuery(c, emptyQuery);
    return c.json({ basemapStyleUrl: config.BASEMAP_STYLE_URL ?? null, attribution: await attributionFor(db) });
  });

  return r;
}
