// Live updates, ingest, meetings ("follow the presenter") and the tasking pack (api/live/routes.ts).
// The two event streams are declared as `text/event-stream`; their events' data are described here
// (LiveChange, MeetingEvents) for the UI, which reads them with EventSource.
import { z } from './zod.js';
import { defineRoute, file, json, jsonBody, noQuery } from './http.js';
import { categoryParam, dateParam, exportStatement, resParam } from './params.js';
import { CategorySetMeta } from './definitions.js';
import { CHANGE_COMPARISONS, CORRECTIONS, MAX_POLYGON_VERTICES, MAX_TOP, PERIOD_KINDS, SCHEME_NAME } from './hotspots.js';

const MASKED = { kind: 'masked', rule: 'counts below min_count withheld, with complementary suppression' } as const;
const tags = ['live'];

// ---------- the change feed ----------

const SEQ = /^\d{1,15}$/;
export const liveQuery = z.strictObject({
  after: z.string().regex(SEQ, 'after is a change seq (a whole number)').transform(Number).optional(),
});

/**
 * One committed import batch on the change feed (event `incidents`). Only analysts get its bbox (where
 * the new records lie); partners get a "data changed" signal only: count, months and bbox null.
 */
export const LiveChange = z.object({
  seq: z.number().int(),
  at: z.string(),
  batch_id: z.number().int(),
  count: z.number().int().nullable(),
  months: z.tuple([z.string(), z.string()]).nullable(),
  bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]).nullable(),
});
export type LiveChange = z.output<typeof LiveChange>;

export const getLive = defineRoute({
  method: 'get',
  path: '/live',
  summary: 'The change feed (server-sent events): `ready`, `incidents` (a LiveChange), `reset`, `end`',
  tags,
  'x-access': {
    capability: 'aggregates.read',
    partner: {
      kind: 'masked',
      rule: 'partners get a "data changed" signal only (seq, at, batch_id): never a change\'s count, months or location; they refetch the perturbed aggregates',
    },
  },
  request: { query: liveQuery },
  responses: { 200: file('text/event-stream', 'Events after `?after=` (or Last-Event-ID); a `ready` event once caught up') },
});

// ---------- ingest ----------

export const MAX_INGEST = 5000;
const ISO_WHEN = /^\d{4}-\d{2}(-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?)?$/;
const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .regex(/^[^\u0000-\u001f\u007f]*$/, 'no control characters');

/** One pushed incident (each is checked on its own, so a bad one is reported with its index). */
export const incidentSchema = z
  .strictObject({
    id: z.string().trim().min(1, 'id is required').max(120),
    category: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'category is a category slug (see GET /api/categories)'),
    occurred_at: z.string().regex(ISO_WHEN, 'occurred_at is YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM]'),
    lon: z.number().min(-180).max(180).optional(),
    lat: z.number().min(-90).max(90).optional(),
    easting: z.number().min(0).max(800_000).optional(),
    northing: z.number().min(0).max(1_400_000).optional(),
    age_band: text(40).optional(),
    outcome: text(200).optional(),
    location: text(200).optional(),
    /** Home Office offence code ("8N", "008N"): the incident is weighted by it in code-level harm schemes. */
    offence_code: text(20).optional(),
    /** Location type ("street", "public space"): a serious-violence definition may narrow by it. */
    location_type: text(80).optional(),
  })
  .refine(
    (r) =>
      (r.lon !== undefined && r.lat !== undefined && r.easting === undefined && r.northing === undefined) ||
      (r.easting !== undefined && r.northing !== undefined && r.lon === undefined && r.lat === undefined),
    {
      message: 'give either lon and lat (WGS84) or easting and northing (British National Grid)',
    },
  );
export type IncidentIn = z.infer<typeof incidentSchema>;

