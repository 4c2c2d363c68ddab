// Open data API (issue 17): start a place from open data (ONS, Nomis, police.uk), follow its progress and
// provenance, refresh; the study-area level; the series of aggregate (no-point) ward counts.
import { z } from './zod.js';
import { KnownBreak, levelParam } from './aggregates.js';
import { idPath } from './params.js';
import { defineRoute, json, jsonBody, noQuery } from './http.js';

/** An ONS (GSS) code: a letter and eight digits, e.g. E09000023. */
export const GSS_CODE = /^[EWSN]\d{8}$/;

const code = z.string().trim().toUpperCase().regex(GSS_CODE, 'must be an ONS code like E09000023');

export const fetchBody = z
  .strictObject({
    /** Local authority codes, or names (resolved by the ONS lookup), or a police force area code (E23...). */
    lads: z.array(code).min(1).max(20).optional(),
    names: z
      .array(
        z
          .string()
          .trim()
          .regex(/^[A-Za-z][A-Za-z .,'&()-]{0,79}$/, "a place name (letters, spaces, . , ' & ( ) -)"),
      )
      .min(1)
      .max(20)
      .optional(),
    force_area: code.optional(),
    months: z.number().int().min(1).max(120).default(36),
    label: z.string().trim().min(1).max(200).optional(),
    /** Street crime from the police.uk API (default) or its monthly archive zip. */
    source: z.enum(['api', 'archive']).optional(),
  })
  .refine(
    (b) => [b.lads, b.names, b.force_area].filter((x) => x !== undefined).length === 1,
    'give exactly one of lads, names or force_area',
  );
export type FetchBody = z.input<typeof fetchBody>;

const runIdParams = idPath('run');
const studyBody = z.strictObject({ level: levelParam.nullable() });
const countsQuery = z.strictObject({
  level: levelParam.default('ward'),
  code,
  major: z.string().trim().min(1).max(120).optional(),
});

export const RUN_STATUSES = ['running', 'done', 'incomplete'] as const;
export const STEP_STATUSES = ['done', 'empty', 'failed'] as const;

const StepError = z.object({ code: z.string(), message: z.string(), step: z.string() });
/** A running fetch's progress (in memory while it runs). */
const LiveStep = z.object({
  runId: z.number().int(),
  step: z.string(),
  done: z.number().int(),
  total: z.number().int(),
  status: z.enum(['queued', 'running', 'done', 'empty', 'skipped']),
});

const RunRow = z.object({
  id: z.number().int(),
  label: z.string(),
  /** What was asked: local authorities, months, options. */
  spec: z.object({
    lads: z.array(z.string()),
    months: z.number().int().optional(),
    label: z.string().optional(),
    source: z.enum(['api', 'archive']).optional(),
  }),
  status: z.enum(RUN_STATUSES),
  created_by: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  last_error: StepError.nullable(),
  live: LiveStep.nullable(),
});

export const OpenDataStep = z.object({
  step: z.string(),
  status: z.enum(STEP_STATUSES),
  batch_id: z.number().int().nullable(),
  /** Where the data came from: source, time fetched, the requests made. */
  provenance: z
    .object({
      source: z.string().optional(),
      fetched_at: z.string().optional(),
      request_count: z.number().int().optional(),
      requests: z.array(z.object({ url: z.string(), method: z.string() }).catchall(z.unknown())).optional(),
    })
    .catchall(z.unknown())
    .nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
  finished_at: z.string(),
});
export type OpenDataStep = z.output<typeof OpenDataStep>;

export const OpenDataRun = RunRow.extend({
  steps: z.array(OpenDataStep),
  /** police.uk's known breaks in the months fetched. */
  notes: z.array(KnownBreak),
});
export type OpenDataRun = z.output<typeof OpenDataRun>;

export const StudyArea = z.object({
  /** The level in use, or null when no boundaries are loaded. */
  level: z.string().nullable(),
  /** The stored choice (null: none, the default rule applies). */
  chosen: z.string().nullable(),
  rule: z.string(),
  loaded: z.array(z.object({ level: z.string(), label: z.string(), areas: z.number().int() })),
});
export type StudyArea = z.output<typeof StudyArea>;

const importer = { capability: 'imports.write', scope: 'import' } as const;

export const startFetch = defineRoute({
  method: 'post',
  path: '/opendata/fetch',
  summary: 'Start fetching a place from open data (boundaries, populations, street crime), in the background',
  tags: ['opendata'],
  'x-access': importer,
  request: { body: jsonBody(fetchBody) },
  responses: {
    202: json(z.object({ id: z.number().int(), lads: z.array(z.string()) }), 'Started: follow GET /opendata/runs/{id}'),
  },
});

export const refresh = defineRoute({
  method: 'post',
  path: '/opendata/refresh',
  summary: 'Fetch new months (and anything unfinished) for every place fetched before',
  tags: ['opendata'],
  'x-access': importer,
  request: { query: noQuery },
  responses: {
    200: json(
      z.object({
        runs: z.array(
          z.object({
            runId: z.number().int(),
            status: z.enum(['done', 'incomplete']),
            steps: z.array(z.object({ step: z.string(), status: z.string(), batch_id: z.number().int().nullable() })),
            error: StepError.optional(),
          }),
        ),
      }),
      'Each place refreshed',
    ),
  },
});

export const listRuns = defineRoute({
  method: 'get',
  path: '/opendata/runs',
  summary: 'Open data fetches, newest first',
  tags: ['opendata'],
  'x-access': { capability: 'imports.write' },
  request: { query: noQuery },
  responses: {
    200: json(
      z.object({ runs: z.array(RunRow.extend({ steps_done: z.number().int() })) }),
      'Fetches with the number of steps done',
    ),
  },
});

export const getRun = defineRoute({
  method: 'get',
  path: '/opendata/runs/{id}',
  summary: "One fetch: its steps with provenance, live progress, and police.uk's known breaks",
  tags: ['opendata'],
  'x-access': { capability: 'imports.write' },
  request: { params: runIdParams },
  responses: { 200: json(OpenDataRun, 'The fetch') },
});

export const getStudyArea = defineRoute({
  method: 'get',
  path: '/study-area',
  summary: 'The study area: the boundary level analysed, and how it was chosen',
  tags: ['opendata'],
  'x-access': {
    capability: 'aggregates.read',
    partner: { kind: 'no-counts', reason: 'level names and numbers of areas; no incident counts' },
  },
  request: { query: noQuery },
  responses: { 200: json(StudyArea, 'The level in use') },
});

export const putStudyArea = defineRoute({
  method: 'put',
  path: '/study-area',
  summary: 'Choose the study-area level (null: the default rule); incidents are re-assigned (audited)',
  tags: ['opendata'],
  'x-access': { capability: 'imports.write' },
  request: { body: jsonBody(studyBody) },
  responses: { 200: json(StudyArea, 'The level now in use') },
});

export const areaCountSeries = defineRoute({
  method: 'get',
  path: '/area-counts/series',
  summary: 'Monthly published aggregate counts (MPS ward-level) for one area: no points; null where no file covered the month',
  tags: ['opendata'],
  'x-access': { capability: 'aggregate-counts.read' },
  request: { query: countsQuery },
  responses: {
    200: json(
      z.object({
        level: z.string(),
        code: z.string(),
        major: z.string().nullable(),
        dataset: z.string(),
        aggregate: z.boolean().describe('always true: counts as published, no points'),
        months: z.array(z.object({ month: z.string(), count: z.number().int().nullable() })),
        note: z.string(),
      }),
      'The series',
    ),
  },
});

export const openDataRoutes = [startFetch, refresh, listRuns, getRun, getStudyArea, putStudyArea, areaCountSeries] as const;
