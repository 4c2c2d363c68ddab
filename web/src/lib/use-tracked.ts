// Counts a TanStack query's fetch towards the map controller's "not idle" (controller-base.ts track), so
// data-map-idle waits for map data fetched through useRoute as it does for calls passed to track().
import { useEffect } from 'react';

export function useTrackedFetching(controller: { track<T>(p: Promise<T>): Promise<T> } | null, fetching: boolean) {
  useEffect(() => {
    if (!controller || !fetching) return;
    let settle = () => {};
    void controller.track(new Promise<void>((resolve) => (settle = resolve)));
    return () => settle();
  }, [controller, fetching]);
}
