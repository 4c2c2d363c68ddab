// Harm schemes for the API: the shipped ones (geodata/harm/*.json) and the user-loaded ones (table
// harm_schemes, migrations 005 and 013). A scheme weighs each offence code and/or category; an incident
// weighs by its code where the scheme weighs it, else by its category; `value` = Σ weights.
import type { Queryable } from '../db/index.js';
import { ApiError } from '../errors.js';
import { SHIPPED_SCHEME_NAMES, shippedScheme, type HarmScheme, type ShippedSchemeName } from '../../geodata/harm/schemes.js';
import type { MixInfo } from '../../geodata/harm/mix.js';

export interface SchemeInfo extends HarmScheme {
  origin: 'shipped' | 'user';
}

export const isShipped = (name: string): name is ShippedSchemeName => (SHIPPED_SCHEME_NAMES as readonly string[]).includes(name);

const USER_SQL = `SELECT name, label, version, source, weights, code_weights, mix, category_notes FROM harm_schemes`;
interface UserRow {
  name: string;
  label: string;
  version: string;
  source: string;
  weights: Record<string, number>;
  code_weights: Record<string, number> | null;
  mix: MixInfo | null;
  category_notes: Record<string, string> | null;
}
const fromRow = (r: UserRow): HarmScheme => ({
  name: r.name,
  label: r.label,
  version: r.version,
  source: r.source,
  weights: r.weights,
  codeWeights: r.code_weights,
  mix: r.mix,
  categoryNotes: r.category_notes,
  derived: null,
});

export async function listSchemes(db: Queryable): Promise<SchemeInfo[]> {
  const user = await db.query<UserRow>(`${USER_SQL} ORDER BY name`);
  return [
    ...SHIPPED_SCHEME_NAMES.map((n) => ({ ...shippedScheme(n), origin: 'shipped' as const })),
    ...user.map((s) => ({ ...fromRow(s), origin: 'user' as const })),
  ];
}

/** The scheme called `name`, or 400 naming the `weights` parameter and the schemes there are. */
export async function resolveScheme(db: Queryable, name: string): Promise<HarmScheme> {
  if (isShipped(name)) return shippedScheme(name);
  const [row] = await db.query<UserRow>(`${USER_SQL} WHERE name = $1`, [name]);
  if (row) return fromRow(row);
  const known = (await listSchemes(db)).map((s) => s.name);
  throw new ApiError(400, 'invalid_parameter', `weights: no harm scheme "${name}" (available: ${known.join(', ')})`, [
    { path: 'weights', message: 'unknown harm scheme', known },
  ]);
}

/** Stores (or replaces) a user scheme. Shipped names are refused. */
export async function saveScheme(db: Queryable, s: HarmScheme, createdBy: string) {
  if (isShipped(s.name))
    throw new ApiError(400, 'invalid_parameter', `name: "${s.name}" is a shipped scheme and cannot be replaced`, [
      { path: 'name', message: 'shipped scheme' },
    ]);
  await db.query(
    `INSERT INTO harm_schemes (name, label, version, source, weights, code_weights, mix, category_notes, created_by)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb, $8::jsonb, $9)
     ON CONFLICT (name) DO UPDATE SET label = EXCLUDED.label, version = EXCLUDED.version, source = EXCLUDED.source,
       weights = EXCLUDED.weights, code_weights = EXCLUDED.code_weights, mix = EXCLUDED.mix,
       category_notes = EXCLUDED.category_notes, created_at = now(), created_by = EXCLUDED.created_by`,
    [
      s.name,
      s.label,
      s.version,
      s.source,
      JSON.stringify(s.weights),
      s.codeWeights ? JSON.stringify(s.codeWeights) : null,
      s.mix ? JSON.stringify(s.mix) : null,
      s.categoryNotes ? JSON.stringify(s.categoryNotes) : null,
      createdBy,
    ],
  );
}

/**
 * What every response's meta (and so every legend, export and the pack) says about the scheme: its name,
 * label and version (the ONS scheme's label and version name its edition), source, whether it is derived,
 * what it weighs, the offence mix its category weights use, and each category without a weight with why.
 */
export function schemeMeta(s: HarmScheme) {
  const codes = Object.keys(s.codeWeights ?? {}).length;
  const notes = s.categoryNotes ?? {};
  const noWeight = Object.fromEntries(Object.entries(notes).filter(([c]) => !Object.hasOwn(s.weights, c)));
  return {
    name: s.name,
    label: s.label,
    version: s.version,
    source: s.source,
    derived: s.derived ?? null,
    weighs: codes
      ? `${codes} Home Office offence codes (incidents that carry one weigh by it), else the incident's category`
      : 'categories',
    mix: s.mix ? { name: s.mix.name, source: s.mix.source, total: s.mix.total, codes: Object.keys(s.mix.counts).length } : null,
    category_weights: codes ? notes : undefined,
    categories_without_weight: noWeight,
  };
}
