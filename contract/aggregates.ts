// Aggregation API: areas, stats, hexes, incidents, categories, coverage, series, summary, config.
// (Being migrated: routes not yet declared here are still registered the old way in api/aggregates/routes.ts.)
import { z } from 'zod';
import { defineRoute, Disclosure, json, noQuery } from './http.js';

const MASKED = { kind: 'masked', rule: 'counts below min_count withheld, with complementary suppression' } as const;

export const Category = z.object({
  slug: z.string(),
  label: z.string(),
  origin: z.string(),
  /** Null when withheld from partners (`suppressed`). */
  count: z.number().int().nullable(),
  suppressed: z.boolean().optional(),
});
export type Category = z.output<typeof Category>;

export const getCategories = defineRoute({
  method: 'get',
  path: '/categories',
  summary: 'Every category held, with its incident count',
  tags: ['aggregates'],
  'x-access': { capability: 'aggregates.read', partner: MASKED },
  request: { query: noQuery },
  responses: { 200: json(z.object({ categories: z.array(Category), disclosure: Disclosure.optional() }), 'Categories, most incidents first') },
});

export const aggregateRoutes = [getCategories] as const;
