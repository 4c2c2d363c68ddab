// Exports: a file leaves the system, so the body states a purpose and a recipient (audited, DPA 2018 s62).
// `filters` are the same strings as the matching GET route's query, checked by the same schema.
import { z } from './zod.js';
import { AreaStats, incidentsQuery, statsQuery } from './aggregates.js';
import { defineRoute, json, jsonBody } from './http.js';
import { exportStatement } from './params.js';

export const INCIDENT_EXPORT_FORMATS = ['csv', 'geojson'] as const;
export const AREA_EXPORT_FORMATS = ['csv', 'json'] as const;

export const incidentsExportBody = z.strictObject({
  ...exportStatement,
  format: z.enum(INCIDENT_EXPORT_FORMATS).default('csv'),
  /** GET /incidents' query (its `limit` is ignored: an export holds every matching record, up to its own limit). */
  filters: incidentsQuery.prefault({}),
});

export const areasExportBody = z.strictObject({
  ...exportStatement,
  format: z.enum(AREA_EXPORT_FORMATS).default('csv'),
  /** GET /stats/areas' query. */
  filters: statsQuery,
});

/** What every export states (the dialog asks for it). */
export type Stated = Pick<z.input<typeof areasExportBody>, 'purpose' | 'recipient'>;

const attachment = (types: Record<string, string>) => ({
  description: 'The file, as an attachment (Content-Disposition names it)',
  content: Object.fromEntries(Object.entries(types).map(([type, what]) => [type, { schema: z.string().describe(what) }])),
});

export const exportIncidents = defineRoute({
  method: 'post',
  path: '/exports/incidents',
  summary: 'Record-level incidents as a CSV or GeoJSON file (audited with purpose and recipient)',
  tags: ['exports'],
  'x-access': { capability: 'records.export' },
  request: { body: jsonBody(incidentsExportBody) },
  responses: {
    200: attachment({
      'text/csv': 'one row per incident, then one source line per import batch',
      'application/geo+json': 'IncidentCollection with a sources member (the import batches)',
    }),
  },
});

export const exportAreas = defineRoute({
  method: 'post',
  path: '/exports/areas',
  summary: 'Per-area statistics as a CSV (missing data in words, partners: withheld counts) or JSON file (audited)',
  tags: ['exports'],
  'x-access': { capability: 'aggregates.read', partner: { kind: 'masked', rule: 'the partner mask of GET /stats/areas' } },
  request: { body: jsonBody(areasExportBody) },
  responses: {
    200: {
      description: 'The file, as an attachment (Content-Disposition names it)',
      content: {
        'text/csv': {
          schema: z
            .string()
            .describe(
              'one row per area, then outside_study_area, total, notes, coverage_rule, then one source line per import batch',
            ),
        },
        'application/json': { schema: AreaStats },
      },
    },
  },
});

/** A PNG of a map made in the browser (issue 14): the server records it; the image itself never passes through. */
export const MAP_IMAGE_PAGES = ['map', 'journeys', 'planning', 'chb', 'present'] as const;
export const mapImageBody = z.strictObject({
  ...exportStatement,
  page: z.enum(MAP_IMAGE_PAGES),
  /** The title and period printed on the image, as shown. */
  title: z.string().trim().min(1).max(200),
  period: z.string().trim().max(100),
  /** The page's address (path and query: the view, filters and camera the image shows). */
  view: z.string().max(2000).regex(/^\//, 'a path on this app'),
  width: z.number().int().min(1).max(16384),
  height: z.number().int().min(1).max(16384),
});
export const MapImageRecorded = z.object({ file_name: z.string() });

export const recordMapImage = defineRoute({
  method: 'post',
  path: '/exports/map-image',
  summary:
    'Records a map image made in the browser (purpose, recipient, the view it shows) in the audit log; returns its file name',
  tags: ['exports'],
  'x-access': {
    capability: 'aggregates.read',
    partner: {
      kind: 'no-counts',
      reason: 'records an image the user made of their own (already masked) map; the answer is a file name',
    },
  },
  request: { body: jsonBody(mapImageBody) },
  responses: { 200: json(MapImageRecorded, 'The name to save the image under') },
});

export const exportRoutes = [exportIncidents, exportAreas, recordMapImage] as const;
