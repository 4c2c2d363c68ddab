// Exports: every file that leaves the system states its purpose and recipient (logged by the server).
// The area and incident exports are contract routes (contract/exports.ts): `downloadRoute` sends their
// typed body. The helpers below serve the exports not yet in the contract too.
import type { BodyOf, ContractRoute } from '../../../contract/http';
import { routeUrl } from './call';
import { downloadFile, type Filters } from './client';

export type { Stated } from '../../../contract/exports';

/** Filters as the export endpoints take them: the same strings as the GET endpoints' query. */
export function exportFilters(f: Filters, extra: Record<string, string | undefined> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  if (f.from) out.from = f.from;
  if (f.to) out.to = f.to;
  if (f.categories?.length) out.category = f.categories.join(',');
  for (const [k, v] of Object.entries(extra)) if (v) out[k] = v;
  return out;
}

/** POSTs a contract export route's body and saves the answer as a file; returns the file name. */
export function downloadRoute<R extends ContractRoute>(route: R, body: BodyOf<R>, fallbackName: string): Promise<string> {
  return downloadFile(routeUrl(route), body, fallbackName);
}
