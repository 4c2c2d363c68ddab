// The intervention register. `interventions` holds the current version of each intervention; every
// change (create, import, edit, end, delete) bumps its version and appends the whole new version to
// `intervention_history` (append-only: triggers refuse UPDATE/DELETE), with who and when. Deleting marks
// the row deleted; its history stays readable.
import type { Db, Queryable } from '../db/index.js';
import { ApiError } from '../errors.js';
import type { Principal } from '../auth/roles.js';
import type { SiteGeometry } from '../../geodata/planning/geometry.js';
import type {
  HistoryEntry,
  Intervention,
  InterventionPatch,
  InterventionType,
  NewIntervention,
} from '../../contract/planning.js';

export type { Intervention, NewIntervention } from '../../contract/planning.js';

const SELECT = `
SELECT v.id, v.type, t.label AS type_label, v.name, ST_AsGeoJSON(v.geom, 7)::json AS geometry,
       to_char(v.starts_on, 'YYYY-MM-DD') AS starts_on, to_char(v.ends_on, 'YYYY-MM-DD') AS ends_on,
       v.owner, v.partner, v.notes, v.version,
       to_char(v.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at, v.created_by,
       to_char(v.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS updated_at, v.updated_by,
       to_char(v.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS deleted_at, v.deleted_by
FROM interventions v
JOIN intervention_types t ON t.slug = v.type`;

export interface ListFilter {
  types?: string[] | null;
  activeOn?: string | null;
  /** Active at some time in [from, to). */
  overlaps?: { from: string; to: string } | null;
  includeDeleted?: boolean;
}

export async function listInterventions(db: Queryable, f: ListFilter = {}): Promise<Intervention[]> {
  return db.query<Intervention>(
    `${SELECT}
WHERE ($1::boolean OR v.deleted_at IS NULL)
  AND ($2::text[] IS NULL OR v.type = ANY($2::text[]))
  AND ($3::date IS NULL OR (v.starts_on <= $3::date AND (v.ends_on IS NULL OR v.ends_on >= $3::date)))
  AND ($4::date IS NULL OR (v.starts_on < $5::date AND (v.ends_on IS NULL OR v.ends_on >= $4::date)))
ORDER BY v.id`,
    [
      f.includeDeleted ?? false,
      f.types?.length ? f.types : null,
      f.activeOn ?? null,
      f.overlaps?.from ?? null,
      f.overlaps?.to ?? null,
    ],
  );
}

export async function getIntervention(db: Queryable, id: number, opts: { includeDeleted?: boolean } = {}): Promise<Intervention> {
  const [row] = await db.query<Intervention>(`${SELECT} WHERE v.id = $1`, [id]);
  if (!row || (row.deleted_at && !opts.includeDeleted))
    throw new ApiError(404, 'not_found', `No intervention ${id}${row ? ' (it was deleted; its history remains)' : ''}.`);
  return row;
}

export async function history(db: Queryable, id: number) {
  const rows = await db.query<HistoryEntry>(
    `SELECT version, action, changed_by, to_char(changed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS changed_at, snapshot
     FROM intervention_history WHERE intervention_id = $1 ORDER BY version`,
    [id],
  );
  if (rows.length === 0) throw new ApiError(404, 'not_found', `No intervention ${id}.`);
  return rows;
}

export async function types(db: Queryable) {
  return db.query<InterventionType>('SELECT slug, label, builtin FROM intervention_types ORDER BY builtin DESC, label');
}

export async function addType(db: Queryable, slug: string, label: string, by: string) {
  const rows = await db.query<{ slug: string }>(
    'INSERT INTO intervention_types (slug, label, created_by) VALUES ($1, $2, $3) ON CONFLICT (slug) DO NOTHING RETURNING slug',
    [slug, label, by],
  );
  if (rows.length === 0) throw new ApiError(409, 'conflict', `The type ${slug} exists already.`);
  return { slug, label, builtin: false };
}

