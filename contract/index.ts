// Every API route, for the OpenAPI document (api/openapi.ts) and the tests that check the server
// registers exactly these. Each resource's file declares its routes and exports them as a list.
// (contract/local.ts is left out on purpose: the CLIs' embedded-mode routes, absent from a server.)
import type { ContractRoute } from './http.js';
import { aggregateRoutes } from './aggregates.js';
import { definitionRoutes } from './definitions.js';
import { exportRoutes } from './exports.js';
import { healthRoutes } from './health.js';
import { importRoutes } from './imports.js';
import { openDataRoutes } from './opendata.js';

export const ROUTES: readonly ContractRoute[] = [...aggregateRoutes, ...definitionRoutes, ...exportRoutes, ...healthRoutes, ...importRoutes, ...openDataRoutes];
