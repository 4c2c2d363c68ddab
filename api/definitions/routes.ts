// The partnership's definition of serious violence (issue 18); the routes are declared in
// contract/definitions.ts.
import * as contract from '../../contract/definitions.js';
import type { Deps } from '../deps.js';
import { audit } from '../auth/audit.js';
import { contractRouter, principal, register } from '../routing.js';
import { currentDefinition, definitionHistory, definitionMeta, saveDefinition } from './serious-violence.js';

export function definitionRoutes({ db }: Deps) {
  const r = contractRouter();

  register(r, db, contract.getDefinition, async (c) => c.json({ definition: definitionMeta(await currentDefinition(db)) }, 200));

  register(r, db, contract.definitionHistory, async (c) =>
    c.json({ versions: (await definitionHistory(db)).map(definitionMeta) }, 200),
  );

  register(r, db, contract.putDefinition, async (c) => {
    const p = principal(c);
    const body = c.req.valid('json');
    const saved = await saveDefinition(db, body, p.user.email);
    await audit(db, p, c.get('ip'), {
      action: 'change',
      resource: 'definitions.serious-violence',
      query: { version: saved.version, ...body },
    });
    return c.json({ definition: definitionMeta(saved) }, 200);
  });

  return r;
}
