// The partnership's definition of serious violence (issue 18): read by everyone (legends state it),
// changed by analysts and admins (each change a new version, audited), with its full history.
import { Hono } from 'hono';
import type { Deps } from '../app.js';
import { audit } from '../auth/audit.js';
import { allow, principal, type AppEnv } from '../auth/middleware.js';
import { ALL_ROLES } from '../auth/roles.js';
import { parseBody, parseQuery } from '../validate.js';
import { z } from 'zod';
import { currentDefinition, definitionBody, definitionHistory, definitionMeta, saveDefinition } from './serious-violence.js';

const noQuery = z.strictObject({});

export function definitionRoutes({ db }: Deps) {
  const r = new Hono<AppEnv>();

  r.get('/definitions/serious-violence', allow(ALL_ROLES), async (c) => {
    parseQuery(c, noQuery);
    return c.json({ definition: definitionMeta(await currentDefinition(db)) });
  });

  r.get('/definitions/serious-violence/history', allow(ALL_ROLES), async (c) => {
    parseQuery(c, noQuery);
    return c.json({ versions: (await definitionHistory(db)).map(definitionMeta) });
  });

  r.put('/definitions/serious-violence', allow(['analyst', 'admin']), async (c) => {
    const p = principal(c);
    parseQuery(c, noQuery);
    const body = await parseBody(c, definitionBody);
    const saved = await saveDefinition(db, body, p.user.email);
    await audit(db, p, c.get('ip'), { action: 'change', resource: 'definitions.serious-violence', query: { version: saved.version, ...body } });
    return c.json({ definition: definitionMeta(saved) });
  });

  return r;
}
