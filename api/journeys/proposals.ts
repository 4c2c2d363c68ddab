// POST /api/journeys/proposals: candidate routes along the stored walking network (the one planning
// coverage and outreach walk along, loaded with PUT /api/planning/network); nothing is stored, the user
// saves the ones they want with POST /api/journeys/routes.
import type { z } from 'zod';
import type { Queryable } from '../db/index.js';
import { ApiError } from '../errors.js';
import { proposeRoutes as propose, type Site } from '../../geodata/journeys/proposals.js';
import type { Position } from '../../geodata/journeys/segment.js';
import { networkMeta, walkingNetwork } from '../planning/network.js';
import type { proposalsBody } from '../../contract/journeys.js';

const SITES_SQL = `
SELECT id, kind, name, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM journey_sites
WHERE kind = 'hub' OR ($1::int[] IS NULL OR id = ANY($1::int[]))
ORDER BY id`;

export async function proposeRoutes(db: Queryable, b: z.infer<typeof proposalsBody>) {
  const net = await walkingNetwork(db);
  if (!net)
    throw new ApiError(
      400,
      'no_network',
      'No walking network is loaded: an analyst loads one on the planning page (PUT /api/planning/network).',
    );
  const rows = await db.query<{ id: number; kind: string; name: string; lon: number; lat: number }>(SITES_SQL, [
    b.school_ids ?? null,
  ]);
  const site = (r: (typeof rows)[number]): Site => ({ id: r.id, name: r.name, position: [r.lon, r.lat] as Position });
  const schools = rows.filter((r) => r.kind === 'school').map(site);
  const hubs = rows.filter((r) => r.kind === 'hub').map(site);
  if (!schools.length || !hubs.length)
    throw new ApiError(400, 'no_sites', 'Import schools and hubs first (POST /api/imports with a GIAS or NaPTAN file).');
  const out = propose(net.graph, schools, hubs, { k: b.k, maxSnapM: b.max_snap_m });
  return { ...out, k: b.k, max_snap_m: b.max_snap_m, network: networkMeta(net.info) };
}
