// The tasking pack's query from the page's view. The routes and their shapes (the change feed, meetings,
// the pack) are in contract/live.ts; the event streams are opened by web/src/lib/live-feed.ts.
import type { QueryOf } from '../../../contract/http';
import type { getPack } from '../../../contract/live';

/** What the pack page asks for (from the URL's view); `packParams` writes it as GET /api/pack's query. */
export interface PackRequest {
  from?: string;
  to?: string;
  compare?: string;
  categories?: string[];
  res?: 7 | 8 | 9 | 10;
  top?: number;
  since?: string;
}

export type PackParams = NonNullable<QueryOf<typeof getPack>>;

export function packParams(q: PackRequest): PackParams {
  const all = {
    from: q.from,
    to: q.to,
    compare: q.compare,
    category: q.categories?.length ? q.categories.join(',') : undefined,
    res: q.res,
    top: q.top,
    since: q.since,
  };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(all)) if (v !== undefined && v !== '') out[k] = String(v);
  return out as PackParams;
}
