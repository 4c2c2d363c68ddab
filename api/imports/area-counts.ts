// Aggregate data (issue 17): counts per ward, month and category as published, with no points — the MPS
// ward-level monthly crime files (`MajorText, MinorText, WardName, WardCode, LookUp_BoroughName, YYYYMM...`).
// Stored in area_counts (a later file replaces what earlier ones said for the wards and months it holds:
// the MPS revises its figures), and recorded in coverage as their own source with points = false, so
// they never make a month "covered" for incident analyses. A month column that is practically empty next to
// the others (MPS files have published a first month summing to 1 offence for a borough) is reported and
// neither stored nor counted as covered.
import type { Db } from '../db/index.js';
import type { ImportSummary, Reject } from './batches.js';
import { readCsvRows } from './csv-rows.js';
import { ImportError } from './errors.js';

export const MPS_WARD_DATASET = 'MPS ward-level crime (aggregate)';
const FIXED = ['MajorText', 'MinorText', 'WardName', 'WardCode', 'LookUp_BoroughName'];
const MONTH_COL = /^(\d{4})(0[1-9]|1[0-2])$/;
const GSS = /^[EW]\d{8}$/;
/** A month whose total is below this share of the median month total is "practically empty". */
const EMPTY_SHARE = 0.05;

export function isWardCountsHeader(header: string[]): boolean {
  return (
    FIXED.every((f, i) => header[i] === f) &&
    header.length > FIXED.length &&
    header.slice(FIXED.length).every((h) => MONTH_COL.test(h))
  );
}

/** The coverage category of an aggregate major category: its own namespace, never an incident category. */
export const aggregateCategory = (major: string) =>
  `mps:${major
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')}`;

