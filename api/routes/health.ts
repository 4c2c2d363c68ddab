import { Hono } from 'hono';
import type { Deps } from '../app.js';
import type { AppEnv } from '../auth/middleware.js';

// Public (no sign-in): says only that the service and its database are up.

export function healthRoutes({ db }: Deps) {
  const r = new Hono<AppEnv>();
  r.get('/health', async (c) => {
    const [row] = await db.query<{ v: string }>('SELECT postgis_lib_version() AS v');
    return c.json({ ok: true, database: { driver: db.driver, postgis: row.v } });
  });
  return r;
}
