// The files behind ward populations (issue 11): an ONS LSOA→ward best-fit lookup (LSOA21CD, WD24CD, ...;
// a new lookup replaces the old one for its level) and LSOA population-weighted centroids (LSOA21CD, x, y
// in British National Grid, or longitude/latitude; added to / updating those stored). Bad rows are
// rejected with line and reason; an LSOA listed twice is rejected on every line it appears (neither row
// can be trusted). One transaction per file, which also refreshes area_population_resolved.
import type { Db, Queryable } from '../db/index.js';
import { bngToWgs84, inBngRange, inGreatBritain, inWgs84Range, parseCrsName, type Crs } from '../../geodata/crs.js';
import { POPULATION_GAPS_SQL } from '../aggregates/sql.js';
import type { ImportSummary, Reject } from './batches.js';
import { readCsvRows } from './csv-rows.js';
import { LEVEL_RE } from './fields.js';
import { COLS, num, pick } from './sites.js';
import { ImportError } from './errors.js';

export interface PopulationRuleOptions {
  batchId: number;
  fileName: string;
  /** Lookup: the area level its ward codes belong to (default ward). */
  level?: string;
  /** Centroids: the CRS of x/y columns (default: from the column names or the first row's range). */
  crs?: string;
}

const LSOA_FIELD = /^LSOA\d{2}CD$/i;
const WARD_FIELD = /^WD\d{2}CD$/i;
const LAD_FIELD = /^LAD\d{2}CD$/i;
/** LSOA codes: England E01, Wales W01, then six digits. Other GSS codes: a letter and eight digits. */
const LSOA_CODE = /^[EW]01\d{6}$/;
const GSS_CODE = /^[EWSN]\d{8}$/;

/** Header recognition for sniff: a best-fit lookup (LSOAyyCD + WDyyCD) or a centroid file (LSOAyyCD + coordinates). */
export function detectPopulationRuleKind(header: string[]): 'population_lookup' | 'population_centroids' | undefined {
  if (!header.some((h) => LSOA_FIELD.test(h))) return undefined;
  if (header.some((h) => WARD_FIELD.test(h))) return 'population_lookup';
  const located =
    (pick(header, COLS.easting) >= 0 && pick(header, COLS.northing) >= 0) ||
    (pick(header, COLS.lon) >= 0 && pick(header, COLS.lat) >= 0);
  return located && header.length <= 10 ? 'population_centroids' : undefined;
}

/** The name column paired with a code column (WD24CD → WD24NM). */
const nameOf = (header: string[], codeField: string) =>
  header.findIndex((h) => h.toUpperCase() === codeField.toUpperCase().replace(/CD$/, 'NM'));

/** Checks shared by both files: the LSOA code (present, well-formed, not repeated). */
class LsoaRows<T> {
  readonly rejects: Reject[] = [];
  private readonly rows = new Map<string, { line: number; raw: string; value: T } | null>();

  /** Take a row's LSOA code, or reject the row; returns false when rejected. */
  code(code: string, line: number, raw: string): boolean {
    if (!code) return this.reject(line, 'no_code', 'empty LSOA code', raw);
    if (!LSOA_CODE.test(code))
      return this.reject(line, 'bad_code', `LSOA code "${code.slice(0, 20)}" is not an E01/W01 code`, raw);
    return true;
  }

  reject(line: number, code: string, reason: string, raw: string): false {
    this.rejects.push({ line, code, reason, raw });
    return false;
  }

  add(code: string, line: number, raw: string, value: T) {
    const first = this.rows.get(code);
    if (first === undefined) return void this.rows.set(code, { line, raw, value });
    this.reject(
      line,
      'duplicate_code',
      `${code} is listed twice (line ${first?.line ?? 'earlier'} too); neither row is used`,
      raw,
    );
    if (first)
      this.reject(first.line, 'duplicate_code', `${code} is listed twice (line ${line} too); neither row is used`, first.raw);
    this.rows.set(code, null);
  }

  /** The accepted rows (codes listed once), rejects sorted by line. */
  done(): Array<{ code: string; value: T }> {
    this.rejects.sort((a, b) => a.line - b.line);
    const out: Array<{ code: string; value: T }> = [];
    for (const [code, r] of this.rows) if (r) out.push({ code, value: r.value });
    if (!out.length)
      throw new ImportError(
        'no_valid_rows',
        `No row could be used; first problem, line ${this.rejects[0]?.line}: ${this.rejects[0]?.reason}.`,
      );
    return out;
  }
}

/** LSOAs with a population that the level's lookup, or the stored centroids, leave out. */
async function populationGaps(db: Queryable, level: string) {
  const [g] = await db.query<{ lsoas_missing_from_lookup: number | null; lsoas_without_centroid: number | null }>(
    POPULATION_GAPS_SQL,
    [level],
  );
  return g;
}