async function checkType(db: Queryable, type: string) {
  const known = (await types(db)).map((t) => t.slug);
  if (!known.includes(type))
    throw new ApiError(400, 'invalid_body', `type: unknown intervention type "${type}" (known: ${known.join(', ')})`, [
      { path: 'type', message: 'unknown type', known },
    ]);
}

/** PostGIS validity (self-intersections, spikes): a 400 with PostGIS's reason, never a constraint error. */
async function checkGeometry(db: Queryable, g: SiteGeometry, path = 'geometry') {
  const [r] = await db.query<{ valid: boolean; reason: string }>(
    `SELECT ST_IsValid(g) AS valid, ST_IsValidReason(g) AS reason FROM (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS g) s`,
    [JSON.stringify(g)],
  );
  if (!r.valid) throw new ApiError(400, 'invalid_body', `${path}: invalid geometry (${r.reason})`, [{ path, message: r.reason }]);
}

const who = (p: Principal) => p.user.email;

async function appendHistory(tx: Queryable, id: number, action: string, p: Principal) {
  await tx.query(
    `INSERT INTO intervention_history (intervention_id, version, action, snapshot, changed_by, changed_by_id)
     SELECT v.id, v.version, $2, to_jsonb(s) - 'id', $3, $4
     FROM interventions v,
     LATERAL (SELECT v.id, v.type, v.name, ST_AsGeoJSON(v.geom, 7)::jsonb AS geometry, v.starts_on, v.ends_on, v.owner, v.partner,
                     v.notes, v.version, v.deleted_at) s
     WHERE v.id = $1`,
    [id, action, who(p), p.user.id],
  );
}

async function insertOne(tx: Queryable, b: NewIntervention, p: Principal, action: 'create' | 'import'): Promise<number> {
  const [{ id }] = await tx.query<{ id: number }>(
    `INSERT INTO interventions (type, name, geom, starts_on, ends_on, owner, partner, notes, created_by, updated_by)
     VALUES ($1, $2, ST_SetSRID(ST_GeomFromGeoJSON($3), 4326), $4::date, $5::date, $6, $7, $8, $9, $9) RETURNING id`,
    [
      b.type,
      b.name,
      JSON.stringify(b.geometry),
      b.starts_on,
      b.ends_on,
      b.owner || null,
      b.partner || null,
      b.notes || null,
      who(p),
    ],
  );
  await appendHistory(tx, id, action, p);
  return id;
}

export async function createIntervention(db: Db, b: NewIntervention, p: Principal): Promise<Intervention> {
  await checkType(db, b.type);
  await checkGeometry(db, b.geometry);
  const id = await db.transaction((tx) => insertOne(tx, b, p, 'create'));
  return getIntervention(db, id);
}

/** Several at once, all or nothing (each row already validated by the caller). */
export async function importInterventions(db: Db, rows: NewIntervention[], p: Principal, firstRow = 1): Promise<number[]> {
  const known = new Set((await types(db)).map((t) => t.slug));
  const problems: Array<{ row: number; message: string }> = [];
  rows.forEach((r, i) => {
    if (!known.has(r.type)) problems.push({ row: i + firstRow, message: `unknown intervention type "${r.type}"` });
  });
  for (const [i, r] of rows.entries()) {
    try {
      await checkGeometry(db, r.geometry);
    } catch (e) {
      problems.push({ row: i + firstRow, message: (e as Error).message });
    }
  }
  if (problems.length)
    throw new ApiError(
      400,
      'invalid_rows',
      `${problems.length} row(s) are not valid; nothing was imported.`,
      problems.slice(0, 100),
    );
  return db.transaction(async (tx) => {
    const ids: number[] = [];
    for (const r of rows) ids.push(await insertOne(tx, r, p, 'import'));
    return ids;
  });
}

