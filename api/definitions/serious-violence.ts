// Serious violence, as this partnership defines it (issue 18). The Serious Violence Duty (PCSC Act 2022
// s.13) leaves the definition to each partnership, so it is data: a named set of police.uk (or imported)
// categories, optionally Home Office offence codes, a victim age band and location types, stored as
// append-only versions (category_set_versions, migration 013) with who changed it and when. Until a
// partnership saves its own, the built-in default applies: police.uk "Violence and sexual offences" +
// "Robbery" + "Possession of weapons", an approximation that police.uk's categories cannot narrow further.
//
// Requests select it as a category set, `category=@serious-violence`, expanded in one place for every
// route: aggregates/request.ts requestSelection. The category filter applies its categories; the offence
// codes, victim age band and location types narrow within them where incidents carry those fields
// (definitions/narrowing.ts; police.uk data carry none, so there they narrow nothing, and meta says so).
import { type CategorySetMeta, type Definition, SERIOUS_VIOLENCE } from '../../contract/definitions.js';
import type { Queryable } from '../db/index.js';
import { narrowingOf, narrowingWords } from './narrowing.js';
import { ApiError } from '../errors.js';

export { CATEGORY_SETS, SERIOUS_VIOLENCE, type CategorySetMeta, type Definition } from '../../contract/definitions.js';

export const APPROXIMATION_NOTE =
  'An approximation: police.uk publishes "Violence and sexual offences" as one category (it also holds common assault without injury, harassment, stalking, malicious communications and sexual offences) and gives no victim age, weapon or location type, so police.uk data cannot be narrowed to public-space youth violence, knife and gun crime or county lines.';

export const DEFAULT_DEFINITION: Definition = {
  label: 'Serious violence (default: police.uk approximation)',
  categories: ['possession-of-weapons', 'robbery', 'violent-crime'],
  offence_codes: [],
  victim_age: null,
  location_types: [],
  note: 'Built-in default until the partnership saves its own definition.',
};

export interface DefinitionVersion {
  name: string;
  version: number;
  definition: Definition;
  changed_at: string | null;
  changed_by: string | null;
}

const VERSIONS_SQL = `
SELECT name, version, definition, to_char(changed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS changed_at, changed_by
FROM category_set_versions WHERE name = $1`;

/** The current definition: the highest stored version, or the built-in default as version 0. */
export async function currentDefinition(db: Queryable): Promise<DefinitionVersion> {
  const [row] = await db.query<DefinitionVersion>(`${VERSIONS_SQL} ORDER BY version DESC LIMIT 1`, [SERIOUS_VIOLENCE]);
  return row ?? { name: SERIOUS_VIOLENCE, version: 0, definition: DEFAULT_DEFINITION, changed_at: null, changed_by: null };
}

/** Every stored version, newest first (the built-in default, version 0, last). */
export async function definitionHistory(db: Queryable): Promise<DefinitionVersion[]> {
  const rows = await db.query<DefinitionVersion>(`${VERSIONS_SQL} ORDER BY version DESC`, [SERIOUS_VIOLENCE]);
  return [...rows, { name: SERIOUS_VIOLENCE, version: 0, definition: DEFAULT_DEFINITION, changed_at: null, changed_by: null }];
}

/** Appends a new version (categories must exist); concurrent saves get distinct versions or a 409. */
export async function saveDefinition(db: Queryable, d: Definition, by: string): Promise<DefinitionVersion> {
  const known = new Set(
    (await db.query<{ slug: string }>('SELECT slug FROM categories WHERE slug = ANY($1::text[])', [d.categories])).map(
      (r) => r.slug,
    ),
  );
  const unknown = d.categories.filter((c) => !known.has(c));
  if (unknown.length)
    throw new ApiError(400, 'invalid_body', `categories: unknown ${unknown.join(', ')} (see GET /api/categories)`, [
      { path: 'categories', message: 'unknown category', unknown },
    ]);
  try {
    const [row] = await db.query<DefinitionVersion>(
      `INSERT INTO category_set_versions (name, version, definition, changed_by)
       SELECT $1, coalesce(max(version), 0) + 1, $2::jsonb, $3 FROM category_set_versions WHERE name = $1
       RETURNING name, version, definition, to_char(changed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS changed_at, changed_by`,
      [SERIOUS_VIOLENCE, JSON.stringify(d), by],
    );
    return row;
  } catch (e) {
    if ((e as { code?: string }).code === '23505')
      throw new ApiError(409, 'conflict', 'The definition was changed at the same moment by someone else; reload and try again.');
    throw e;
  }
}

/** What every response (legend, export) using the set states about it. */
export function definitionMeta(v: DefinitionVersion): CategorySetMeta {
  const d = v.definition;
  const words = narrowingWords(narrowingOf(d));
  return {
    name: v.name,
    token: `@${v.name}`,
    label: d.label,
    version: v.version,
    changed_at: v.changed_at,
    changed_by: v.changed_by,
    default: v.version === 0,
    categories: d.categories,
    offence_codes: d.offence_codes,
    victim_age: d.victim_age,
    location_types: d.location_types,
    note: d.note,
    approximation: APPROXIMATION_NOTE,
    applied: `category filter: ${d.categories.join(', ')}${words.applied ? `; ${words.applied}` : ''}`,
    not_applied: words.kept,
  };
}
