// "Labelled synthetic everywhere it shows" (issue 2): while the database holds the synthetic demo, every
// file the API hands out (Content-Disposition: attachment) is named synthetic-demo-<name> and carries the
// header X-Saferplaces-Data: synthetic, whichever route made it (exports, the tasking pack, patrol
// briefings, journey and audit exports).
import type { MiddlewareHandler } from 'hono';
import type { Queryable } from '../db/index.js';
import { SYNTHETIC_DATASET } from '../../geodata/synthetic.js';
import type { AppEnv } from '../auth/middleware.js';

export const SYNTHETIC_PREFIX = 'synthetic-demo-';

export const holdsSynthetic = async (db: Queryable) =>
  (await db.query('SELECT 1 FROM incidents WHERE dataset = $1 LIMIT 1', [SYNTHETIC_DATASET])).length > 0;

export function labelSyntheticFiles(db: Queryable): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const cd = c.res.headers.get('content-disposition');
    if (!cd || !/^attachment/i.test(cd) || !(await holdsSynthetic(db))) return;
    // In place: assigning a new c.res would have Hono copy the old headers back over the new ones.
    c.res.headers.set(
      'content-disposition',
      cd.replace(/filename="(?!synthetic-demo-)([^"]*)"/, `filename="${SYNTHETIC_PREFIX}$1"`),
    );
    c.res.headers.set('x-saferplaces-data', 'synthetic');
  };
}