/** One incident, an array of them, or {dataset?, incidents: [...]}. Items are checked one by one (incidentSchema). */
export const ingestBody = z.union([
  z.strictObject({
    dataset: z.string().trim().min(1).max(120).optional(),
    incidents: z.array(z.unknown()).min(1, 'incidents is empty').max(MAX_INGEST, `at most ${MAX_INGEST} incidents per request`),
  }),
  z.array(z.unknown()).min(1, 'no incidents').max(MAX_INGEST, `at most ${MAX_INGEST} incidents per request`),
  z.record(z.string(), z.unknown()).refine((o) => !('incidents' in o), 'incidents must be an array'),
]);

export const IngestResult = z.object({
  batch_id: z.number().int(),
  imported: z.number().int(),
  duplicates: z.number().int(),
  outside_study_area: z.number().int(),
  rejected: z.array(z.object({ index: z.number().int(), reason: z.string() })),
});
export type IngestResult = z.output<typeof IngestResult>;

export const ingestIncidents = defineRoute({
  method: 'post',
  path: '/incidents',
  summary: 'Push incidents as they are recorded (one import batch; all or nothing; audited)',
  tags,
  'x-access': { capability: 'incidents.ingest', scope: 'ingest' },
  request: { body: jsonBody(ingestBody) },
  responses: { 200: json(IngestResult, 'What was imported') },
});

// ---------- meetings ----------

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$/, 'YYYY-MM or YYYY-MM-DD');
const filterValue = z.union([z.string().max(500), z.number(), z.boolean(), z.null(), z.array(z.string().max(100)).max(100)]);

/**
 * The hotspot statistic the presenter shows (issue 14): its mode and every parameter of the hotspot panel,
 * the playback step and which side list is open. `mode` is a short id, not an enum, so new statistics
 * (Knox, KDE) travel without a contract change; the follower applies only modes its page knows.
 */
export const MeetingHotspot = z.strictObject({
  mode: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,19}$/, 'hotspot mode is a short lower-case id')
    .nullable(),
  unit: z.enum(['h3', 'area'], { message: 'hotspot unit is h3 or area' }),
  weights: z.string().regex(SCHEME_NAME, 'a harm scheme name is lower-case letters, digits and hyphens'),
  k: z.number().int().min(1).max(3),
  correction: z.enum(CORRECTIONS, { message: `correction is one of ${CORRECTIONS.join(', ')}` }),
  period: z.enum(PERIOD_KINDS, { message: `period is one of ${PERIOD_KINDS.join(', ')}` }),
  /** Playback step (0-based); null = the summary (pattern, or the whole window). */
  step: z.number().int().min(0).max(999).nullable(),
  vs: z.enum(CHANGE_COMPARISONS, { message: 'vs is previous or year_ago' }),
  top: z.number().int().min(1).max(MAX_TOP),
  /** Which side list is open (e.g. increases / decreases under Change; a pattern under Emerging). */
  list: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,39}$/, 'list is a short lower-case id')
    .nullable(),
});
export type MeetingHotspot = z.output<typeof MeetingHotspot>;

/** Most vertices of a drawn area in a meeting view (the profile API's limit). */
export const MEETING_POLYGON_VERTICES = MAX_POLYGON_VERTICES;
const lonLat = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
/** The presenter's drawn area: a closed GeoJSON Polygon in WGS84, at most MEETING_POLYGON_VERTICES vertices. */
export const MeetingPolygon = z
  .strictObject({
    type: z.literal('Polygon'),
    coordinates: z
      .array(z.array(lonLat).min(4, 'a ring needs at least 4 positions (closed)').max(MAX_POLYGON_VERTICES))
      .min(1, 'a polygon needs a ring')
      .max(20, 'at most 20 rings'),
  })
  .refine(
    (p) => p.coordinates.reduce((s, r) => s + r.length, 0) <= MAX_POLYGON_VERTICES,
    `a drawn area has at most ${MAX_POLYGON_VERTICES} vertices`,
  )
  .refine(
    (p) => p.coordinates.every((r) => r[0][0] === r[r.length - 1][0] && r[0][1] === r[r.length - 1][1]),
    'every ring of a drawn area is closed (first and last positions equal)',
  );
export type MeetingPolygon = z.output<typeof MeetingPolygon>;