export async function importPopulationLookup(db: Db, file: string, o: PopulationRuleOptions): Promise<ImportSummary> {
  const level = o.level ?? 'ward';
  if (!LEVEL_RE.test(level) || level === 'lsoa')
    throw new ImportError('bad_level', `A best-fit lookup maps LSOAs to another level; "${level}" cannot be used.`);
  let fields: { lsoa: string; area: string; idx: number[] } | undefined;
  const rows = new LsoaRows<[string, string | null, string | null, string | null]>();
  const { sha256, rowsRead } = await readCsvRows(
    file,
    (header) => {
      const lsoa = header.find((h) => LSOA_FIELD.test(h));
      const area = header.find((h) => WARD_FIELD.test(h));
      if (!lsoa || !area)
        throw new ImportError(
          'bad_header',
          `A best-fit lookup needs an LSOA code column (like LSOA21CD) and a ward code column (like WD24CD); header: ${header.join(', ')}.`,
          1,
        );
      const lad = header.find((h) => LAD_FIELD.test(h));
      fields = {
        lsoa,
        area,
        idx: [
          header.indexOf(lsoa),
          header.indexOf(area),
          nameOf(header, area),
          lad ? header.indexOf(lad) : -1,
          lad ? nameOf(header, lad) : -1,
        ],
      };
    },
    (record, line) => {
      const [code, areaCode, areaName, ladCode, ladName] = fields!.idx.map((i) => (i >= 0 ? (record[i] ?? '').trim() : ''));
      const raw = record.join(',');
      if (!rows.code(code, line, raw)) return;
      if (!areaCode) return void rows.reject(line, 'no_code', `empty ward code (${fields!.area}) for ${code}`, raw);
      if (!GSS_CODE.test(areaCode))
        return void rows.reject(
          line,
          'bad_code',
          `ward code "${areaCode.slice(0, 20)}" is not a GSS code (a letter and eight digits)`,
          raw,
        );
      if (ladCode && !GSS_CODE.test(ladCode))
        return void rows.reject(line, 'bad_code', `LAD code "${ladCode.slice(0, 20)}" is not a GSS code`, raw);
      rows.add(code, line, raw, [areaCode, areaName || null, ladCode || null, ladName || null]);
    },
  );
  const ok = rows.done();
  const col = (i: number) => ok.map((r) => (i < 0 ? r.code : r.value[i]));
  const r = await db.transaction(async (tx) => {
    // Unchanged: the stored lookup for the level holds exactly these rows.
    const [c] = await tx.query<{ same: number; stored: number }>(
      `SELECT (SELECT count(*)::int FROM population_lookup k JOIN unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS t(lsoa, area, name, lad, lad_name)
                 ON k.level = $1 AND k.lsoa_code = t.lsoa AND k.area_code = t.area AND k.area_name IS NOT DISTINCT FROM t.name
                AND k.lad_code IS NOT DISTINCT FROM t.lad AND k.lad_name IS NOT DISTINCT FROM t.lad_name) AS same,
              (SELECT count(*)::int FROM population_lookup WHERE level = $1) AS stored`,
      [level, col(-1), col(0), col(1), col(2), col(3)],
    );
    const unchanged = c.same === ok.length && c.stored === ok.length;
    if (!unchanged) {
      // A new lookup replaces the level's old one as a whole.
      await tx.query(`DELETE FROM population_lookup_sets WHERE level = $1`, [level]);
      await tx.query(
        `INSERT INTO population_lookup_sets (level, lsoa_field, area_field, source, batch_id, rows) VALUES ($1, $2, $3, $4, $5, $6)`,
        [level, fields!.lsoa, fields!.area, `${o.fileName} (import ${o.batchId})`, o.batchId, ok.length],
      );
      await tx.query(
        `INSERT INTO population_lookup (level, lsoa_code, area_code, area_name, lad_code, lad_name)
         SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[])`,
        [level, col(-1), col(0), col(1), col(2), col(3)],
      );
      await tx.query('SELECT refresh_area_population_resolved()');
    }
    const [m] = await tx.query<{ matched: number; areas: number }>(
      `SELECT count(DISTINCT k.area_code) FILTER (WHERE a.id IS NOT NULL)::int AS matched, count(DISTINCT k.area_code)::int AS areas
       FROM population_lookup k LEFT JOIN areas a ON a.level = k.level AND a.code = k.area_code WHERE k.level = $1`,
      [level],
    );
    return { unchanged, ...m, missing: (await populationGaps(tx, level)).lsoas_missing_from_lookup };
  });
  return {
    batchId: o.batchId,
    kind: 'population_lookup',
    fileName: o.fileName,
    status: 'committed',
    rowsRead,
    imported: r.unchanged ? 0 : ok.length,
    duplicates: r.unchanged ? ok.length : 0,
    rejected: rows.rejects.length,
    outsideStudyArea: 0,
    details: {
      sha256,
      level,
      lsoaField: fields!.lsoa,
      areaField: fields!.area,
      replaced: !r.unchanged,
      areasInLookup: r.areas,
      areasMatchingLoadedAreas: r.matched,
      lsoasWithPopulationMissingFromLookup: r.missing,
    },
    rejects: rows.rejects,
  };
}

