// Registers handlers against the contract's routes (contract/*.ts). Each route gets, from its declaration:
// the guard (capability → roles, token scope), query/params/body validation with the API's own 400/415
// error bodies, a typed handler (its JSON answer must match the route's response schema), and for
// partners the route's disclosure mask — applied here, once, instead of a `role === 'partner'` branch
// in each handler. A route open to partners cannot be registered without a mask or a stated reason why
// its answer holds no counts.
import { OpenAPIHono, type RouteConfig, type RouteConfigToEnv, type RouteHandler } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { hasCapability, rolesWith } from '../contract/capabilities.js';
import type { ContractRoute, ResponseOf } from '../contract/http.js';
import type { Queryable } from './db/index.js';
import { ApiError, zodDetails } from './errors.js';
import { allow, principal, type AppEnv } from './auth/middleware.js';
import { minCount } from './auth/disclosure.js';

/** A router whose validation failures answer like the rest of the API (400 invalid_parameter / invalid_body). */
export function contractRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (result.success) return;
      const d = zodDetails(result.error);
      const target = (result as { target?: string }).target;
      const body = target === 'json';
      const label = (p: string) => (body ? p || 'body' : p || 'query');
      throw new ApiError(400, body ? 'invalid_body' : 'invalid_parameter', d.map((x) => `${label(x.path)}: ${x.message}`).join('; '), d);
    },
  });
}

/** What a partner's mask gets: the minimum count (setting `partner_min_count`) and the request. */
export interface MaskContext {
  min: number;
  c: Context<AppEnv>;
}
/** Rewrites a route's full JSON answer into what partners may see (same response schema: counts nullable). */
export type PartnerMask<T> = (body: T, ctx: MaskContext) => T | Promise<T>;

type Json<R> = ResponseOf<R>;

export interface RouteOptions<R extends ContractRoute> {
  /**
   * Required when the route's capability includes partners and its `x-access.partner.kind` is `masked`.
   * `'in-handler'`: the answer is a file (CSV) built from data the handler passes through `asSeenBy`
   * with the mask of the data's own route (a JSON answer cannot be masked after it became a file).
   */
  partner?: PartnerMask<Json<R>> | 'in-handler';
}

/**
 * For routes registered with `partner: 'in-handler'`: `data` as the caller may see it — the partner mask
 * applied for partners, unchanged for everyone else.
 */
export async function asSeenBy<T>(c: Context<AppEnv>, db: Queryable, mask: PartnerMask<T>, data: T): Promise<T> {
  if (c.get('principal')?.user.role !== 'partner') return data;
  return mask(data, { min: await minCount(db), c });
}

/** Hono's validator rejects a wrong content type or unparsable JSON with an HTTPException: answer in the API's shape. */
function bodyErrors(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    try {
      await next();
    } catch (e) {
      if (e instanceof HTTPException && e.status === 400 && /json/i.test(e.message)) throw new ApiError(400, 'bad_json', 'The body is not valid JSON.');
      throw e;
    }
  };
}

function requireJson(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const type = c.req.header('content-type') ?? '';
    if (!/^application\/json\b/i.test(type)) throw new ApiError(415, 'unsupported_media_type', 'Send the body as application/json.');
    await next();
  };
}

/** Applies the partner mask to a JSON answer after the handler ran. */
function partnerMask(db: Queryable, mask: PartnerMask<unknown>): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const p = c.get('principal');
    if (p?.user.role !== 'partner' || !c.res.ok) return;
    if (!/json/i.test(c.res.headers.get('content-type') ?? '')) {
      throw new Error(`${c.req.method} ${c.req.path}: a partner mask needs a JSON answer`);
    }
    const body = await c.res.json();
    const masked = await mask(body, { min: await minCount(db), c });
    c.res = undefined as unknown as Response; // let Hono build a fresh response
    c.res = c.json(masked as object, 200);
  };
}

/**
 * `register(r, db, route, handler, opts)`: the one way an API route is added. Checks the declaration
 * (partners need a mask or a stated no-counts reason) when the server starts, not on first use.
 */
export function register<R extends ContractRoute>(
  r: OpenAPIHono<AppEnv>,
  db: Queryable,
  route: R,
  handler: RouteHandler<R, AppEnv>,
  opts: RouteOptions<R> = {},
) {
  const access = route['x-access'];
  const where = `${route.method.toUpperCase()} ${route.path}`;
  const middleware: MiddlewareHandler[] = [];
  if (access.capability !== 'public') {
    middleware.push(allow(rolesWith(access.capability), access.scope ? { scope: access.scope } : {}) as unknown as MiddlewareHandler);
    if (hasCapability('partner', access.capability)) {
      if (!access.partner) throw new Error(`${where} is open to partners but its contract states no partner disclosure`);
      if (access.partner.kind === 'masked' && !opts.partner) throw new Error(`${where} is open to partners with masked counts but registers no partner mask`);
      if (access.partner.kind === 'no-counts' && opts.partner) throw new Error(`${where} says it has no counts for partners but registers a mask`);
      if (opts.partner && opts.partner !== 'in-handler') middleware.push(partnerMask(db, opts.partner as PartnerMask<unknown>) as unknown as MiddlewareHandler);
    } else if (opts.partner) {
      throw new Error(`${where} registers a partner mask but partners may not call it`);
    }
  }
  if (route.request?.body) middleware.push(requireJson() as unknown as MiddlewareHandler, bodyErrors() as unknown as MiddlewareHandler);
  const withMw = { ...route, middleware } as R;
  r.openapi(withMw, handler as never);
  return r;
}

/** The principal of a guarded route (always set: the guard ran). */
export { principal };
export type { RouteConfig, RouteConfigToEnv };
