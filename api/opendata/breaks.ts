// police.uk's known breaks (issue 17), shown as notes beside coverage: months a force published nothing,
// and changes that make months before and after not quite comparable.
export interface Break {
  /** First month affected (YYYY-MM). */
  from: string;
  /** Last month affected, or null while it lasts. */
  to: string | null;
  /** police.uk force id, when the break is one force's. */
  force: string | null;
  /** The force's name as police.uk rows give it ("Falls within"). */
  forceName?: string;
  kind: 'no_data' | 'method_change';
  note: string;
}

export const KNOWN_BREAKS: Break[] = [
  {
    from: '2019-07',
    to: null,
    force: 'greater-manchester',
    forceName: 'Greater Manchester Police',
    kind: 'no_data',
    note: 'Greater Manchester Police has published no street-level crime to police.uk since July 2019 (a records system change): those months are not covered, not zero.',
  },
  {
    from: '2022-07',
    to: '2022-07',
    force: null,
    kind: 'method_change',
    note: 'July 2022: police.uk refreshed its anonymised map points (snap points); a crime may sit on a different point before and after, so compare places at ward level or above across this month.',
  },
  {
    from: '2023-06',
    to: '2023-06',
    force: null,
    kind: 'method_change',
    note: 'June 2023: police.uk moved from 2011 to 2021 LSOAs; the LSOA codes and names of its rows change from this month (ward and point counts are unaffected).',
  },
];

/** The breaks that touch the months from `months[0]` to its last: all-force ones, and those of the given forces (ids or names). */
export function knownBreaks(months: string[], forces: string[]): Break[] {
  if (!months.length) return [];
  const first = [...months].sort()[0],
    last = [...months].sort().at(-1)!;
  const named = (b: Break) => forces.some((f) => f === b.force || (b.forceName !== undefined && f.includes(b.forceName)));
  return KNOWN_BREAKS.filter((b) => b.from <= last && (b.to === null || b.to >= first) && (b.force === null || named(b)));
}
