// Data a route's handler computed that its partner mask needs as well (api/routing.ts `partner`): e.g.
// every unit of a statistic when the answer lists only the top n, since the mask runs over all of them.
// Kept per request (keyed by the request's Context, which the handler and the mask share) and dropped
// with it.
export function requestScoped<T>() {
  const store = new WeakMap<object, T>();
  return {
    set(c: object, value: T) {
      store.set(c, value);
    },
    get(c: object): T {
      if (!store.has(c)) throw new Error('request-scoped value read before the handler set it');
      return store.get(c) as T;
    },
  };
}
