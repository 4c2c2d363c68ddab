// The `population` object of /api/stats/areas: which rule gave each area its population (counts of areas
// per rule), in one sentence, so that every rate states how its denominator was obtained.
import type { PopulationMeta, PopulationRule } from '../../contract/aggregates.js';
import type { Queryable } from '../db/index.js';
import { POPULATION_GAPS_SQL, POPULATION_RULES_SQL } from './sql.js';

export type { PopulationMeta, PopulationRule };

const PHRASE: Record<PopulationRule, string> = {
  given: 'given directly by a population file',
  best_fit_lookup: 'the sum of LSOA populations by the ONS LSOA-to-ward best-fit lookup',
  population_weighted_centroid: 'the sum of the LSOA populations whose population-weighted centroid lies in the area',
  area_weighted:
    "LSOA populations apportioned by the share of each LSOA's area inside the area (an approximation; load an ONS best-fit lookup for the official figures)",
};

export async function populationMeta(db: Queryable, level: string): Promise<PopulationMeta> {
  const rows = await db.query<{ rule: PopulationRule | null; areas: number }>(POPULATION_RULES_SQL, [level]);
  const [gaps] = await db.query<{
    lookup_source: string | null;
    lsoas_missing_from_lookup: number | null;
    lsoas_without_centroid: number | null;
  }>(POPULATION_GAPS_SQL, [level]);
  const rules = rows.filter((r): r is { rule: PopulationRule; areas: number } => r.rule !== null);
  const without = rows.find((r) => r.rule === null)?.areas ?? 0;
  const used = new Set(rules.map((r) => r.rule));
  const parts = rules.map(
    (r) =>
      `${PHRASE[r.rule]}${r.rule === 'best_fit_lookup' && gaps.lookup_source ? ` (${gaps.lookup_source})` : ''} for ${r.areas} area${r.areas === 1 ? '' : 's'}`,
  );
  if (without) parts.push(`unknown for ${without} area${without === 1 ? '' : 's'} (no rate)`);
  const missing = used.has('best_fit_lookup')
    ? gaps.lsoas_missing_from_lookup
    : used.has('population_weighted_centroid')
      ? gaps.lsoas_without_centroid
      : 0;
  const gap = missing
    ? `, and ${missing} LSOA${missing === 1 ? ' with a population is' : 's with a population are'} missing from the ${used.has('best_fit_lookup') ? 'lookup' : 'centroid file'} and counted in no area`
    : '';
  return {
    rules,
    areas_without_population: without,
    lsoas_missing_from_lookup: gaps.lsoas_missing_from_lookup,
    lsoas_without_centroid: gaps.lsoas_without_centroid,
    description: parts.length
      ? `Population is ${parts.join('; ')}${gap}.`
      : 'No population is loaded for this level, so there are no rates.',
  };
}
