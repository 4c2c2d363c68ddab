// Fetch-on-change for small API responses (summaries, tables): aborts the previous request when the
// inputs change. Bulk map data does not come through here; it goes straight into the map controller.
import { useEffect, useState } from 'react';
import { errorMessage, isAbort } from '../api/client';

export interface ApiState<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
}

export function useApi<T>(load: ((signal: AbortSignal) => Promise<T>) | null, deps: readonly unknown[]): ApiState<T> & { reload: () => void } {
  const [state, setState] = useState<ApiState<T>>({ data: null, error: null, loading: !!load });
  const [nonce, setNonce] = useState(0);
  useEffect(() => {
    if (!load) {
      setState({ data: null, error: null, loading: false });
      return;
    }
    const ac = new AbortController();
    setState((s) => ({ ...s, loading: true, error: null }));
    load(ac.signal).then(
      (data) => setState({ data, error: null, loading: false }),
      (e) => {
        if (!isAbort(e)) setState((s) => ({ data: s.data, error: errorMessage(e), loading: false }));
      },
    );
    return () => ac.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, nonce]);
  return { ...state, reload: () => setNonce((n) => n + 1) };
}
