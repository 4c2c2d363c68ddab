// The Hono application: API routes under /api, the built web UI for everything else.
import fs from 'node:fs';
import path from 'node:path';
import { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Config } from './config.js';
import type { Db } from './db/index.js';
import { errorBody, handleError } from './errors.js';
import { healthRoutes } from './routes/health.js';
import { aggregateRoutes } from './aggregates/routes.js';
import { importRoutes } from './imports/routes.js';

export interface Deps {
  db: Db;
  config: Pick<Config, 'dataDir' | 'MAX_UPLOAD_MB' | 'BASEMAP_STYLE_URL'>;
  /** Secret shared with the CLI through the data-directory lock file (embedded mode only). */
  localSecret?: string;
}

export function createApp(deps: Deps, opts: { webRoot?: string } = {}) {
  const app = new Hono();
  app.onError(handleError);

  const api = new Hono();
  api.route('/', healthRoutes(deps));
  api.route('/', aggregateRoutes(deps));
  api.route('/', importRoutes(deps));
  app.route('/api', api);
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
