// Harm schemes for the API: the shipped ones (geodata/harm/*.json) and the user-loaded ones (table
// harm_schemes, migration 005). A scheme weighs each category; `value` = Σ count × weight.
import type { Queryable } from '../db/index.js';
import { ApiError } from '../errors.js';
import { SHIPPED_SCHEME_NAMES, shippedScheme, type HarmScheme, type ShippedSchemeName } from '../../geodata/harm/schemes.js';

export interface SchemeInfo extends HarmScheme {
  origin: 'shipped' | 'user';
}

const isShipped = (name: string): name is ShippedSchemeName => (SHIPPED_SCHEME_NAMES as readonly string[]).includes(name);

const USER_SQL = `SELECT name, label, version, source, weights FROM harm_schemes`;

export async function listSchemes(db: Queryable): Promise<SchemeInfo[]> {
  const user = await db.query<HarmScheme>(`${USER_SQL} ORDER BY name`);
  return [...SHIPPED_SCHEME_NAMES.map((n) => ({ ...shippedScheme(n), origin: 'shipped' as const })), ...user.map((s) => ({ ...s, origin: 'user' as const }))];
}

/** The scheme called `name`, or 400 naming the `weights` parameter and the schemes there are. */
export async function resolveScheme(db: Queryable, name: string): Promise<HarmScheme> {
  if (isShipped(name)) return shippedScheme(name);
  const [row] = await db.query<HarmScheme>(`${USER_SQL} WHERE name = $1`, [name]);
  if (row) return row;
  const known = (await listSchemes(db)).map((s) => s.name);
  throw new ApiError(400, 'invalid_parameter', `weights: no harm scheme "${name}" (available: ${known.join(', ')})`, [{ path: 'weights', message: 'unknown harm scheme', known }]);
}

/** Stores (or replaces) a user scheme. Shipped names are refused. */
export async function saveScheme(db: Queryable, s: HarmScheme, createdBy: string) {
  if (isShipped(s.name)) throw new ApiError(400, 'invalid_parameter', `name: "${s.name}" is a shipped scheme and cannot be replaced`, [{ path: 'name', message: 'shipped scheme' }]);
  await db.query(
    `INSERT INTO harm_schemes (name, label, version, source, weights, created_by) VALUES ($1, $2, $3, $4, $5::jsonb, $6)
     ON CONFLICT (name) DO UPDATE SET label = EXCLUDED.label, version = EXCLUDED.version, source = EXCLUDED.source,
       weights = EXCLUDED.weights, created_at = now(), created_by = EXCLUDED.created_by`,
    [s.name, s.label, s.version, s.source, JSON.stringify(s.weights), createdBy],
  );
}

/** What every response's meta says about the scheme. */
export const schemeMeta = (s: HarmScheme) => ({ name: s.name, label: s.label, version: s.version, source: s.source });
