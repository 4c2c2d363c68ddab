// Places (issue 14): the names of hotspot cells, outreach candidates, patrol boxes and route segments (the
// `place` field those answers carry, filled by api/places/names.ts), and the search box's route.
import { z } from './zod.js';
import { defineRoute, json } from './http.js';

export const PLACE_BASES = ['street', 'landmark', 'ward', 'none'] as const;

/**
 * A unit's name from the data: the street most of its incidents were recorded on plus its ward
 * (`street`), police.uk's anonymised non-street point when it has no real street (`landmark`), the ward
 * alone (`ward`: no incident with a street, or a partner), or null with the reason (`none`).
 */
export const PlaceName = z.object({
  name: z.string().nullable(),
  basis: z.enum(PLACE_BASES),
  street: z.string().nullable(),
  /** Incidents on that street in the unit (null for partners and ward names). */
  street_incidents: z.number().int().nullable(),
  /** Located incidents in the unit, all time (null for partners). */
  incidents: z.number().int().nullable(),
  ward: z.string().nullable(),
  ward_code: z.string().nullable(),
  /** Why the name is not street + ward. */
  reason: z.string().nullable(),
});
export type PlaceName = z.output<typeof PlaceName>;

export const SEARCH_KINDS = ['ward', 'street', 'school', 'site', 'postcode'] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

export const MAX_SEARCH_RESULTS = 20;

export const searchQuery = z.strictObject({
  q: z
    .string()
    .trim()
    .min(2, 'type at least 2 characters')
    .max(100, 'at most 100 characters')
    .regex(/^[^\u0000-\u001f\u007f]*$/, 'no control characters'),
  limit: z.coerce.number().int().min(1).max(MAX_SEARCH_RESULTS).default(10),
});

const BBox = z.tuple([z.number(), z.number(), z.number(), z.number()]);

export const SearchResult = z.object({
  kind: z.enum(SEARCH_KINDS),
  label: z.string(),
  detail: z.string(),
  /** [west, south, east, north] (WGS84) for areas and streets; null for points. */
  bbox: BBox.nullable(),
  /** [lon, lat] for schools, sites and postcodes; null for extents. */
  point: z.tuple([z.number(), z.number()]).nullable(),
});
export type SearchResult = z.output<typeof SearchResult>;

export const SearchResponse = z.object({
  results: z.array(SearchResult),
  meta: z.object({
    q: z.string(),
    kinds: z.array(z.enum(SEARCH_KINDS)),
    postcodes_loaded: z.boolean(),
    order: z.string(),
    /** What this role's search leaves out, and why. */
    withheld: z.array(z.object({ kind: z.enum(SEARCH_KINDS), reason: z.string() })),
  }),
});
export type SearchResponse = z.output<typeof SearchResponse>;

export const search = defineRoute({
  method: 'get',
  path: '/search',
  summary: 'Find a ward, a street in the data, a school, an intervention site or a postcode, to fly the map there',
  tags: ['places'],
  'x-access': {
    capability: 'aggregates.read',
    partner: {
      kind: 'no-counts',
      reason:
        'partners search wards, schools and postcodes only: names and extents, no counts; street extents are drawn from record-level incident points and intervention sites from the register, which partners may not read',
    },
  },
  request: { query: searchQuery },
  responses: { 200: json(SearchResponse, 'Ranked results: exact, then prefix, then word-prefix, then substring matches') },
});

export const placeRoutes = [search] as const;
