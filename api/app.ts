// The Hono application: API routes under /api, the built web UI for everything else.
import { labelSyntheticFiles } from './exports/synthetic-label.js';
import fs from 'node:fs';
import path from 'node:path';
import { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Deps } from './deps.js';

export type { Deps } from './deps.js';
import { errorBody, handleError } from './errors.js';
import { healthRoutes } from './routes/health.js';
import { aggregateRoutes } from './aggregates/routes.js';
import { importRoutes } from './imports/routes.js';
import { authRoutes } from './auth/routes.js';
import { localAdminRoutes } from './auth/admin.js';
import { exportRoutes } from './exports/routes.js';
import { hotspotRoutes } from './hotspots/routes.js';
import { liveRoutes } from './live/routes.js';
import { planningRoutes } from './planning/routes.js';
import { journeyRoutes } from './journeys/routes.js';
import { placeRoutes } from './places/routes.js';
import { definitionRoutes } from './definitions/routes.js';
import { statesCategorySets } from './definitions/context.js';
import { openDataRoutes } from './opendata/routes.js';
import { openApiRoutes } from './openapi.js';
import { basemapRoutes } from './basemap/routes.js';
import { tileRoutes } from './tiles/routes.js';
import { authenticate, csrfProtection, type AppEnv } from './auth/middleware.js';
import { apiBodyLimit, basemapOrigins, securityHeaders } from './security.js';
import { coalesce, defaultLimits, shedLoad } from './load.js';
import { compressJson, httpCache } from './http-cache.js';
import { replicaReads } from './db/replica.js';

export function createApp(deps: Deps, opts: { webRoot?: string } = {}) {
  const app = new Hono<AppEnv>();
  app.onError(handleError);
  app.use('*', securityHeaders(basemapOrigins(deps.config.BASEMAP_STYLE_URL, deps.config.BASEMAP_ORIGINS)));

  // Every /api request: body limit, who is asking, CSRF/origin checks; each route then has its guard.
  const trustProxy = deps.config.TRUST_PROXY ?? false;
  const api = new Hono<AppEnv>();
  api.use('*', apiBodyLimit());
  // JSON answers compressed (br/gzip) outside the load limit: compressing is not database work.
  api.use('*', compressJson());
  // Load: a bounded number of requests at the database at once, the rest wait briefly or get 503 (health
  // and the change feed are not counted); identical aggregate GETs in flight share one computation.
  api.use('*', shedLoad(deps.load ?? defaultLimits(deps.db.driver)).middleware);
  api.use('*', authenticate(deps.db, { trustProxy }));
  api.use('*', csrfProtection());
  // Aggregate GETs: ETag from the data version and who asks, 304s, the last answers kept (api/http-cache.ts).
  api.use('*', httpCache(deps.db, { maxBytes: deps.httpCacheBytes }).middleware);
  // Analytical GETs may read the replica (DATABASE_REPLICA_URL); set after authentication, so session look-ups never do.
  api.use('*', replicaReads());
  api.use('*', coalesce());
  api.use('*', labelSyntheticFiles(deps.db));
  api.use('*', statesCategorySets());
  api.route('/', healthRoutes(deps));
  api.route('/', openApiRoutes());
  api.route('/', authRoutes(deps.db, { trustProxy }));
  api.route('/', aggregateRoutes(deps));
  api.route('/', importRoutes(deps));
  api.route('/', exportRoutes(deps));
  api.route('/', hotspotRoutes(deps));
  api.route('/', liveRoutes(deps));
  api.route('/', planningRoutes(deps));
  api.route('/', journeyRoutes(deps));
  api.route('/', placeRoutes(deps));
  api.route('/', definitionRoutes(deps));
  api.route('/', openDataRoutes(deps));
  api.route('/', tileRoutes(deps));
  api.route('/', localAdminRoutes(deps.db, deps.localSecret));
  app.route('/api', api);
  // The basemap archive and its label glyphs (same origin, public map data): api/basemap/.
  app.route('/', basemapRoutes(deps.config));
  app.notFound((c) =>
    c.req.path.startsWith('/api/') || c.req.path === '/api'
      ? c.json(errorBody('not_found', `No such endpoint: ${c.req.method} ${c.req.path}`), 404)
      : c.text('Not found', 404),
  );

  const webRoot = opts.webRoot;
  if (webRoot && fs.existsSync(path.join(webRoot, 'index.html'))) {
    const rel = path.relative(process.cwd(), webRoot) || '.';
    const isApi = (p: string) => p === '/api' || p.startsWith('/api/');
    app.use('/*', async (c, next) => (isApi(c.req.path) ? next() : serveStatic({ root: rel })(c, next)));
    // Client-side routes fall back to index.html.
    const index = fs.readFileSync(path.join(webRoot, 'index.html'), 'utf8');
    app.get('*', async (c, next) => (isApi(c.req.path) ? next() : c.html(index)));
  }
  return app;
}
