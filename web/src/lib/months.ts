// Month arithmetic for the time window. The API's `to` is exclusive; the UI shows an inclusive last month.

const MONTH = /^(\d{4})-(\d{2})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})/;

export function isMonth(s: unknown): s is string {
  return typeof s === 'string' && MONTH.test(s) && Number(s.slice(5, 7)) >= 1 && Number(s.slice(5, 7)) <= 12;
}

export function addMonths(month: string, n: number): string {
  const m = MONTH.exec(month);
  if (!m) throw new Error(`Not a YYYY-MM month: ${month}`);
  const idx = Number(m[1]) * 12 + (Number(m[2]) - 1) + n;
  const y = Math.floor(idx / 12);
  const mm = (idx % 12) + 1;
  return `${String(y).padStart(4, '0')}-${String(mm).padStart(2, '0')}`;
}

/** Whole months from a to b (b exclusive): monthsBetween('2024-01','2024-04') = 3. */
export function monthsBetween(a: string, b: string): number {
  const ia = Number(a.slice(0, 4)) * 12 + Number(a.slice(5, 7));
  const ib = Number(b.slice(0, 4)) * 12 + Number(b.slice(5, 7));
  return ib - ia;
}

/** An inclusive `from` (YYYY-MM or YYYY-MM-DD) as the month it starts in. */
export function fromBoundToMonth(s: string | null | undefined): string | undefined {
  if (!s) return undefined;
  if (isMonth(s)) return s;
  const d = DATE.exec(s);
  return d ? `${d[1]}-${d[2]}` : undefined;
}

/**
 * An exclusive `to` (YYYY-MM or YYYY-MM-DD) as an exclusive month: '2018-07-01' -> '2018-07', while
 * '2018-06-15' (part of June counts) -> '2018-07'.
 */
export function toBoundToMonth(s: string | null | undefined): string | undefined {
  if (!s) return undefined;
  if (isMonth(s)) return s;
  const d = DATE.exec(s);
  if (!d) return undefined;
  const m = `${d[1]}-${d[2]}`;
  return d[3] === '01' ? m : addMonths(m, 1);
}

/** The same-length window immediately before [from, to). */
export function previousWindow(from: string, to: string): { from: string; to: string } {
  const n = monthsBetween(from, to);
  return { from: addMonths(from, -n), to: from };
}

const NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function monthLabel(month: string): string {
  const m = fromBoundToMonth(month);
  if (!m) return month;
  return `${NAMES[Number(m.slice(5, 7)) - 1]} ${m.slice(0, 4)}`;
}

/** "Jan 2016 – Jun 2018" for the window [from, to). */
export function windowLabel(from: string, to: string): string {
  const last = addMonths(to, -1);
  return last === from ? monthLabel(from) : `${monthLabel(from)} – ${monthLabel(last)}`;
}

/** Every month in [from, to). */
export function monthRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; monthsBetween(m, to) > 0; m = addMonths(m, 1)) out.push(m);
  return out;
}

/** The time window to query: the view's months, else the server's default window, else all data. */
export function resolveWindow(
  view: { from: string | null; to: string | null },
  summary: { default_from: string | null; default_to: string | null; first_month: string | null; last_month: string | null },
): { from: string; to: string } | null {
  const defFrom = fromBoundToMonth(summary.default_from) ?? fromBoundToMonth(summary.first_month);
  const lastMonth = fromBoundToMonth(summary.last_month);
  const defTo = toBoundToMonth(summary.default_to) ?? (lastMonth ? addMonths(lastMonth, 1) : undefined);
  const from = view.from ?? defFrom;
  const to = view.to ?? defTo;
  if (!from || !to) return null;
  return monthsBetween(from, to) > 0 ? { from, to } : { from, to: addMonths(from, 1) };
}
