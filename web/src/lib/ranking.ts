// Sorting the area ranking table. Missing values (no population, no previous period) sort last either way.
import type { AreaStat } from '../api/types';
import type { SortState } from '../state/url-state';

function value(r: AreaStat, key: SortState['key']): number | string | null {
  switch (key) {
    case 'name':
      return r.name;
    case 'count':
      return r.count;
    case 'rate':
      return r.rate_per_1000;
    case 'change':
      return r.change;
  }
}

export function sortAreaStats(rows: readonly AreaStat[], sort: SortState): AreaStat[] {
  const dir = sort.dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const va = value(a, sort.key);
    const vb = value(b, sort.key);
    if (va === null || vb === null) {
      if (va === vb) return a.name.localeCompare(b.name);
      return va === null ? 1 : -1;
    }
    const c = typeof va === 'string' ? va.localeCompare(vb as string) : va - (vb as number);
    return c !== 0 ? c * dir : a.name.localeCompare(b.name);
  });
}
