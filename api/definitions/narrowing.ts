// What a category set narrows by beyond its categories (issue 18): a definition's offence codes, victim
// age band and location types. Police.uk data carry none of the three, force and council files may, so
// the rule is the same for each: an incident that carries the field is kept only when it matches; one that
// does not carry it (or whose age band cannot be read) cannot be narrowed and is kept. Responses state this
// (definitionMeta). An age band is left out only when it lies wholly outside the definition's band
// ("16-24" against under 18 overlaps it and is kept).
//
// A selection is { categories, narrowing }: `narrowing` null means the categories say everything, so
// counts per category (e.g. a pre-aggregated cube) answer it; otherwise it needs record-level filtering
// (`needsRecordFilter`). The SQL condition is one constant fragment for every route.
//
// How to call:
//   const sel = await requestSelection(db, q.category);        // aggregates/request.ts
//   incidentWhere(p, { ...window, categories: sel.categories, narrowing: sel.narrowing });
//   // fixed-position SQL: `AND ${narrowingSql('$6', '$7', '$8')}` with params [...narrowingParams(sel.narrowing)]
import type { Definition } from '../../contract/definitions.js';

export interface Narrowing {
  /** Normalised Home Office offence codes; null: no narrowing by code. */
  offence_codes: string[] | null;
  /** Victim age band in whole years (either bound may be open); null: no narrowing by age. */
  victim_age: { min?: number; max?: number } | null;
  /** Location types, lower-case, compared case-insensitively; null: no narrowing by location type. */
  location_types: string[] | null;
}

export interface Selection {
  /** Category slugs; null = every category. */
  categories: string[] | null;
  narrowing: Narrowing | null;
}

/** True when the selection cannot be answered from counts per category (it narrows within categories). */
export const needsRecordFilter = (s: Selection) => s.narrowing !== null;

/** The narrowing a definition asks for, or null when it names categories only. */
export function narrowingOf(d: Pick<Definition, 'offence_codes' | 'victim_age' | 'location_types'>): Narrowing | null {
  const n: Narrowing = {
    offence_codes: d.offence_codes.length ? [...d.offence_codes] : null,
    victim_age: d.victim_age && (d.victim_age.min !== undefined || d.victim_age.max !== undefined) ? d.victim_age : null,
    location_types: d.location_types.length ? [...new Set(d.location_types.map((t) => t.trim().toLowerCase()))] : null,
  };
  return n.offence_codes || n.victim_age || n.location_types ? n : null;
}

/**
 * The SQL condition on incidents `alias` for placeholders of: offence codes (text[]), victim age band
 * (int4range) and location types (text[], lower-case); a NULL parameter does not narrow.
 */
export function narrowingSql(codes: string, age: string, locations: string, alias = 'i'): string {
  return `coalesce(${alias}.offence_code = ANY(${codes}::text[]), true)
    AND (${age}::int4range IS NULL OR coalesce(victim_age_range(${alias}.age_band) && ${age}::int4range, true))
    AND coalesce(lower(btrim(${alias}.location_type)) = ANY(${locations}::text[]), true)`;
}

/** The three parameters of narrowingSql, in order. */
export function narrowingParams(n: Narrowing | null): [string[] | null, string | null, string[] | null] {
  if (!n) return [null, null, null];
  const age = n.victim_age ? `[${n.victim_age.min ?? ''},${n.victim_age.max ?? ''}]` : null;
  return [n.offence_codes, age, n.location_types];
}

/** The rule in words, for meta and exports. */
export function narrowingWords(n: Narrowing | null): { applied: string | null; kept: string | null } {
  if (!n) return { applied: null, kept: null };
  const parts = [
    n.offence_codes ? `offence codes ${n.offence_codes.join(', ')}` : null,
    n.victim_age ? `victim age ${n.victim_age.min ?? 0}–${n.victim_age.max ?? 'any'} (bands wholly outside it left out)` : null,
    n.location_types ? `location types ${n.location_types.join(', ')}` : null,
  ].filter((x): x is string => x !== null);
  return {
    applied: `narrowed to ${parts.join('; ')}`,
    kept: 'incidents that do not carry the field (all police.uk data: no offence code, victim age or location type) or whose age band cannot be read cannot be narrowed and are kept',
  };
}
