// Import API: a file's bytes as the body of POST /imports (imported in the background), its progress and
// outcome, its rejected rows, and saved column mappings. Analysts only (API tokens: `import` scope to
// send, `read` to poll).
import { z } from './zod.js';
import { levelParam } from './aggregates.js';
import { idPath } from './params.js';
import { defineRoute, ErrorBody, json, jsonBody, noQuery } from './http.js';

/** What a file can be (sniffed from its content unless `kind` is given). */
export const IMPORT_KINDS = [
  'police_uk_street',
  'incidents_csv',
  'boundaries',
  'population',
  'population_lookup',
  'population_centroids',
  'schools',
  'hubs',
  'ward_counts',
  'postcodes',
] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export const IMPORT_STATUSES = ['queued', 'running', 'committed', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** What a running import is doing. */
export const IMPORT_PHASES = ['reading', 'assigning', 'finishing'] as const;
export type ImportPhase = (typeof IMPORT_PHASES)[number];

/** Upload bodies: the file's bytes (the content itself is checked by sniffing). Forms and other types are refused. */
export const UPLOAD_TYPES = [
  'application/octet-stream',
  'text/csv',
  'text/plain',
  'application/json',
  'application/geo+json',
  'application/vnd.ms-excel',
] as const;

const field = z.string().min(1).max(200).optional();
export const startImportQuery = z.strictObject({
  kind: z.enum(IMPORT_KINDS).optional(),
  level: levelParam.optional(),
  code_field: field,
  name_field: field,
  value_field: field,
  crs: z.string().max(80).optional(),
  object: field,
  mapping: z.string().max(2000).optional(),
  save_mapping: z
    .string()
    .regex(/^[A-Za-z0-9 _.-]{1,80}$/)
    .optional(),
  dataset: z.string().min(1).max(120).optional(),
  filename: z.string().min(1).max(255).optional(),
  /** Boundaries: confirm replacing a loaded level whose codes the file does not all have (issue 13). */
  replace: z.enum(['true', 'false']).optional(),
  /** Boundaries/population: where the data come from, for the attribution. */
  source: z.string().trim().min(1).max(200).optional(),
});
/** Options of an upload, as the client writes them (the file name is added from the file). */
export type ImportOptions = Omit<z.input<typeof startImportQuery>, 'filename'>;

const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});

/** `{id}` of an import: a positive integer. */
const importIdParams = idPath('import');

export const ImportErrorInfo = z.object({
  code: z.string(),
  message: z.string(),
  line: z.number().int().optional(),
  details: z.unknown().optional(),
});

export const ImportJob = z.object({
  id: z.number().int(),
  kind: z.string().nullable(),
  file_name: z.string().nullable(),
  dataset: z.string().nullable(),
  created_by: z.string().nullable(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  status: z.enum(IMPORT_STATUSES),
  /** While it runs: what it is doing, and how far through the file (null once finished). */
  phase: z.enum(IMPORT_PHASES).nullable(),
  bytes_read: z.number().int().nullable(),
  bytes_total: z.number().int().nullable(),
  rows_read: z.number().int().nullable(),
  /** While rows are moved into place (phase 'assigning'): pieces of the move done and in all, rows moved so far. */
  pieces_done: z.number().int().nullable(),
  pieces_total: z.number().int().nullable(),
  rows_moved: z.number().int().nullable(),
  imported: z.number().int().nullable(),
  duplicates: z.number().int().nullable(),
  rejected: z.number().int().nullable(),
  outside_study_area: z.number().int().nullable(),
  /** Kind-specific details (reasons for rejects, areas replaced, coverage added, …). */
  summary: z.unknown(),
  /** Why it failed (a plain string for failures recorded before errors were structured). */
  error: z.union([ImportErrorInfo, z.string()]).nullable(),
});
export type ImportJob = z.output<typeof ImportJob>;

export const ImportReject = z.object({ line: z.number().int(), reason: z.string(), raw: z.string().nullable() });
export type ImportReject = z.output<typeof ImportReject>;

export const RejectsPage = z.object({
  /** Rows rejected by the import. */
  total: z.number().int(),
  /** Of those, how many were kept (the first MAX_STORED_REJECTS). */
  stored: z.number().int(),
  rejects: z.array(ImportReject),
});
export type RejectsPage = z.output<typeof RejectsPage>;

const Mapping = z
  .record(z.string(), z.unknown())
  .describe('A column mapping for incident CSVs (date, category, lon/lat or easting/northing, …)');

const importer = { capability: 'imports.write', scope: 'import' } as const;
const analyst = { capability: 'imports.write' } as const;

export const startImport = defineRoute({
  method: 'post',
  path: '/imports',
  summary: 'Send a file (its bytes as the body, not a form) to import in the background',
  description: `Body: the file itself, as one of ${UPLOAD_TYPES.join(', ')}. A problem visible from the first bytes answers 400 at once (with the failed import's id in details).`,
  tags: ['imports'],
  'x-access': importer,
  request: { query: startImportQuery },
  responses: {
    202: json(z.object({ id: z.number().int() }), 'Queued: poll GET /imports/{id}'),
    400: json(ErrorBody, 'Refused from its first bytes (empty, binary, unreadable header…); `details.id` is the failed import'),
  },
});

export const listImports = defineRoute({
  method: 'get',
  path: '/imports',
  summary: 'Imports, newest first',
  tags: ['imports'],
  'x-access': analyst,
  request: { query: pageQuery },
  responses: { 200: json(z.object({ imports: z.array(ImportJob) }), 'A page of imports') },
});

export const getImport = defineRoute({
  method: 'get',
  path: '/imports/{id}',
  summary: "One import's progress and outcome",
  tags: ['imports'],
  'x-access': analyst,
  request: { params: importIdParams },
  responses: { 200: json(ImportJob, 'The import') },
});

export const getRejects = defineRoute({
  method: 'get',
  path: '/imports/{id}/rejects',
  summary: "An import's rejected rows (raw record-level data: audited)",
  tags: ['imports'],
  'x-access': analyst,
  request: { params: importIdParams, query: pageQuery },
  responses: { 200: json(RejectsPage, 'A page of rejected rows') },
});

export const listMappings = defineRoute({
  method: 'get',
  path: '/mappings',
  summary: 'Saved column mappings',
  tags: ['imports'],
  'x-access': analyst,
  request: { query: noQuery },
  responses: {
    200: json(
      z.object({ mappings: z.array(z.object({ name: z.string(), mapping: Mapping, updated_at: z.string() })) }),
      'Mappings by name',
    ),
  },
});

export const putMapping = defineRoute({
  method: 'put',
  path: '/mappings/{name}',
  summary: 'Save a column mapping under a name (audited)',
  tags: ['imports'],
  'x-access': importer,
  request: {
    params: z.object({ name: z.string() }),
    body: jsonBody(Mapping, 'The mapping (checked as the importer reads it: 400 bad_mapping otherwise)'),
  },
  responses: { 200: json(z.object({ name: z.string(), mapping: Mapping }), 'The saved mapping') },
});

export const importRoutes = [startImport, listImports, getImport, getRejects, listMappings, putMapping] as const;
