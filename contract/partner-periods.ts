// The periods a partner may ask for (issue 15, docs/DISCLOSURE.md): a fixed set, so that the same month
// cannot be reached through many overlapping windows whose perturbed differences average out to its true
// count (the averaging attack on the cell key method). Shared by the server's request rule
// (api/auth/disclosure.ts) and the web app's period picker for partners. Pure month arithmetic on
// `YYYY-MM`; a window is [from, to) with `to` the month after the last one.
//
// The set: single calendar months, calendar quarters (Jan–Mar, Apr–Jun, Jul–Sep, Oct–Dec), and 12-month
// windows ending at the end of a calendar quarter (so financial years, April–March, are among them).
// The windows a partner's change and year-ago comparisons derive (the same length just before, a year
// earlier) are in the same set.

export type PartnerPeriodKind = 'month' | 'quarter' | 'year';

export interface PartnerPeriod {
  kind: PartnerPeriodKind;
  /** First month, `YYYY-MM`. */
  from: string;
  /** The month after the last, `YYYY-MM`. */
  to: string;
}

export const PARTNER_PERIOD_RULE =
  'partners ask for single months, calendar quarters, or 12 months ending at the end of a calendar quarter';

const MONTH = /^(\d{4})-(\d{2})$/;
const index = (m: string) => {
  const x = MONTH.exec(m);
  if (!x) throw new Error(`not a month: ${m}`);
  return Number(x[1]) * 12 + Number(x[2]) - 1;
};
const month = (i: number) => `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;

/** `YYYY-MM` or `YYYY-MM-01` → `YYYY-MM`; anything else → null. */
export function asMonth(s: string | undefined | null): string | null {
  if (!s) return null;
  const m = /^(\d{4}-\d{2})(-01)?$/.exec(s);
  return m && Number(m[1].slice(5)) >= 1 && Number(m[1].slice(5)) <= 12 ? m[1] : null;
}

/** Which kind of partner period [from, to) is, or null when it is not one. */
export function partnerPeriodKind(from: string, to: string): PartnerPeriodKind | null {
  const a = index(from);
  const b = index(to);
  const quarterStart = (i: number) => i % 3 === 0;
  if (b - a === 1) return 'month';
  if (b - a === 3 && quarterStart(a)) return 'quarter';
  if (b - a === 12 && quarterStart(b)) return 'year';
  return null;
}

/** The 12 months ending at the end of the last whole calendar quarter up to and including `last`. */
export function partnerDefaultPeriod(last: string): PartnerPeriod {
  const l = index(last);
  // The quarter ends after month l when l+1 starts a quarter; otherwise step back to the last quarter end.
  const to = l + 1 - ((l + 1) % 3);
  return { kind: 'year', from: month(to - 12), to: month(to) };
}

/** Snap any window to the partner period with the same end quarter (used for defaults, never for a request). */
export function partnerPeriodFor(from: string, to: string): PartnerPeriod {
  const kind = partnerPeriodKind(from, to);
  if (kind) return { kind, from, to };
  return partnerDefaultPeriod(month(index(to) - 1));
}

/** Every partner period inside [first, last] (inclusive months), newest first: years, quarters, months. */
export function partnerPeriods(first: string, last: string): PartnerPeriod[] {
  const a = index(first);
  const b = index(last) + 1;
  const out: PartnerPeriod[] = [];
  for (let to = b; to - 12 >= a; to--) if (to % 3 === 0) out.push({ kind: 'year', from: month(to - 12), to: month(to) });
  for (let to = b; to - 3 >= a; to--) if (to % 3 === 0) out.push({ kind: 'quarter', from: month(to - 3), to: month(to) });
  for (let to = b; to - 1 >= a; to--) out.push({ kind: 'month', from: month(to - 1), to: month(to) });
  return out;
}

const NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const label = (i: number) => `${NAMES[i % 12]} ${Math.floor(i / 12)}`;

/** "Q1 2025 (Jan–Mar)", "12 months Apr 2024 – Mar 2025", "Mar 2025". */
export function partnerPeriodLabel(p: PartnerPeriod): string {
  const a = index(p.from);
  const b = index(p.to) - 1;
  if (p.kind === 'month') return label(a);
  if (p.kind === 'quarter') return `Q${(a % 12) / 3 + 1} ${Math.floor(a / 12)} (${NAMES[a % 12]}–${NAMES[b % 12]})`;
  return `12 months ${label(a)} – ${label(b)}`;
}