/** The unit selected on the presenter's map. */
export const MeetingSelection = z.union([
  z.strictObject({ kind: z.literal('area'), code: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'an area code') }),
  z.strictObject({ kind: z.literal('hex'), h3: z.string().regex(/^[0-9a-f]{15}$/, 'an H3 cell index') }),
]);

/** The presenter's map view: what a follower's map needs to show the same thing (PUT /meetings/{id}/view). */
export const MeetingView = z.strictObject({
  center: z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]),
  zoom: z.number().min(0).max(24),
  bearing: z.number().min(-360).max(360).optional(),
  pitch: z.number().min(0).max(85).optional(),
  layers: z.array(z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'layer ids are lower-case letters, digits, _ and -')).max(20),
  filters: z
    .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,39}$/, 'filter names are letters, digits and _'), filterValue)
    .refine((f) => Object.keys(f).length <= 30, 'at most 30 filters'),
  window: z
    .strictObject({ from: month.nullable(), to: month.nullable() })
    .refine((w) => !w.from || !w.to || w.from < w.to, 'window.from must be before window.to'),
  /** The hotspot statistic and its parameters (absent from views sent before issue 14: counts). */
  hotspot: MeetingHotspot.optional(),
  /** The selected unit (null: none). */
  selected: MeetingSelection.nullable().optional(),
  /** The drawn area (null: none). */
  drawn: MeetingPolygon.nullable().optional(),
});
export type MeetingView = z.output<typeof MeetingView>;

export const createMeetingBody = z.strictObject({ title: z.string().trim().max(200).default('') });

/** GET /meetings: recent meetings, newest first (ended ones by when they ended). */
export const meetingsQuery = z.strictObject({
  ended: z
    .enum(['true', 'false'], { message: 'ended is true or false' })
    .transform((s) => s === 'true')
    .optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'limit is a whole number from 1 to 100')
    .transform(Number)
    .pipe(z.number().int().min(1, 'limit is at least 1').max(100, 'limit is at most 100'))
    .default(20),
});

/** A meeting as the presenter and followers see it. */
export const Meeting = z.object({
  id: z.string(),
  code: z.string(),
  title: z.string(),
  presenter: z.object({ id: z.number().int(), email: z.string() }),
  created_at: z.string(),
  expires_at: z.string(),
  ended_at: z.string().nullable(),
  view: MeetingView.nullable(),
  view_version: z.number().int(),
  view_at: z.string().nullable(),
  /** The change feed's position when the meeting started / ended (null while it runs). */
  start_seq: z.number().int(),
  end_seq: z.number().int().nullable(),
});
export type Meeting = z.output<typeof Meeting>;

/** A meeting as GET /meetings lists it (no view). */
export const MeetingSummary = Meeting.pick({
  id: true,
  code: true,
  title: true,
  created_at: true,
  ended_at: true,
  start_seq: true,
  end_seq: true,
}).extend({
  presenter: z.object({ email: z.string() }),
});
export type MeetingSummary = z.output<typeof MeetingSummary>;

/** What the presenter sends followers (event `view` on GET /meetings/{id}/events) and PUT …/view answers. */
export const ViewVersion = z.object({ view_version: z.number().int(), view_at: z.string().nullable() });
export const MeetingEvents = {
  /** First, on connect: the meeting. */
  meeting: Meeting,
  /** Each new view of the presenter. */
  view: ViewVersion.extend({ view: MeetingView }),
  /** The meeting ended (or was deleted), or the follower signed out. */
  end: z.object({ reason: z.enum(['ended', 'deleted', 'signed_out']) }),
};
export type MeetingViewEvent = z.output<typeof MeetingEvents.view>;

const meetingParams = z.object({ id: z.string() }); // an id or a join code: checked by findMeeting (api/live/meetings.ts)
const noCounts = { kind: 'no-counts', reason: 'a meeting is its title, join code, presenter and map view: no counts' } as const;

export const createMeeting = defineRoute({
  method: 'post',
  path: '/meetings',
  summary: 'Open a meeting and present (followers join with its code)',
  tags,
  'x-access': { capability: 'meetings.present' },
  request: { body: jsonBody(createMeetingBody) },
  responses: { 201: json(Meeting, 'The new meeting') },
});

