// The typed client: `call(route, input)` for any route declared in contract/*.ts. The route's method
// and path come from the contract; the input (query, path params, JSON body) and the answer are typed
// from its zod schemas, so the UI cannot drift from the server. Requests go through `request`
// (client.ts): CSRF header, 401 → sign-in screen, errors as ApiError.
import type { BodyOf, ContractRoute, ParamsOf, QueryOf, ResponseOf } from '../../../contract/http';
import { queryString, request } from './client';

type QueryValue = string | number | boolean | null | undefined;

/** What a route takes; each part present only when the route declares it. */
export type CallInput<R> = (QueryOf<R> extends undefined ? { query?: undefined } : { query: QueryOf<R> }) &
  (ParamsOf<R> extends undefined ? { params?: undefined } : { params: ParamsOf<R> }) &
  (BodyOf<R> extends undefined ? { body?: undefined } : { body: BodyOf<R> });

/** `/interventions/{id}` with `{ id: 7 }` → `/api/interventions/7`, plus the query string. */
export function routeUrl(route: Pick<ContractRoute, 'path'>, input: { query?: object; params?: object } = {}): string {
  const params = (input.params ?? {}) as Record<string, string | number>;
  const path = route.path.replace(/\{(\w+)\}/g, (_, k: string) => {
    if (params[k] === undefined) throw new Error(`${route.path}: missing path parameter ${k}`);
    return encodeURIComponent(String(params[k]));
  });
  return `/api${path}${queryString((input.query ?? {}) as Record<string, QueryValue | QueryValue[]>)}`;
}

/** Calls a contract route and returns its JSON answer, typed. */
export async function call<R extends ContractRoute>(
  route: R,
  input: CallInput<R>,
  opts: { signal?: AbortSignal; authFlow?: boolean } = {},
): Promise<ResponseOf<R>> {
  const res = await request(routeUrl(route, input), {
    method: route.method.toUpperCase(),
    body: input.body,
    signal: opts.signal,
    authFlow: opts.authFlow,
  });
  return (await res.json()) as ResponseOf<R>;
}

/** The query key for a route and input: its path and the input (TanStack Query hashes it). */
export function routeKey<R extends ContractRoute>(route: R, input?: CallInput<R>): readonly unknown[] {
  return input === undefined ? [route.path] : [route.path, input];
}
