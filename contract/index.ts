// Every API route, for the OpenAPI document (api/openapi.ts) and the tests that check the server
// registers exactly these. Each resource's file declares its routes and exports them as a list.
import type { ContractRoute } from './http.js';
import { aggregateRoutes } from './aggregates.js';
import { definitionRoutes } from './definitions.js';
import { authRoutes } from './auth.js';
import { hotspotRoutes } from './hotspots.js';
import { journeyRoutes } from './journeys.js';
import { liveRoutes } from './live.js';
import { planningRoutes } from './planning.js';

export const ROUTES: readonly ContractRoute[] = [
  ...aggregateRoutes,
  ...authRoutes,
  ...definitionRoutes,
  ...hotspotRoutes,
  ...journeyRoutes,
  ...liveRoutes,
  ...planningRoutes,
];