export const listMeetings = defineRoute({
  method: 'get',
  path: '/meetings',
  summary: 'Recent meetings, newest first (for "since the last meeting")',
  tags,
  'x-access': { capability: 'aggregates.read', partner: noCounts },
  request: { query: meetingsQuery },
  responses: {
    200: json(z.object({ meetings: z.array(MeetingSummary) }), 'Meetings, running ones first, then by when they ended'),
  },
});

export const getMeeting = defineRoute({
  method: 'get',
  path: '/meetings/{id}',
  summary: 'A meeting, by id or join code',
  tags,
  'x-access': { capability: 'aggregates.read', partner: noCounts },
  request: { params: meetingParams, query: noQuery },
  responses: { 200: json(Meeting, 'The meeting (ended ones too)') },
});

export const putMeetingView = defineRoute({
  method: 'put',
  path: '/meetings/{id}/view',
  summary: "The presenter's new map view (sent to every follower)",
  tags,
  'x-access': { capability: 'meetings.present' },
  request: { params: meetingParams, body: jsonBody(MeetingView) },
  responses: { 200: json(ViewVersion, 'The view version stored') },
});

export const endMeeting = defineRoute({
  method: 'delete',
  path: '/meetings/{id}',
  summary: 'End the meeting (presenter only)',
  tags,
  'x-access': { capability: 'meetings.present' },
  request: { params: meetingParams },
  responses: { 200: json(Meeting, 'The ended meeting') },
});

export const meetingEvents = defineRoute({
  method: 'get',
  path: '/meetings/{id}/events',
  summary: 'Follow the presenter (server-sent events): `meeting`, then `view` on each change, `end`',
  tags,
  'x-access': { capability: 'aggregates.read', partner: noCounts },
  request: { params: meetingParams, query: noQuery },
  responses: { 200: file('text/event-stream', 'The meeting, its views, and its end') },
});

// ---------- the tasking pack ----------

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