export async function importWardCounts(db: Db, file: string, o: { batchId: number; fileName: string }): Promise<ImportSummary> {
  let months: string[] = [];
  const rejects: Reject[] = [];
  const rows: Array<{ code: string; name: string; major: string; minor: string; counts: number[] }> = [];
  const seen = new Set<string>();
  const { sha256, rowsRead } = await readCsvRows(
    file,
    (header) => {
      if (!isWardCountsHeader(header))
        throw new ImportError(
          'bad_header',
          `Expected MPS ward-level counts: ${FIXED.join(', ')}, then YYYYMM columns; found ${header.slice(0, 8).join(', ')}.`,
          1,
        );
      months = header.slice(FIXED.length).map((h) => `${h.slice(0, 4)}-${h.slice(4)}-01`);
    },
    (r, line) => {
      const raw = r.join(',');
      const [major, minor, name, code] = r.map((x) => (x ?? '').trim());
      if (r.length !== FIXED.length + months.length)
        return void rejects.push({
          line,
          code: 'wrong_field_count',
          reason: `${r.length} fields, expected ${FIXED.length + months.length}`,
          raw,
        });
      if (!GSS.test(code))
        return void rejects.push({ line, code: 'bad_code', reason: `ward code "${code.slice(0, 20)}" is not a GSS code`, raw });
      if (!major || !minor || major.length > 120 || minor.length > 120)
        return void rejects.push({ line, code: 'no_category', reason: 'empty or over-long MajorText/MinorText', raw });
      const counts = r.slice(FIXED.length).map((v) => (/^\d{1,7}$/.test(v.trim()) ? Number(v) : NaN));
      const bad = counts.findIndex((n) => !Number.isFinite(n));
      if (bad >= 0)
        return void rejects.push({
          line,
          code: 'bad_count',
          reason: `count "${r[FIXED.length + bad].slice(0, 20)}" for ${months[bad].slice(0, 7)} is not a whole number`,
          raw,
        });
      const key = `${code}\u001e${major}\u001e${minor}`;
      if (seen.has(key))
        return void rejects.push({
          line,
          code: 'duplicate_row',
          reason: `${code} ${major} / ${minor} appears earlier in the file`,
          raw,
        });
      seen.add(key);
      rows.push({ code, name: name.slice(0, 200), major, minor, counts });
    },
  );
  if (!rows.length)
    throw new ImportError(
      'no_valid_rows',
      `No row could be used; first problem, line ${rejects[0]?.line}: ${rejects[0]?.reason}.`,
    );
  // Months practically empty next to the others are left out (not covered).
  const totals = months.map((_, i) => rows.reduce((a, r) => a + r.counts[i], 0));
  const sorted = [...totals].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const keep = months.map((_, i) => totals[i] >= median * EMPTY_SHARE);
  const empty = months.filter((_, i) => !keep[i]).map((m) => m.slice(0, 7));
  const flat = {
    code: [] as string[],
    name: [] as string[],
    month: [] as string[],
    major: [] as string[],
    minor: [] as string[],
    count: [] as number[],
  };
  for (const r of rows) {
    r.counts.forEach((n, i) => {
      if (!keep[i]) return;
      flat.code.push(r.code);
      flat.name.push(r.name);
      flat.month.push(months[i]);
      flat.major.push(r.major);
      flat.minor.push(r.minor);
      flat.count.push(n);
    });
  }
  const majors = [...new Set(rows.map((r) => r.major))].sort();
  const kept = months.filter((_, i) => keep[i]);
  const r = await db.transaction(async (tx) => {
    // A file replaces, for the wards and months it holds, what earlier files said (the MPS revises its figures
    // and drops or renames minor categories): rows of those wards × months not in this file go.
    const codes = [...new Set(flat.code)];
    const [same] = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM area_counts a JOIN unnest($2::text[], $3::date[], $4::text[], $5::text[], $6::int[]) AS t(code, month, major, minor, count)
         ON a.dataset = $1 AND a.level = 'ward' AND a.code = t.code AND a.month = t.month AND a.major = t.major AND a.minor = t.minor AND a.count = t.count`,
      [MPS_WARD_DATASET, flat.code, flat.month, flat.major, flat.minor, flat.count],
    );
    const [old] = await tx.query<{ n: number }>(
      `WITH d AS (DELETE FROM area_counts WHERE dataset = $1 AND level = 'ward' AND code = ANY($2::text[]) AND month = ANY($3::date[]) RETURNING 1)
       SELECT count(*)::int AS n FROM d`,
      [MPS_WARD_DATASET, codes, kept],
    );
    for (let i = 0; i < flat.code.length; i += 5000) {
      const part = (a: unknown[]) => a.slice(i, i + 5000);
      await tx.query(
        `INSERT INTO area_counts (batch_id, dataset, level, code, name, month, major, minor, count)
         SELECT $1, $2, 'ward', * FROM unnest($3::text[], $4::text[], $5::date[], $6::text[], $7::text[], $8::int[])`,
        [
          o.batchId,
          MPS_WARD_DATASET,
          part(flat.code),
          part(flat.name),
          part(flat.month),
          part(flat.major),
          part(flat.minor),
          part(flat.count),
        ],
      );
    }
    // Unchanged: the same figure was held before; `old` rows beyond this file's are the ones it dropped.
    const unchanged = same.n;
    const changed = flat.code.length - unchanged;
    void old;
    // Coverage: every kept month, for every major category the file holds (zero where a ward has none).
    const cats: string[] = [],
      starts: string[] = [],
      ns: number[] = [];
    for (const m of majors) {
      for (const month of kept) {
        const i = months.indexOf(month);
        cats.push(aggregateCategory(m));
        starts.push(month);
        ns.push(rows.filter((x) => x.major === m).reduce((a, x) => a + x.counts[i], 0));
      }
    }
    await tx.query(
      `INSERT INTO coverage (batch_id, dataset, category, period_start, period_end, rows, published_for, points)
       SELECT $1, $2, c, s, (s + interval '1 month')::date, n, $6, false FROM unnest($3::text[], $4::date[], $5::int[]) AS t(c, s, n)`,
      [o.batchId, MPS_WARD_DATASET, cats, starts, ns, 'Metropolitan Police Service (ward-level counts)'],
    );
    const [m] = await tx.query<{ n: number }>(
      `SELECT count(DISTINCT code)::int AS n FROM areas WHERE level = 'ward' AND code = ANY($1::text[])`,
      [[...new Set(flat.code)]],
    );
    return { changed, unchanged, wardsMatched: m.n };
  });
  return {
    batchId: o.batchId,
    kind: 'ward_counts',
    fileName: o.fileName,
    status: 'committed',
    rowsRead,
    imported: r.changed,
    duplicates: r.unchanged,
    rejected: rejects.length,
    outsideStudyArea: 0,
    details: {
      sha256,
      dataset: MPS_WARD_DATASET,
      aggregate: true,
      note: 'Aggregate counts per ward and month, with no points: they feed ward series, not the map points, hexagons or hotspots.',
      months: kept.map((x) => x.slice(0, 7)),
      months_practically_empty: empty,
      majorCategories: majors,
      wards: new Set(flat.code).size,
      wardsMatchingLoadedWards: r.wardsMatched,
    },
    rejects,
  };
}

/** Monthly series of a ward's aggregate counts: null where no aggregate file covered the month. */
export async function areaCountSeries(db: Db, q: { level: string; code: string; major?: string }) {
  const rows = await db.query<{ month: string; count: number | null }>(
    `WITH covered AS (
       -- months some aggregate file covered (for the major category when one is asked)
       SELECT DISTINCT period_start AS month FROM coverage WHERE NOT points AND dataset = $4
         AND ($3::text IS NULL OR category = $5)
     )
     SELECT to_char(c.month, 'YYYY-MM') AS month,
            (SELECT COALESCE(sum(a.count), 0)::int FROM area_counts a WHERE a.level = $1 AND a.code = $2 AND a.month = c.month
               AND ($3::text IS NULL OR a.major = $3)) AS count
     FROM covered c ORDER BY c.month`,
    [q.level, q.code, q.major ?? null, MPS_WARD_DATASET, q.major ? aggregateCategory(q.major) : null],
  );
  // From the first to the last covered month; a month between them that no file covered is null, never 0.
  const byMonth = new Map(rows.map((r) => [r.month, r.count]));
  const months: Array<{ month: string; count: number | null }> = [];
  if (rows.length) {
    for (let m = rows[0].month; m <= rows.at(-1)!.month; m = nextMonth(m))
      months.push({ month: m, count: byMonth.has(m) ? byMonth.get(m)! : null });
  }
  return {
    level: q.level,
    code: q.code,
    major: q.major ?? null,
    dataset: MPS_WARD_DATASET,
    aggregate: true,
    months,
    note: 'Published aggregate counts (MPS ward-level crime): no points, so they are not on the map, in hexagons or in hotspots; a month no file covered is null.',
  };
}

function nextMonth(m: string) {
  const [y, mo] = m.split('-').map(Number);
  return mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
}
