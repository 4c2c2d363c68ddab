// Open data (issue 17): the place the user typed, as the body of POST /api/opendata/fetch (contract/opendata.ts).
import type { FetchBody } from '../../../contract/opendata';

/** "Lewisham" / "E09000023" / "West Lindsey, Lincoln": codes when every entry is a code, else names. */
export function fetchRequest(place: string, months: number): FetchBody {
  const parts = place
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const codes = parts.every((p) => /^[EW]\d{8}$/i.test(p));
  if (codes && parts.length === 1 && /^E23/i.test(parts[0])) return { force_area: parts[0].toUpperCase(), months };
  return codes ? { lads: parts.map((p) => p.toUpperCase()), months } : { names: parts, months };
}

/**
 * The fetch started from the first-run screen, kept in the tab's sessionStorage until it is done: the
 * screen stays (with its progress) while the fetch loads boundaries and months, and after a reload.
 */
const PENDING_KEY = 'saferplaces.opendata.run';

export function pendingRun(): number | null {
  try {
    const v = Number(sessionStorage.getItem(PENDING_KEY));
    return Number.isInteger(v) && v > 0 ? v : null;
  } catch {
    return null;
  }
}

export function setPendingRun(id: number | null) {
  try {
    if (id === null) sessionStorage.removeItem(PENDING_KEY);
    else sessionStorage.setItem(PENDING_KEY, String(id));
  } catch {
    // No storage (private mode): the screen then follows the data alone.
  }
}