export const packQuery = z.strictObject({
  from: dateParam.optional(),
  to: dateParam.optional(),
  // Absent: one month when the data in scope are known only to the month (police.uk), else 28 days.
  compare: z
    .string()
    .regex(/^[1-9]\d{0,3}[dwm]$/, 'compare is a period length: days, weeks or months, e.g. 28d, 4w, 1m')
    .optional(),
  category: categoryParam.optional(),
  res: resParam.default(8),
  top: z
    .string()
    .regex(/^\d{1,3}$/, 'top is a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1).max(100))
    .default(10),
  since: z
    .string()
    .refine(
      (s) => /^\d{1,15}$/.test(s) || (ISO_INSTANT.test(s) && !Number.isNaN(Date.parse(s))),
      'since is a change seq (from GET /api/live) or an ISO instant with a zone, e.g. 2025-03-01T09:00:00Z',
    )
    .optional(),
});
export type PackQuery = z.output<typeof packQuery>;

/** The zip: the pack's query as strings (`filters`, checked as GET /pack's query), with purpose and recipient. */
export const packExportBody = z.strictObject({
  ...exportStatement,
  filters: z.record(z.string(), z.string()).default({}),
});

/** Which period has no data (issue 11): its count is null, never 0. */
export const NoData = z.enum(['current', 'previous', 'both']).nullable();
export type NoData = z.output<typeof NoData>;
/** A count: null when withheld (partners; `suppressed` says so) or when its period has no data (`no_data`). */
const count = z.number().int().nullable();

export const PackRow = z.object({
  count,
  previous_count: count,
  change: z.number().nullable(),
  change_pct: z.number().nullable(),
  no_data: NoData,
  no_data_reason: z.string().nullable(),
  /** This period is only partly covered. */
  note: z.string().optional(),
  /** Partners: a count withheld. */
  suppressed: z.boolean().optional(),
});
export type PackRow = z.output<typeof PackRow>;

const Gap = z.object({ from: z.string(), to: z.string() });
const PeriodCoverage = z.object({
  status: z.enum(['full', 'partial', 'none']),
  missing_months: z.array(z.string()),
  reason: z.string().nullable(),
  categories: z.array(z.object({ category: z.string(), gaps: z.array(Gap), covered_days: z.number() })),
});

export const PackWard = z.looseObject({
  rank: z.number().int(),
  code: z.string(),
  name: z.string(),
  count,
  population: z.number().nullable(),
  rate_per_1000: z.number().nullable(),
  previous_count: count,
  change: z.number().nullable(),
  no_data: NoData,
  suppressed: z.boolean().optional(),
  previous_suppressed: z.boolean().optional(),
});
export type PackWard = z.output<typeof PackWard>;

export const PackBatch = z.object({
  seq: z.number().int(),
  at: z.string(),
  batch_id: z.number().int(),
  kind: z.string().nullable(),
  dataset: z.string().nullable(),
  count,
  months: z.tuple([z.string(), z.string()]).nullable(),
});

/** A section another module provides (patrol and outreach proposals, CHB areas), or why there is none. */
export const PackSection = z.union([
  z.object({ title: z.string(), available: z.literal(true), data: z.unknown() }),
  z.object({ title: z.string(), available: z.literal(false), note: z.string() }),
]);
export type PackSection = z.output<typeof PackSection>;

export const Pack = z.object({
  generated_at: z.string(),
  seq: z.number().int(),
  period: z.object({
    from: z.string(),
    to: z.string(),
    previous_from: z.string(),
    previous_to: z.string(),
    compare: z.string().nullable(),
    basis: z.string(),
  }),
  categories_filter: z.array(z.string()).nullable(),
  coverage: z.object({ current: PeriodCoverage, previous: PeriodCoverage, gaps: z.array(z.string()), rule: z.string() }),
  comparison: z.object({
    categories: z.array(PackRow.extend({ slug: z.string(), label: z.string() })),
    total: PackRow,
    time_precision: z.array(z.object({ precision: z.string(), count })),
  }),
  top_cells: z.object({
    res: z.number().int(),
    method: z.literal('count'),
    cells: z.array(PackRow.extend({ h3: z.string(), ward_code: z.string().nullable(), ward_name: z.string().nullable() })),
  }),
  wards: z
    .object({
      areas: z.array(PackWard),
      total: count,
      outside_study_area: count,
      no_data: NoData,
      coverage: z.object({
        count_reason: z.string().nullable(),
        count_note: z.string().nullable(),
        previous_reason: z.string().nullable(),
      }),
    })
    .nullable(),
  changes: z
    .object({
      since: z.string(),
      to_seq: z.number().int(),
      incidents_added: count,
      batches: z.array(PackBatch),
      by_category: z.array(z.object({ slug: z.string(), label: z.string(), count })),
    })
    .nullable(),
  sections: z.record(z.string(), PackSection),
  /** The partnership's definition, when the request chose it (category=@serious-violence; issue 18). */
  category_set: CategorySetMeta.optional(),
  /** Partners: the threshold below which counts are withheld. */
  disclosure: z.object({ min_count: z.number().int(), rule: z.string() }).optional(),
});
export type Pack = z.output<typeof Pack>;

export const getPack = defineRoute({
  method: 'get',
  path: '/pack',
  summary: 'The tasking pack: this period against the previous one, top cells, ward league, changes since, planning sections',
  tags,
  'x-access': { capability: 'aggregates.read', partner: MASKED },
  request: { query: packQuery },
  responses: { 200: json(Pack, 'The pack') },
});

export const exportPack = defineRoute({
  method: 'post',
  path: '/exports/pack',
  summary: 'The tasking pack as a zip: CSV tables, GeoJSON, the JSON and a README (audited)',
  tags,
  'x-access': { capability: 'aggregates.read', partner: MASKED },
  request: { body: jsonBody(packExportBody) },
  responses: { 200: file('application/zip', 'The pack as a zip') },
});

export const liveRoutes = [
  getLive,
  ingestIncidents,
  createMeeting,
  listMeetings,
  getMeeting,
  putMeetingView,
  endMeeting,
  meetingEvents,
  getPack,
  exportPack,
] as const;
