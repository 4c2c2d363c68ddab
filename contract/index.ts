// Every API route, for the OpenAPI document (api/openapi.ts) and the tests that check the server
// registers exactly these. Each resource's file declares its routes and exports them as a list.
// (contract/local.ts is left out on purpose: the CLIs' embedded-mode routes, absent from a server.)
import type { ContractRoute } from './http.js';
import { aggregateRoutes } from './aggregates.js';
import { definitionRoutes } from './definitions.js';
import { authRoutes } from './auth.js';
import { exportRoutes } from './exports.js';
import { healthRoutes } from './health.js';
import { hotspotRoutes } from './hotspots.js';
import { importRoutes } from './imports.js';
import { journeyRoutes } from './journeys.js';
import { liveRoutes } from './live.js';
import { openDataRoutes } from './opendata.js';
import { planningRoutes } from './planning.js';
import { placeRoutes } from './places.js';
import { tileRoutes } from './tiles.js';

export const ROUTES: readonly ContractRoute[] = [
  ...aggregateRoutes,
  ...authRoutes,
  ...definitionRoutes,
  ...exportRoutes,
  ...healthRoutes,
  ...hotspotRoutes,
  ...importRoutes,
  ...journeyRoutes,
  ...liveRoutes,
  ...openDataRoutes,
  ...planningRoutes,
  ...placeRoutes,
  ...tileRoutes,
];
