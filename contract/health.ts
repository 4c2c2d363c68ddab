// GET /health: public; says that the service and its database are up (503 database_unavailable when the
// database is not). Admins and analysts also get the disk use.
import { z } from './zod.js';
import { defineRoute, json } from './http.js';

export const Health = z.object({
  ok: z.literal(true),
  database: z.object({
    driver: z.enum(['pglite', 'postgres']),
    postgis: z.string(),
    /**
     * Embedded database only, when it has been working on one statement or transaction (an import, a long
     * query) for longer than health waits: up, busy for `ms`; other reads queue behind it.
     */
    busy: z.object({ ms: z.number(), transactions: z.number(), note: z.string() }).optional(),
  }),
  /** Admins and analysts: the data directory (embedded database) or the database's size (server). */
  disk: z
    .object({
      data_dir: z.string().optional(),
      data_dir_bytes: z.number().optional(),
      pgdata_bytes: z.number().optional(),
      database_bytes: z.number().optional(),
      uploads_bytes: z.number(),
    })
    .optional(),
});
export type Health = z.output<typeof Health>;

export const getHealth = defineRoute({
  method: 'get',
  path: '/health',
  summary: 'Is the service up, with its database (and, for admins and analysts, the disk use)',
  tags: ['health'],
  'x-access': { capability: 'public' },
  responses: { 200: json(Health, 'Up') },
});

export const healthRoutes = [getHealth] as const;
