// How a route is declared in the contract: an OpenAPI route config (the shape @hono/zod-openapi's
// `createRoute` takes) with its query, body and response as zod schemas, plus `x-access` (who may call it
// and what partners get). The server registers handlers against these (api/routing.ts) and the web client
// is typed from them (web/src/api/call.ts); /api/openapi.json is generated from them (api/openapi.ts).
// Only `import type` from @hono/zod-openapi here: the web bundle takes these files and needs zod alone.
import type { RouteConfig } from '@hono/zod-openapi';
import { z } from './zod.js';
import type { Capability } from './capabilities.js';

/**
 * What partners get from a route open to them:
 * - `masked`: every count passes the disclosure rule (the server's mask for the route says how);
 * - `no-counts`: the answer holds no incident counts (boundaries, definitions, settings), with the reason.
 */
export type PartnerDisclosure =
  | {
      kind: 'masked';
      rule: string;
      /**
       * `months`: the answer lists single months only (each its own partner period), so any whole-month
       * window may be asked for; otherwise partners ask for the partner periods (contract/partner-periods.ts).
       */
      windows?: 'months';
    }
  | { kind: 'no-counts'; reason: string };

export interface Access {
  capability: Capability | 'public';
  /** Required when the capability includes partners. */
  partner?: PartnerDisclosure;
  /** The API-token scope needed (default: `read` for GET, none else → tokens refused). */
  scope?: 'read' | 'import' | 'ingest';
}

export type ContractRoute = RouteConfig & { 'x-access': Access };

/** Declares a route (identity with precise types). */
export function defineRoute<const R extends ContractRoute>(route: R): R {
  return route;
}

/** A JSON response with its schema. */
export function json<S extends z.ZodType>(schema: S, description: string) {
  return { description, content: { 'application/json': { schema } } } as const;
}

/** A JSON request body. */
export function jsonBody<S extends z.ZodType>(schema: S, description = 'JSON body') {
  return { required: true, description, content: { 'application/json': { schema } } } as const;
}

/** A non-JSON response (CSV, GeoJSON built by PostGIS, PDF, event stream): its media type and a description. */
export function file(mediaType: string, description: string) {
  return { description, content: { [mediaType]: { schema: z.string() } } } as const;
}

/** The error shape every route answers with on 4xx/5xx. */
export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

/** Partners' answers say how counts were withheld. */
export const Disclosure = z.object({ min_count: z.number().int() }).catchall(z.unknown());

/** An empty query string (unknown parameters are refused). */
export const noQuery = z.strictObject({});

// ---- Types the client takes from a route ----
type JsonContent<C> = C extends { content: { 'application/json': { schema: infer S } } }
  ? S
  : // GeoJSON answers with a schema (not `file(...)` text) are JSON too.
    C extends { content: { 'application/geo+json': { schema: infer S } } }
    ? S
    : never;
type SuccessOf<R> = R extends { responses: infer Rs }
  ? 200 extends keyof Rs
    ? Rs[200]
    : 201 extends keyof Rs
      ? Rs[201]
      : never
  : never;

/** The JSON a route answers with (200/201). */
export type ResponseOf<R> = JsonContent<SuccessOf<R>> extends infer S ? (S extends z.ZodType ? z.output<S> : never) : never;
/** The query a route accepts, as the client writes it (strings before transforms). */
export type QueryOf<R> = R extends { request: { query: infer Q } } ? (Q extends z.ZodType ? z.input<Q> : never) : undefined;
/** The path parameters. */
export type ParamsOf<R> = R extends { request: { params: infer P } } ? (P extends z.ZodType ? z.input<P> : never) : undefined;
/** The JSON body a route accepts. */
export type BodyOf<R> = R extends { request: { body: infer B } }
  ? JsonContent<B> extends infer S
    ? S extends z.ZodType
      ? z.input<S>
      : never
    : never
  : undefined;

/** Which table answered an aggregate read (issue 16, api/aggregates/source.ts): the aggregate cube or the incidents. */
export const ReadSource = z.object({
  kind: z.enum(['cube', 'incidents']),
  reason: z.string(),
  rule: z.string(),
});
export type ReadSource = z.output<typeof ReadSource>;
