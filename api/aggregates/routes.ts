// Aggregation API (areas, stats, hexes, incidents, categories, series, summary, config).
// Each route validates its query string (400 invalid_parameter) and hands over to handlers.ts.
import { Hono } from 'hono';
import type { Deps } from '../app.js';
import { parseQuery } from '../validate.js';
import { ATTRIBUTION } from './attribution.js';
import * as h from './handlers.js';
import { areasQuery, emptyQuery, hexesQuery, incidentsQuery, seriesQuery, statsQuery } from './params.js';

export function aggregateRoutes({ db, config }: Deps) {
  const r = new Hono();

  r.get('/area-sets', async (c) => {
    parseQuery(c, emptyQuery);
    return c.json(await h.areaSets(db));
  });

  r.get('/areas', async (c) => {
    const q = parseQuery(c, areasQuery);
    // Already JSON text, built by PostGIS.
    return c.body(await h.areasGeoJson(db, q.level), 200, { 'content-type': 'application/geo+json; charset=utf-8' });
  });

  r.get('/stats/areas', async (c) => c.json(await h.areaStats(db, parseQuery(c, statsQuery))));

  r.get('/hexes', async (c) => c.json(await h.hexes(db, parseQuery(c, hexesQuery))));

  r.get('/incidents', async (c) => {
    const body = await h.incidents(db, parseQuery(c, incidentsQuery));
    return c.body(JSON.stringify(body), 200, { 'content-type': 'application/geo+json; charset=utf-8' });
  });

  r.get('/categories', async (c) => {
    parseQuery(c, emptyQuery);
    return c.json(await h.categories(db));
  });

  r.get('/series', async (c) => c.json(await h.series(db, parseQuery(c, seriesQuery))));

  r.get('/summary', async (c) => {
    parseQuery(c, emptyQuery);
    return c.json(await h.summary(db));
  });

  r.get('/config', (c) => {
    parseQuery(c, emptyQuery);
    return c.json({ basemapStyleUrl: config.BASEMAP_STYLE_URL ?? null, attribution: ATTRIBUTION });
  });

  return r;
}
