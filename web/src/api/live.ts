// Live updates, meetings ("follow the presenter") and the tasking pack: response shapes and calls
// (api/live/*.ts on the server). The event streams themselves are opened by web/src/lib/live-feed.ts.
import { downloadFile, getJson, queryString, sendJson } from './client';
import type { Stated } from './exports';

/** One committed import batch on the change feed (GET /api/live, event `incidents`). Partners: small counts null, no bbox. */
export interface LiveChange {
  seq: number;
  at: string;
  batch_id: number;
  count: number | null;
  months: [string, string] | null;
  bbox: [number, number, number, number] | null;
}

/** The presenter's map view as PUT /api/meetings/:id/view takes it. */
export interface MeetingView {
  center: [number, number];
  zoom: number;
  bearing?: number;
  pitch?: number;
  layers: string[];
  filters: Record<string, string | number | boolean | null | string[]>;
  window: { from: string | null; to: string | null };
}

export interface Meeting {
  id: string;
  code: string;
  title: string;
  presenter: { id: number; email: string };
  created_at: string;
  expires_at: string;
  ended_at: string | null;
  view: MeetingView | null;
  view_version: number;
  view_at: string | null;
  start_seq: number;
  end_seq: number | null;
}

/** A meeting as GET /api/meetings lists it (newest first; ended ones by when they ended). */
export interface MeetingSummary {
  id: string;
  code: string;
  title: string;
  presenter: { email: string };
  created_at: string;
  ended_at: string | null;
  /** The change feed's position when the meeting started / ended (null while it runs). */
  start_seq: number;
  end_seq: number | null;
}

/** A count from the pack: null when withheld (partners; `suppressed` says so) or when its period has no data (`no_data`). */
type Count = number | null;
/** Which period has no data (issue 11): its count is null, never 0. */
export type NoData = 'current' | 'previous' | 'both' | null;
export interface PackRow {
  count: Count;
  previous_count: Count;
  change: Count;
  change_pct: Count;
  suppressed?: boolean;
  no_data?: NoData;
  no_data_reason?: string | null;
  /** This period is only partly covered. */
  note?: string;
}
export interface PackCoverage {
  current: { status: 'full' | 'partial' | 'none'; missing_months: string[]; reason: string | null };
  previous: { status: 'full' | 'partial' | 'none'; missing_months: string[]; reason: string | null };
  /** The gaps in words, one per period not fully covered. */
  gaps: string[];
  rule: string;
}
export interface PackCategory extends PackRow {
  slug: string;
  label: string;
}
export interface PackCell extends PackRow {
  h3: string;
  ward_code: string | null;
  ward_name: string | null;
}
export interface PackWard {
  rank: number;
  code: string;
  name: string;
  count: Count;
  population: number | null;
  rate_per_1000: number | null;
  previous_count: Count;
  change: Count;
  suppressed?: boolean;
  previous_suppressed?: boolean;
  no_data?: NoData;
}
export interface PackBatch {
  seq: number;
  at: string;
  batch_id: number;
  kind: string | null;
  dataset: string | null;
  count: Count;
  months: [string, string] | null;
}
export interface PackSection {
  title: string;
  available: boolean;
  note?: string;
  data?: unknown;
}

export interface Pack {
  generated_at: string;
  seq: number;
  period: { from: string; to: string; previous_from: string; previous_to: string; compare: string | null; basis?: string };
  categories_filter: string[] | null;
  coverage?: PackCoverage;
  comparison: {
    categories: PackCategory[];
    total: PackRow;
    time_precision: Array<{ precision: string; count: Count }>;
  };
  top_cells: { res: number; method: string; cells: PackCell[] };
  wards: null | {
    areas: PackWard[];
    total: Count;
    outside_study_area: Count;
    no_data?: NoData;
    coverage?: { count_reason: string | null; count_note: string | null; previous_reason: string | null };
  };
  changes: null | {
    since: string;
    to_seq: number;
    incidents_added: Count;
    batches: PackBatch[];
    by_category: Array<{ slug: string; label: string; count: Count }>;
  };
  sections: Record<string, PackSection>;
  disclosure?: { min_count: number; rule: string };
}

/** GET /api/pack's query (strings as the server takes them). */
export interface PackQuery {
  from?: string;
  to?: string;
  compare?: string;
  categories?: string[];
  res?: number;
  top?: number;
  since?: string;
}

export function packParams(q: PackQuery): Record<string, string> {
  const out: Record<string, string> = {};
  const all = { from: q.from, to: q.to, compare: q.compare, category: q.categories?.length ? q.categories.join(',') : undefined, res: q.res, top: q.top, since: q.since };
  for (const [k, v] of Object.entries(all)) if (v !== undefined && v !== '') out[k] = String(v);
  return out;
}

export const liveApi = {
  createMeeting: (title: string) => sendJson<Meeting>('POST', '/api/meetings', { title }),
  meetings: (q: { ended?: boolean; limit?: number }, signal?: AbortSignal) =>
    getJson<{ meetings: MeetingSummary[] }>(`/api/meetings${queryString({ ended: q.ended === undefined ? undefined : String(q.ended), limit: q.limit })}`, signal),
  meeting: (idOrCode: string, signal?: AbortSignal) => getJson<Meeting>(`/api/meetings/${encodeURIComponent(idOrCode)}`, signal),
  putView: (id: string, view: MeetingView) => sendJson<{ view_version: number; view_at: string }>('PUT', `/api/meetings/${encodeURIComponent(id)}/view`, view),
  endMeeting: (id: string) => sendJson<Meeting>('DELETE', `/api/meetings/${encodeURIComponent(id)}`),
  pack: (q: PackQuery, signal?: AbortSignal) => getJson<Pack>(`/api/pack${queryString(packParams(q))}`, signal),
  exportPack: (q: PackQuery, stated: Stated) => downloadFile('/api/exports/pack', { ...stated, filters: packParams(q) }, 'tasking-pack.zip'),
};