export async function importPopulationCentroids(db: Db, file: string, o: PopulationRuleOptions): Promise<ImportSummary> {
  let ci = -1,
    xi = -1,
    yi = -1;
  let crs: Crs | undefined = o.crs ? parseCrsName(o.crs) : undefined;
  if (o.crs && !crs)
    throw new ImportError('unknown_crs', `Unknown coordinate reference system "${o.crs}". Supported: EPSG:4326 and EPSG:27700.`);
  const rows = new LsoaRows<[number, number]>();
  const { sha256, rowsRead } = await readCsvRows(
    file,
    (header) => {
      ci = header.findIndex((h) => LSOA_FIELD.test(h));
      const lonlat = [pick(header, COLS.lon), pick(header, COLS.lat)];
      const en = [pick(header, COLS.easting), pick(header, COLS.northing)];
      [xi, yi] = lonlat.every((i) => i >= 0) ? lonlat : en;
      if (ci < 0 || xi < 0 || yi < 0)
        throw new ImportError(
          'bad_header',
          `A centroid file needs an LSOA code column (like LSOA21CD) and x/y, easting/northing or longitude/latitude columns; header: ${header.join(', ')}.`,
          1,
        );
      // Named columns settle the CRS; plain x/y are read by the first row's range unless a CRS is given.
      const named = header[xi].toLowerCase();
      if (!crs && named !== 'x') crs = lonlat[0] === xi ? 'EPSG:4326' : 'EPSG:27700';
    },
    (record, line) => {
      const code = (record[ci] ?? '').trim();
      const raw = record.join(',');
      if (!rows.code(code, line, raw)) return;
      const sx = record[xi] ?? '',
        sy = record[yi] ?? '';
      const x = num(sx),
        y = num(sy);
      if (!Number.isFinite(x) || !Number.isFinite(y))
        return void rows.reject(
          line,
          'bad_coordinates',
          `coordinates "${sx.slice(0, 20)}", "${sy.slice(0, 20)}" are not numbers`,
          raw,
        );
      crs ??= inWgs84Range(x, y) ? 'EPSG:4326' : 'EPSG:27700';
      const [lon, lat] = crs === 'EPSG:27700' ? (inBngRange(x, y) ? bngToWgs84(x, y) : [NaN, NaN]) : [x, y];
      if (!inGreatBritain(lon, lat))
        return void rows.reject(line, 'outside_gb', `${x}, ${y} (${crs}) is outside Great Britain`, raw);
      rows.add(code, line, raw, [lon, lat]);
    },
  );
  const ok = rows.done();
  const codes = ok.map((r) => r.code),
    lons = ok.map((r) => r.value[0]),
    lats = ok.map((r) => r.value[1]);
  const r = await db.transaction(async (tx) => {
    const [c] = await tx.query<{ unchanged: number }>(
      `SELECT count(*)::int AS unchanged FROM lsoa_centroids c JOIN unnest($1::text[], $2::float8[], $3::float8[]) AS t(code, lon, lat)
         ON c.code = t.code AND ST_X(c.geom) = t.lon AND ST_Y(c.geom) = t.lat`,
      [codes, lons, lats],
    );
    if (c.unchanged < ok.length) {
      await tx.query(
        `INSERT INTO lsoa_centroids (code, geom, source, batch_id)
         SELECT code, ST_SetSRID(ST_MakePoint(lon, lat), 4326), $4, $5 FROM unnest($1::text[], $2::float8[], $3::float8[]) AS t(code, lon, lat)
         ON CONFLICT (code) DO UPDATE SET geom = EXCLUDED.geom, source = EXCLUDED.source, batch_id = EXCLUDED.batch_id
         WHERE NOT ST_Equals(lsoa_centroids.geom, EXCLUDED.geom)`,
        [codes, lons, lats, `${o.fileName} (import ${o.batchId})`, o.batchId],
      );
      await tx.query('SELECT refresh_area_population_resolved()');
    }
    return { unchanged: c.unchanged, missing: (await populationGaps(tx, 'ward')).lsoas_without_centroid };
  });
  return {
    batchId: o.batchId,
    kind: 'population_centroids',
    fileName: o.fileName,
    status: 'committed',
    rowsRead,
    imported: ok.length - r.unchanged,
    duplicates: r.unchanged,
    rejected: rows.rejects.length,
    outsideStudyArea: 0,
    details: { sha256, crs, lsoasWithPopulationWithoutCentroid: r.missing },
    rejects: rows.rejects,
  };
}
