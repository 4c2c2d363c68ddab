// Registers handlers against the contract's routes (contract/*.ts). Each route gets, from its declaration:
// the guard (capability → roles, token scope), query/params/body validation with the API's own 400/415
// error bodies, a typed handler (its JSON answer must match the route's response schema), and for
// partners the route's disclosure mask — applied here, once, instead of a `role === 'partner'` branch
// in each handler. A route open to partners cannot be registered without a mask or a stated reason why
// its answer holds no counts.
import { OpenAPIHono, type RouteHandler } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { hasCapability, rolesWith } from '../contract/capabilities.js';
import type { ContractRoute, ResponseOf } from '../contract/http.js';
import type { Queryable } from './db/index.js';
import { ApiError, zodDetails } from './errors.js';
import { allow, principal, type AppEnv } from './auth/middleware.js';
import { minCount, partnerRequestRules, runAsPartner, stripCellKeys } from './auth/disclosure.js';

/** A router whose validation failures answer like the rest of the API (400 invalid_parameter / invalid_body). */
export function contractRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (result.success) return;
      const d = zodDetails(result.error);
      const target = (result as { target?: string }).target;
      const body = target === 'json';
      const label = (p: string) => (body ? p || 'body' : p || 'query');
      throw new ApiError(
        400,
        body ? 'invalid_body' : 'invalid_parameter',
        d.map((x) => `${label(x.path)}: ${x.message}`).join('; '),
        d,
      );
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
  /** Required when the route's capability includes partners and its `x-access.partner.kind` is `masked`. */
  partner?: PartnerMask<Json<R>>;
  /**
   * Instead of `partner`, for a masked route whose answer is not one JSON body (an event stream, a zip):
   * the mask of the data the handler writes. The handler gets it from `disclosed(c)`: for partners the
   * mask with the threshold bound, for everyone else the identity.
   */
  partnerData?: DataMask<never>;
}

/** A partner mask for the data a non-JSON answer is made of (one event, the pack behind a zip). */
export type DataMask<T> = (data: T, ctx: MaskContext) => T;
const dataMasks = new WeakMap<Context, (data: never) => never>();

/** Declares the data mask of a stream or file route (typed by the data it masks). */
export function dataMask<T>(mask: DataMask<T>): DataMask<never> {
  return mask as unknown as DataMask<never>;
}

/** The route's data mask for this request (`partnerData`): bound for partners, the identity otherwise. */
export function disclosed<T>(c: Context<AppEnv>): (data: T) => T {
  const m = dataMasks.get(c);
  if (!m) throw new Error(`${c.req.method} ${c.req.path}: disclosed() on a route registered without partnerData`);
  return m as unknown as (data: T) => T;
}

function bindDataMask(db: Queryable, mask: DataMask<never>): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.get('principal')?.user.role === 'partner') {
      const ctx = { min: await minCount(db), c };
      dataMasks.set(c, ((data: never) => mask(data, ctx)) as (data: never) => never);
    } else dataMasks.set(c, ((data: never) => data) as (data: never) => never);
    await next();
  };
}

/** Hono's validator rejects a wrong content type or unparsable JSON with an HTTPException: answer in the API's shape. */
function bodyErrors(): MiddlewareHandler<AppEnv> {
  return async (_c, next) => {
    try {
      await next();
    } catch (e) {
      if (e instanceof HTTPException && e.status === 400 && /json/i.test(e.message))
        throw new ApiError(400, 'bad_json', 'The body is not valid JSON.');
      throw e;
    }
  };
}

function requireJson(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const type = c.req.header('content-type') ?? '';
    if (!/^application\/json\b/i.test(type))
      throw new ApiError(415, 'unsupported_media_type', 'Send the body as application/json.');
    // Parsed here (Hono keeps the parsed body for the validator): an error the validator throws goes to
    // the app's error handler directly, past bodyErrors().
    try {
      await c.req.json();
    } catch (e) {
      if (e instanceof SyntaxError) throw new ApiError(400, 'bad_json', 'The body is not valid JSON.');
      throw e; // e.g. the body limit's error (413)
    }
    await next();
  };
}

/**
 * Partners: published geographies, the partner periods and one category at a time (auth/disclosure.ts),
 * checked before the handler, which then runs as a partner's request (its defaults snapped to those periods).
 */
function partnerRules(windows: 'periods' | 'months'): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.get('principal')?.user.role !== 'partner') return next();
    partnerRequestRules((k) => c.req.query(k), windows);
    await runAsPartner(next);
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
    // A cell key left over by a mask that did not perturb that count must not reach the partner.
    const masked = stripCellKeys(await mask(body, { min: await minCount(db), c }));
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
    middleware.push(
      allow(rolesWith(access.capability), access.scope ? { scope: access.scope } : {}) as unknown as MiddlewareHandler,
    );
    if (hasCapability('partner', access.capability)) {
      if (!access.partner) throw new Error(`${where} is open to partners but its contract states no partner disclosure`);
      if (access.partner.kind === 'masked' && !opts.partner && !opts.partnerData)
        throw new Error(`${where} is open to partners with masked counts but registers no partner mask`);
      if (access.partner.kind === 'no-counts' && (opts.partner || opts.partnerData))
        throw new Error(`${where} says it has no counts for partners but registers a mask`);
      if (opts.partner && opts.partnerData) throw new Error(`${where} registers both a JSON mask and a data mask`);
      if (access.partner.kind === 'masked')
        middleware.push(partnerRules(access.partner.windows ?? 'periods') as unknown as MiddlewareHandler);
      if (opts.partner) middleware.push(partnerMask(db, opts.partner as PartnerMask<unknown>) as unknown as MiddlewareHandler);
      if (opts.partnerData) middleware.push(bindDataMask(db, opts.partnerData) as unknown as MiddlewareHandler);
    } else if (opts.partner || opts.partnerData) {
      throw new Error(`${where} registers a partner mask but partners may not call it`);
    }
  }
  if (route.request?.body)
    middleware.push(requireJson() as unknown as MiddlewareHandler, bodyErrors() as unknown as MiddlewareHandler);
  const withMw = { ...route, middleware } as R;
  r.openapi(withMw, handler as never);
  return r;
}

/** The principal of a guarded route (always set: the guard ran). */
export { principal };
