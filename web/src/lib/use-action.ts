// A button's async action: busy while it runs, the server's message when it fails, a note when it succeeds.
import { useState } from 'react';
import { errorMessage } from '../api/client';

export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  async function run<T>(fn: () => Promise<T>, done?: (r: T) => string | null): Promise<T | undefined> {
    setBusy(true);
    setError(null);
    setNote(null);
    try {
      const r = await fn();
      setNote(done ? done(r) : null);
      return r;
    } catch (e) {
      setError(errorMessage(e));
      return undefined;
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, note, run, setError };
}