/** Edit (or end, or delete): the row is locked, the version checked, changed, and the new version appended to history. */
async function change(
  db: Db,
  id: number,
  p: Principal,
  action: 'edit' | 'end' | 'delete',
  expected: number | undefined,
  apply: (tx: Queryable, cur: { starts_on: string; ends_on: string | null }) => Promise<void>,
) {
  await db.transaction(async (tx) => {
    const [cur] = await tx.query<{ version: number; deleted_at: string | null; starts_on: string; ends_on: string | null }>(
      `SELECT version, deleted_at::text, to_char(starts_on, 'YYYY-MM-DD') AS starts_on, to_char(ends_on, 'YYYY-MM-DD') AS ends_on
       FROM interventions WHERE id = $1 FOR UPDATE`,
      [id],
    );
    if (!cur || cur.deleted_at) throw new ApiError(404, 'not_found', `No intervention ${id}.`);
    if (expected !== undefined && expected !== cur.version)
      throw new ApiError(
        409,
        'conflict',
        `Intervention ${id} is at version ${cur.version}, not ${expected}: someone changed it since. Reload and try again.`,
        { version: cur.version },
      );
    await apply(tx, cur);
    await tx.query(
      `UPDATE interventions SET version = version + 1, updated_at = now(), updated_by = $2,
         deleted_at = CASE WHEN $3 THEN now() ELSE deleted_at END, deleted_by = CASE WHEN $3 THEN $2 ELSE deleted_by END
       WHERE id = $1`,
      [id, who(p), action === 'delete'],
    );
    await appendHistory(tx, id, action, p);
  });
}

export async function editIntervention(db: Db, id: number, b: InterventionPatch, p: Principal): Promise<Intervention> {
  if (b.type !== undefined) await checkType(db, b.type);
  if (b.geometry !== undefined) await checkGeometry(db, b.geometry);
  await change(db, id, p, 'edit', b.version, async (tx, cur) => {
    const starts = b.starts_on ?? cur.starts_on;
    const ends = b.ends_on === undefined ? cur.ends_on : b.ends_on;
    if (ends !== null && ends < starts)
      throw new ApiError(400, 'invalid_body', `ends_on (${ends}) must not be before starts_on (${starts})`, [
        { path: 'ends_on', message: 'before starts_on' },
      ]);
    // Only the fields given change; `null` clears an optional field.
    await tx.query(
      `UPDATE interventions SET
         type = COALESCE($2, type), name = COALESCE($3, name),
         geom = COALESCE(ST_SetSRID(ST_GeomFromGeoJSON($4), 4326), geom),
         starts_on = $5::date, ends_on = $6::date,
         owner = CASE WHEN $7 THEN $8 ELSE owner END,
         partner = CASE WHEN $9 THEN $10 ELSE partner END,
         notes = CASE WHEN $11 THEN $12 ELSE notes END
       WHERE id = $1`,
      [
        id,
        b.type ?? null,
        b.name ?? null,
        b.geometry ? JSON.stringify(b.geometry) : null,
        starts,
        ends,
        b.owner !== undefined,
        b.owner || null,
        b.partner !== undefined,
        b.partner || null,
        b.notes !== undefined,
        b.notes || null,
      ],
    );
  });
  return getIntervention(db, id);
}

export async function endIntervention(
  db: Db,
  id: number,
  endsOn: string,
  expected: number | undefined,
  p: Principal,
): Promise<Intervention> {
  await change(db, id, p, 'end', expected, async (tx, cur) => {
    if (endsOn < cur.starts_on)
      throw new ApiError(400, 'invalid_body', `ends_on (${endsOn}) must not be before starts_on (${cur.starts_on})`, [
        { path: 'ends_on', message: 'before starts_on' },
      ]);
    await tx.query('UPDATE interventions SET ends_on = $2::date WHERE id = $1', [id, endsOn]);
  });
  return getIntervention(db, id);
}

export async function deleteIntervention(db: Db, id: number, p: Principal) {
  await change(db, id, p, 'delete', undefined, async () => undefined);
  return { id, deleted: true };
}

/** The register as a FeatureCollection (the map's layer). */
export const asFeatureCollection = (rows: Intervention[]) => ({
  type: 'FeatureCollection' as const,
  features: rows.map(({ geometry, ...props }) => ({ type: 'Feature' as const, id: props.id, properties: props, geometry })),
});
