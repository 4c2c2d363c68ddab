// The request window and categories, read the same way by every analysis API (aggregates, hotspots,
// school journeys, planning, the tasking pack): same defaults, same 400 errors.
import type { Queryable } from '../db/index.js';
import { ApiError } from '../errors.js';
import { RANGE_SQL } from './sql.js';
import { partnerDefaultPeriod } from '../../contract/partner-periods.js';
import { inPartnerRequest } from '../auth/disclosure.js';
import { noteCategorySet } from '../definitions/context.js';
import { type Narrowing, narrowingOf, type Selection } from '../definitions/narrowing.js';
import { CATEGORY_SETS, currentDefinition, definitionMeta } from '../definitions/serious-violence.js';
import { defaultWindow, monthAfter, resolveWindow, type Window } from './window.js';

export interface WindowQuery {
  from?: string;
  to?: string;
  category?: string[];
}

export interface DataRange {
  first_month: string | null;
  last_month: string | null;
}

/** First and last month with data (both null when there are no incidents). */
export const dataRange = async (db: Queryable) => (await db.query<DataRange>(RANGE_SQL))[0];

/** A partner's default window (issue 15): the 12 months to the last whole calendar quarter up to `lastMonth`. */
export function partnerWindow(lastMonth: string): Window {
  const p = partnerDefaultPeriod(lastMonth);
  return { from: `${p.from}-01`, to: `${p.to}-01` };
}

/** from/to, or by default the 12 months to the last month with data (`'all'`: every month with data). */
export async function requestWindow(
  db: Queryable,
  q: { from?: string; to?: string },
  dflt: 'last12' | 'all' = 'last12',
): Promise<Window> {
  if (q.from && q.to) return resolveWindow(q, { from: q.from, to: q.to });
  const r = await dataRange(db);
  // A partner's default is one of the partner periods (issue 15): the 12 months to the last whole quarter.
  if (inPartnerRequest() && r.last_month) return resolveWindow(q, partnerWindow(r.last_month));
  if (dflt === 'all' && r.first_month && r.last_month)
    return resolveWindow(q, { from: `${r.first_month}-01`, to: monthAfter(r.last_month) });
  return resolveWindow(q, defaultWindow(r.first_month, r.last_month));
}

/**
 * Category slugs must exist (400 naming `category` and the unknown ones otherwise); categories null = every
 * category. A category set (`@serious-violence`: the partnership's definition, api/definitions/) expands
 * here to its categories and its narrowing (offence codes, victim age, location types:
 * definitions/narrowing.ts), for every route, and is noted so the response states the definition it used.
 * A set that narrows is not combined with other categories in one request (its narrowing would apply to
 * them too): 400.
 */
export async function requestSelection(db: Queryable, slugs: string[] | undefined): Promise<Selection> {
  if (!slugs?.length) return { categories: null, narrowing: null };
  const expanded: string[] = [];
  let narrowing: Narrowing | null = null;
  for (const s of slugs) {
    if (!s.startsWith('@')) {
      expanded.push(s);
      continue;
    }
    if (!(CATEGORY_SETS as readonly string[]).includes(s.slice(1)))
      throw new ApiError(
        400,
        'invalid_parameter',
        `category: unknown category set ${s} (sets: ${CATEGORY_SETS.map((x) => `@${x}`).join(', ')})`,
        [{ path: 'category', message: 'unknown category set', unknown: [s] }],
      );
    const cur = await currentDefinition(db);
    noteCategorySet(definitionMeta(cur));
    expanded.push(...cur.definition.categories);
    narrowing = narrowingOf(cur.definition);
  }
  const wanted = [...new Set(expanded)];
  if (narrowing && new Set(slugs).size > 1)
    throw new ApiError(
      400,
      'invalid_parameter',
      'category: a category set that narrows by offence code, victim age or location type cannot be combined with other categories in one request',
      [{ path: 'category', message: 'narrowing set combined with other categories' }],
    );
  const known = new Set(
    (await db.query<{ slug: string }>('SELECT slug FROM categories WHERE slug = ANY($1::text[])', [wanted])).map((r) => r.slug),
  );
  const unknown = wanted.filter((s) => !known.has(s));
  if (unknown.length === 0) return { categories: wanted, narrowing };
  throw new ApiError(
    400,
    'invalid_parameter',
    `category: unknown categor${unknown.length > 1 ? 'ies' : 'y'} ${unknown.join(', ')}`,
    [{ path: 'category', message: 'unknown category', unknown }],
  );
}
