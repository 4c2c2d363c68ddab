// Places API (issue 14): GET /api/search (contract/places.ts). Every signed-in role may search; what each
// finds follows what it may read (api/places/search.ts): streets for roles reading records (officers within
// their wards), intervention sites for roles reading the register; partners get wards, schools, postcodes.
import * as contract from '../../contract/places.js';
import { hasCapability } from '../../contract/capabilities.js';
import type { Deps } from '../deps.js';
import { recordScope } from '../auth/roles.js';
import { contractRouter, principal, register } from '../routing.js';
import { searchPlaces } from './search.js';

export function placeRoutes({ db }: Deps) {
  const r = contractRouter();

  register(r, db, contract.search, async (c) => {
    const p = principal(c);
    const { q, limit } = c.req.valid('query');
    const role = p.user.role;
    const scope = recordScope(p);
    const body = await searchPlaces(db, q, limit, {
      streets: hasCapability(role, 'records.read') ? (scope ?? 'all') : null,
      sites: hasCapability(role, 'register.read'),
    });
    return c.json(body, 200);
  });

  return r;
}
