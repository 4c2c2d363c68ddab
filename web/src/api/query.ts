// Data fetching through TanStack Query: one cache for the app, keyed by contract route + input, so two
// components asking for the same data share one request, and a change on the server (the live change
// feed, or a mutation) invalidates what it affects instead of each screen refetching by hand.
import { QueryClient, useMutation, useQuery, useQueryClient, type UseQueryOptions } from '@tanstack/react-query';
import type { ContractRoute, ResponseOf } from '../../../contract/http';
import { ApiError } from './client';
import { call, routeKey, type CallInput } from './call';

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Aggregates change only when data are imported, which the live feed announces.
      staleTime: 60_000,
      refetchOnWindowFocus: false,
      // A 4xx is an answer (bad input, no permission): do not retry it. Network/5xx: retry twice.
      retry: (n, e) => !(e instanceof ApiError && e.status >= 400 && e.status < 500) && n < 2,
    },
  },
});

/** Reads a contract route (GET). `input: null` disables the query (e.g. until a choice is made). */
export function useRoute<R extends ContractRoute>(
  route: R,
  input: CallInput<R> | null,
  opts: Omit<UseQueryOptions<ResponseOf<R>, Error>, 'queryKey' | 'queryFn'> = {},
) {
  return useQuery<ResponseOf<R>, Error>({
    queryKey: routeKey(route, input ?? undefined),
    queryFn: ({ signal }) => call(route, input as CallInput<R>, { signal }),
    ...opts,
    enabled: input !== null && (opts.enabled ?? true),
  });
}

/**
 * Starts reading a route into the cache without waiting for it (the first map's data, issue 16: the map waited on
 * session → summary/config → page data in turn). A later `useRoute` with the same route and input shares the
 * answer, or the request still in flight; a refused one (e.g. 401 before signing in) is asked again on mount.
 */
export function prefetchRoute<R extends ContractRoute>(route: R, input: CallInput<R>) {
  void queryClient.prefetchQuery({ queryKey: routeKey(route, input), queryFn: ({ signal }) => call(route, input, { signal }) });
}

/**
 * Changes something through a contract route (POST/PUT/PATCH/DELETE); on success invalidates the given
 * routes' cached answers (all inputs), so the screens showing them refetch.
 */
export function useRouteMutation<R extends ContractRoute>(route: R, invalidates: readonly ContractRoute[] = []) {
  const qc = useQueryClient();
  return useMutation<ResponseOf<R>, Error, CallInput<R>>({
    mutationFn: (input) => call(route, input),
    onSuccess: async () => {
      await Promise.all(invalidates.map((r) => qc.invalidateQueries({ queryKey: [r.path] })));
    },
  });
}

/** Marks every cached route answer stale and refetches what is on screen (new data arrived). */
export function invalidateData(qc: QueryClient = queryClient) {
  return qc.invalidateQueries();
}
