// Sorting the area ranking table. Missing values (no population, no previous period) sort last either way.
import type { AreaStat, AreaStats } from '../../../contract/aggregates';
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

/**
 * Total of the ranked areas: their sum, or when some are withheld, the overall total less the outside
 * count (both published, so this reveals only the sum of the withheld ones); null when that is withheld too.
 */
export function rankedTotal(stats: Pick<AreaStats, 'areas' | 'total' | 'outside_study_area'>): number | null {
  if (stats.areas.every((a) => a.count !== null)) return stats.areas.reduce((s, a) => s + (a.count ?? 0), 0);
  return stats.total !== null && stats.outside_study_area !== null ? stats.total - stats.outside_study_area : null;
}
