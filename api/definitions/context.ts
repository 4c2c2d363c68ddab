// Stating the category set a response used (issue 18): requestCategories (aggregates/request.ts), the one
// place requests resolve `category`, notes each set it expands; this middleware then adds the set's
// definition to the JSON response (`meta.category_set`, or `category_set` where there is no meta) and,
// for files, the header X-Saferplaces-Category-Set. One request context per API request
// (AsyncLocalStorage), so no route has to pass it along.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../auth/middleware.js';
import type { CategorySetMeta } from './serious-violence.js';

const used = new AsyncLocalStorage<Map<string, CategorySetMeta>>();

/** Records that this request selected categories through `set`. */
export function noteCategorySet(set: CategorySetMeta) {
  used.getStore()?.set(set.name, set);
}

/** The category sets this request has selected so far (for files, which state them in their own text). */
export const categorySetsUsed = (): CategorySetMeta[] => [...(used.getStore()?.values() ?? [])];

/** A category set in one line, for a file's header or README. */
export function categorySetLine(s: CategorySetMeta): string {
  const who = s.default ? 'built-in default' : `changed ${s.changed_at} by ${s.changed_by}`;
  return `Category set ${s.token} "${s.label}" version ${s.version} (${who}): ${s.applied}${s.not_applied ? `; ${s.not_applied}` : ''}. ${s.approximation}`;
}

export function statesCategorySets(): MiddlewareHandler<AppEnv> {
  return (c, next) =>
    used.run(new Map(), async () => {
      await next();
      const sets = [...(used.getStore()?.values() ?? [])];
      if (!sets.length) return;
      const set = sets.length === 1 ? sets[0] : sets;
      const type = c.res.headers.get('content-type') ?? '';
      if (/attachment/i.test(c.res.headers.get('content-disposition') ?? '') || !/^application\/json\b/i.test(type)) {
        c.res.headers.set(
          'x-saferplaces-category-set',
          sets.map((s) => `${s.token} v${s.version}: ${s.categories.join(' ')}`).join('; '),
        );
        return;
      }
      const body = (await c.res.clone().json()) as Record<string, unknown>;
      if (body && typeof body === 'object' && !Array.isArray(body) && !('error' in body)) {
        const meta = body.meta;
        if (meta && typeof meta === 'object' && !Array.isArray(meta)) (meta as Record<string, unknown>).category_set = set;
        else body.category_set = set;
        const headers = new Headers(c.res.headers);
        headers.delete('content-length');
        c.res = new Response(JSON.stringify(body), { status: c.res.status, headers });
      }
    });
}
