// Provenance in exports (issue 17): every exported file says which import batches its data came from, and for
// each where it came from: the source, the file name or the requests made (URL, parameters) and when it was
// fetched — the provenance kept with the batch by the open-data fetch (api/opendata/fetch.ts), or for an
// uploaded file its name, checksum and import time.
import { stringify } from 'csv-stringify/sync';
import type { Db } from '../db/index.js';

export interface ExportSource {
  batch_id: number;
  /** What the batch gave the export: incidents, boundaries (of a level), population, population lookup, centroids. */
  role: string;
  kind: string;
  file_name: string;
  file_sha256: string | null;
  /** Who published it (e.g. "police.uk API", "ONS Open Geography Portal"), or null when nobody said. */
  source: string | null;
  /** The first request made for it (open data), or null for an uploaded file. */
  url: string | null;
  /** The parameters of the fetch (open data), or null. */
  parameters: Record<string, unknown> | null;
  /** Requests made for it (open data). */
  request_count: number | null;
  /** When it was fetched (open data: the first request), or null for an uploaded file. */
  fetched_at: string | null;
  imported_at: string;
}

interface BatchRow {
  id: number;
  kind: string;
  file_name: string;
  file_sha256: string | null;
  source: string | null;
  provenance: {
    source?: string;
    parameters?: Record<string, unknown>;
    fetched_at?: string;
    request_count?: number;
    requests?: Array<{ url: string }>;
  } | null;
  imported_at: string;
}

/** The batches behind an export, by role (a batch in several roles is listed once per role). */
export async function exportSources(db: Db, roles: Array<[string, number[]]>): Promise<ExportSource[]> {
  const ids = [...new Set(roles.flatMap(([, b]) => b))];
  if (!ids.length) return [];
  const rows = await db.query<BatchRow>(
    `SELECT id, kind, file_name, file_sha256, source, provenance,
            to_char(COALESCE(finished_at, started_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS imported_at
     FROM import_batches WHERE id = ANY($1::int[])`,
    [ids],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out: ExportSource[] = [];
  for (const [role, batchIds] of roles)
    for (const id of [...new Set(batchIds)].sort((a, b) => a - b)) {
      const b = byId.get(id);
      if (!b) continue;
      const p = b.provenance;
      out.push({
        batch_id: b.id,
        role,
        kind: b.kind,
        file_name: b.file_name,
        file_sha256: b.file_sha256,
        source: p?.source ?? b.source,
        url: p?.requests?.[0]?.url ?? null,
        parameters: p?.parameters ?? null,
        request_count: p?.request_count ?? null,
        fetched_at: p?.fetched_at ?? null,
        imported_at: b.imported_at,
      });
    }
  return out;
}

/** Batches of the incidents exported (by incident id). */
export async function incidentBatches(db: Db, incidentIds: number[]): Promise<number[]> {
  if (!incidentIds.length) return [];
  const rows = await db.query<{ b: number }>(
    `SELECT DISTINCT batch_id AS b FROM incidents WHERE id = ANY($1::bigint[]) ORDER BY 1`,
    [incidentIds],
  );
  return rows.map((r) => r.b);
}

/**
 * The batches behind per-area statistics of `level` over [from, to): the incidents counted (their batches,
 * in the categories asked for), the level's boundaries, its population, and what population is resolved from
 * (the LSOA→ward lookup, LSOA centroids and LSOA population).
 */
export async function areaStatsSources(
  db: Db,
  q: { level: string; from: string; to: string; categories: string[] | null },
): Promise<ExportSource[]> {
  const incidents = await db.query<{ b: number }>(
    `SELECT DISTINCT batch_id AS b FROM incidents
     WHERE occurred_at >= $1::date AND occurred_at < $2::date AND ($3::text[] IS NULL OR category = ANY($3::text[])) ORDER BY 1`,
    [q.from, q.to, q.categories],
  );
  const one = async (sql: string, params: unknown[]) =>
    (await db.query<{ b: number | null }>(sql, params)).map((r) => r.b).filter((b): b is number => b !== null);
  const boundaries = await one(`SELECT batch_id AS b FROM area_sets WHERE level = $1`, [q.level]);
  const population = await one(`SELECT DISTINCT batch_id AS b FROM area_population WHERE level = ANY($1::text[])`, [
    [q.level, 'lsoa'],
  ]);
  const lookup = await one(`SELECT DISTINCT batch_id AS b FROM population_lookup_sets WHERE level = $1`, [q.level]);
  const centroids = await one(`SELECT DISTINCT batch_id AS b FROM lsoa_centroids`, []);
  return exportSources(db, [
    ['incidents', incidents.map((r) => r.b)],
    ['boundaries', boundaries],
    ['population', population],
    ['population_lookup', lookup],
    ['lsoa_centroids', centroids],
  ]);
}

/** Rows appended to a CSV after its data: one `source` line per batch (the areas CSV's footer style). */
export function sourceFooter(sources: ExportSource[]): string {
  if (!sources.length) return stringify([['source', '', 'no import batch behind these data']]);
  return stringify(
    sources.map((s) => [
      'source',
      s.batch_id,
      [
        s.role,
        s.source ?? 'source not stated',
        s.url ?? s.file_name,
        s.parameters ? JSON.stringify(s.parameters) : '',
        s.fetched_at ? `fetched ${s.fetched_at}` : `imported ${s.imported_at}`,
      ]
        .filter(Boolean)
        .join('; '),
    ]),
  );
}
