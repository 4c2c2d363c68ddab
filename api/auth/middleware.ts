// Who is asking (session cookie or API token), CSRF and origin checks, and the per-route role guard.
// Every /api route is registered with `allow(...)` (or listed as public in PUBLIC_ROUTES); the route
// walk test (test/auth-routes.test.ts) checks every route against every role.
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Db } from '../db/index.js';
import { ApiError } from '../errors.js';
import type { Principal, Role, Scope } from './roles.js';
import { API_TOKEN_RE, safeEqual } from './secrets.js';
import { sessionUser, tokenUser } from './store.js';

export type AppEnv = { Variables: { principal: Principal | null; ip: string } };

export const SESSION_COOKIE = 'sp_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The client address: the socket's, or the first X-Forwarded-For hop when the app sits behind a trusted proxy. */
export function clientIp(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const fwd = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (fwd) return fwd.slice(0, 64);
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // in-process requests (tests) have no socket
  }
}

export function isHttps(c: Context, trustProxy: boolean): boolean {
  return new URL(c.req.url).protocol === 'https:' || (trustProxy && c.req.header('x-forwarded-proto') === 'https');
}

/** Resolves the principal (or null) for every /api request; never rejects by itself. */
export function authenticate(db: Db, opts: { trustProxy: boolean }): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('ip', clientIp(c, opts.trustProxy));
    c.set('principal', null);
    const auth = c.req.header('authorization');
    if (auth !== undefined) {
      const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
      const u = API_TOKEN_RE.test(token) ? await tokenUser(db, token) : null;
      if (!u) throw new ApiError(401, 'bad_token', 'The API token is not valid (unknown, revoked or expired).');
      const { token_id, scopes, ...user } = u;
      c.set('principal', { user, via: 'token', scopes, tokenId: token_id });
    } else {
      const cookie = getCookie(c, SESSION_COOKIE);
      if (cookie && /^sps_[A-Za-z0-9_-]{20,100}$/.test(cookie)) {
        const u = await sessionUser(db, cookie);
        if (u) {
          const { csrf_token, id_hash, ...user } = u;
          c.set('principal', { user, via: 'session', scopes: null, sessionHash: id_hash, csrf: csrf_token });
        }
      }
    }
    await next();
  };
}

/**
 * State-changing requests: the Origin (when the browser sends one) must be this site, and a session
 * must present its CSRF token in the X-CSRF-Token header. Bearer-token requests carry no ambient
 * credentials, so they need no CSRF token.
 */
export function csrfProtection(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method)) return next();
    const origin = c.req.header('origin');
    if (origin !== undefined && origin !== new URL(c.req.url).origin) {
      throw new ApiError(403, 'bad_origin', 'Cross-site request refused.');
    }
    const p = c.get('principal');
    // Sign-in and setup carry their own credentials (and need JSON, which a cross-site form cannot send).
    const signingIn = c.req.method === 'POST' && (c.req.path === '/api/session' || c.req.path === '/api/setup');
    if (p?.via === 'session' && !signingIn) {
      const sent = c.req.header(CSRF_HEADER) ?? '';
      if (!p.csrf || !safeEqual(sent, p.csrf))
        throw new ApiError(403, 'csrf', 'Missing or wrong CSRF token (X-CSRF-Token header).');
    }
    return next();
  };
}

/** The signed-in principal, or 401. */
export function principal(c: Context<AppEnv>): Principal {
  const p = c.get('principal');
  if (!p) throw new ApiError(401, 'unauthenticated', 'Sign in first.');
  return p;
}

export const GUARD = Symbol('saferplaces.guard');
export type Guard = MiddlewareHandler<AppEnv> & { [GUARD]: { roles: readonly Role[]; scope: Scope | null } };

/**
 * Route guard: signed in, one of `roles`, and for API tokens the scope (`read` for GET routes unless
 * given). Tokens never get more than their user's role allows.
 */
export function allow(roles: readonly Role[], opts: { scope?: Scope } = {}): Guard {
  const mw = (async (c, next) => {
    const p = principal(c);
    if (!roles.includes(p.user.role)) throw new ApiError(403, 'forbidden', `Your role (${p.user.role}) may not do this.`);
    if (p.via === 'token') {
      const scope = opts.scope ?? (SAFE_METHODS.has(c.req.method) ? 'read' : null);
      if (!scope || !p.scopes?.includes(scope))
        throw new ApiError(403, 'token_scope', `This API token lacks the ${scope ?? 'needed'} scope.`);
    }
    await next();
  }) as Guard;
  mw[GUARD] = { roles, scope: opts.scope ?? null };
  return mw;
}
