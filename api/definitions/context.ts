// Stating the category set a response used (issue 18): requestCategories (aggregates/request.ts), the one
// place requests resolve `category`, notes each set it expands; this middleware then adds the set's
// definition to the JSON response (`meta.category_set`, or `category_set` where there is no meta) and,
// for files, the header X-Saferplaces-Category-Set. One request context per API request
// (AsyncLocalStorage), so no route has to pass it along.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../auth/middleware.js';
import { stringify } from 'csv-stringify/sync';
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
        // Files state it in their own text too (a header is lost once the file is saved): each kind in its
        // own way, unless the route already wrote it (hotspot CSV, areas CSV, the pack).
        const stated = await statedInFile(c.res, type, sets);
        if (stated !== null) {
          const headers = new Headers(c.res.headers);
          headers.delete('content-length');
          c.res = new Response(stated, { status: c.res.status, headers });
        }
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

const escapeXml = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The file's text with its category sets stated inside, or null to leave it as it is (not a text file, or it
 * states them already): CSV gets `category_set` rows after its data (the areas CSV's footer style), GeoJSON a
 * top-level `category_set` member, GPX an XML comment after the declaration, HTML a paragraph before `</body>`.
 */
async function statedInFile(res: Response, type: string, sets: CategorySetMeta[]): Promise<string | null> {
  const kind = /^text\/csv\b/i.test(type)
    ? 'csv'
    : /^application\/geo\+json\b/i.test(type)
      ? 'geojson'
      : /^application\/gpx\+xml\b/i.test(type)
        ? 'gpx'
        : /^text\/html\b/i.test(type)
          ? 'html'
          : null;
  if (kind === null || !res.body) return null;
  const text = await res.clone().text();
  const lines = sets.map(categorySetLine);
  if (kind === 'geojson') {
    const body = JSON.parse(text) as Record<string, unknown>;
    if ('category_set' in body) return null;
    return JSON.stringify({ ...body, category_set: sets.length === 1 ? sets[0] : sets });
  }
  // Already stated (hotspot and areas CSV, patrol briefing and GPX): each set's token and version are in the text.
  if (sets.every((s) => text.includes(s.token) && text.includes(`version ${s.version}`))) return null;
  if (kind === 'csv') return (text.endsWith('\n') ? text : `${text}\n`) + stringify(lines.map((l) => ['category_set', '', l]));
  if (kind === 'gpx') {
    const comment = lines.map((l) => `<!-- ${l.replace(/--/g, '- -')} -->`).join('\n');
    const decl = text.match(/^<\?xml[^>]*\?>\s*/);
    return decl ? `${decl[0]}${comment}\n${text.slice(decl[0].length)}` : `${comment}\n${text}`;
  }
  const para = lines.map((l) => `<p class="category-set">${escapeXml(l)}</p>`).join('\n');
  return text.includes('</body>') ? text.replace('</body>', `${para}\n</body>`) : `${text}\n${para}`;
}
