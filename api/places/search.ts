// The search box (issue 14): wards, streets in the data, schools, intervention sites and postcodes, each
// found by a parameterised ILIKE (the user's %, _ and \ escaped) and ranked: exact match, then prefix, then
// word prefix, then substring; within a rank by kind (ward, street, school, site, postcode), then label.
// Who sees what: streets are drawn from record-level incident points (their extent is the box around the
// incidents recorded on them), so only roles that read records get them (officers: within their wards);
// intervention sites come from the register (roles with register.read). Partners get wards, schools and
// postcodes.
import type { Queryable } from '../db/index.js';
import type { SearchKind, SearchResponse, SearchResult } from '../../contract/places.js';

export interface SearchScope {
  /** Streets from incidents: null = none; [] = all wards; else only these ward codes. */
  streets: string[] | null | 'all';
  sites: boolean;
}

/** `s` for ILIKE with `\` as the escape character: the user's %, _ and \ match themselves. */
export const likeEscape = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);

const KIND_ORDER: SearchKind[] = ['ward', 'street', 'school', 'site', 'postcode'];
export const SEARCH_ORDER =
  'exact match, then prefix, then a word starting with the text, then anywhere; then ward, street, school, site, postcode; then label';

type Hit = SearchResult & { rank: number };

/** 0 exact, 1 prefix, 2 word prefix, 3 substring (case-insensitive). */
function rankOf(label: string, q: string): number {
  const l = label.toLowerCase();
  const t = q.toLowerCase();
  if (l === t) return 0;
  if (l.startsWith(t)) return 1;
  if (l.split(/[\s,'/()-]+/).some((w) => w.startsWith(t))) return 2;
  return 3;
}

type Box = { xmin: number; ymin: number; xmax: number; ymax: number };
const bbox = (b: Box): [number, number, number, number] => [b.xmin, b.ymin, b.xmax, b.ymax];

/** Postcode text → the spaceless upper-case form, or null if it cannot be (part of) a postcode. */
export function postcodeKey(q: string): string | null {
  const k = q.replace(/\s+/g, '').toUpperCase();
  return /^[A-Z][A-Z0-9]{1,6}$/.test(k) ? k : null;
}

export async function searchPlaces(db: Queryable, q: string, limit: number, scope: SearchScope): Promise<SearchResponse> {
  const like = `%${likeEscape(q)}%`;
  const hits: Hit[] = [];
  const take = limit * 3; // per kind, before the shared ranking

  const wards = await db.query<Box & { code: string; name: string }>(
    `SELECT code, name, ST_XMin(geom) AS xmin, ST_YMin(geom) AS ymin, ST_XMax(geom) AS xmax, ST_YMax(geom) AS ymax
     FROM areas WHERE level = 'ward' AND (name ILIKE $1 OR upper(code) = upper($2))
     ORDER BY name LIMIT $3`,
    [like, q, take],
  );
  for (const w of wards)
    hits.push({ kind: 'ward', label: w.name, detail: `ward ${w.code}`, bbox: bbox(w), point: null, rank: rankOf(w.name, q) });

  if (scope.streets !== null) {
    const wardScope = scope.streets === 'all' ? null : scope.streets;
    // One row per street and ward: a name used in two places is two results, each with its own extent.
    const streets = await db.query<Box & { label: string; ward: string | null; n: number }>(
      `WITH s AS (
         SELECT place_street(i.location_text) AS street, i.ward_code, i.lon, i.lat FROM incidents i
         WHERE i.location_text ILIKE $1 AND ($2::text[] IS NULL OR i.ward_code = ANY($2::text[]))
       )
       SELECT mode() WITHIN GROUP (ORDER BY s.street COLLATE "C") AS label, a.name AS ward, count(*)::int AS n,
              min(s.lon) AS xmin, min(s.lat) AS ymin, max(s.lon) AS xmax, max(s.lat) AS ymax
       FROM s LEFT JOIN areas a ON a.level = 'ward' AND a.code = s.ward_code
       WHERE s.street ILIKE $1 AND NOT place_generic(s.street)
       GROUP BY lower(s.street), s.ward_code, a.name
       ORDER BY count(*) DESC, lower(s.street) COLLATE "C", s.ward_code COLLATE "C" LIMIT $3`,
      [like, wardScope, take],
    );
    for (const s of streets)
      hits.push({
        kind: 'street',
        label: s.label,
        detail: `street${s.ward ? ` in ${s.ward}` : ', outside the wards'}: ${s.n} incident${s.n === 1 ? '' : 's'} recorded`,
        bbox: bbox(s),
        point: null,
        rank: rankOf(s.label, q),
      });
  }

  const schools = await db.query<{ name: string; source_id: string; lon: number; lat: number; ward: string | null }>(
    `SELECT s.name, s.source_id, ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat,
            (SELECT a.name FROM area_parts p JOIN areas a ON a.level = 'ward' AND a.code = p.code
             WHERE p.level = 'ward' AND ST_Intersects(p.geom, s.geom) ORDER BY a.code LIMIT 1) AS ward
     FROM journey_sites s WHERE s.kind = 'school' AND (s.name ILIKE $1 OR s.source_id = $2)
     ORDER BY s.name LIMIT $3`,
    [like, q, take],
  );
  for (const s of schools)
    hits.push({
      kind: 'school',
      label: s.name,
      detail: `school ${s.source_id}${s.ward ? `, ${s.ward}` : ''}`,
      bbox: null,
      point: [s.lon, s.lat],
      rank: s.source_id === q ? 0 : rankOf(s.name, q),
    });

  if (scope.sites) {
    const sites = await db.query<Box & { name: string; type: string; point: boolean; lon: number; lat: number }>(
      `SELECT i.name, t.label AS type, GeometryType(i.geom) = 'POINT' AS point,
              ST_X(ST_PointOnSurface(i.geom)) AS lon, ST_Y(ST_PointOnSurface(i.geom)) AS lat,
              ST_XMin(i.geom) AS xmin, ST_YMin(i.geom) AS ymin, ST_XMax(i.geom) AS xmax, ST_YMax(i.geom) AS ymax
       FROM interventions i JOIN intervention_types t ON t.slug = i.type
       WHERE i.deleted_at IS NULL AND i.name ILIKE $1 ORDER BY i.name LIMIT $2`,
      [like, take],
    );
    for (const s of sites)
      hits.push({
        kind: 'site',
        label: s.name,
        detail: `intervention site: ${s.type}`,
        bbox: s.point ? null : bbox(s),
        point: s.point ? [s.lon, s.lat] : null,
        rank: rankOf(s.name, q),
      });
  }

  const [{ loaded }] = await db.query<{ loaded: boolean }>('SELECT EXISTS (SELECT 1 FROM postcodes) AS loaded');
  const pk = postcodeKey(q);
  if (loaded && pk) {
    const pcs = await db.query<{ pcd: string; pcds: string; lon: number; lat: number }>(
      `SELECT pcd, pcds, lon, lat FROM postcodes WHERE pcd LIKE $1 ORDER BY pcd = $2 DESC, pcd LIMIT $3`,
      [`${pk}%`, pk, take],
    );
    for (const p of pcs)
      hits.push({
        kind: 'postcode',
        label: p.pcds,
        detail: 'postcode (ONS Postcode Directory)',
        bbox: null,
        point: [p.lon, p.lat],
        rank: p.pcd === pk ? 0 : 1,
      });
  }

  hits.sort(
    (a, b) =>
      a.rank - b.rank ||
      KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
      (a.label < b.label ? -1 : a.label > b.label ? 1 : 0),
  );
  const withheld: SearchResponse['meta']['withheld'] = [];
  if (scope.streets === null)
    withheld.push({
      kind: 'street',
      reason: 'street extents are drawn from record-level incident points, which this role may not read',
    });
  if (!scope.sites)
    withheld.push({ kind: 'site', reason: 'intervention sites come from the register, which this role may not read' });
  return {
    results: hits.slice(0, limit).map(({ rank: _r, ...h }) => h),
    meta: {
      q,
      kinds: KIND_ORDER.filter((k) => (k !== 'street' || scope.streets !== null) && (k !== 'site' || scope.sites)),
      postcodes_loaded: loaded,
      order: SEARCH_ORDER,
      withheld,
    },
  };
}
