// Time profile of a selection (an area, an H3 cell or a drawn polygon): monthly series (zero-filled) and,
// only where every record considered has a day or minute time, day-of-week and hour-of-week counts.
// police.uk records carry a month only, so for them the weekly charts are withheld with a note saying why.
import { getResolution } from 'h3-js';
import type { Polygon } from 'geojson';
import { PROFILE_DAYS } from '../../contract/hotspots.js';
import type { Queryable } from '../db/index.js';
import { ApiError } from '../errors.js';
import type { H3Res } from '../../geodata/h3.js';
import { H3_COLUMN, incidentWhere, levelColumn, Params } from '../aggregates/sql.js';
import { monthsIn } from '../aggregates/window.js';
import { monthlyCounts } from '../coverage/check.js';
import { requestSelection, requestWindow, type WindowQuery } from '../aggregates/request.js';
import { profileSql } from './sql.js';
import { STUDY_AREA_LEVEL } from './units.js';
import { studyAreaLevel } from '../imports/study-area.js';

const invalid = (path: string, message: string) =>
  new ApiError(400, 'invalid_parameter', `${path}: ${message}`, [{ path, message }]);

/** The WHERE fragment selecting incidents in the area, cell or polygon (validated against the database). */
async function selection(db: Queryable, p: Params, q: { level?: string; code?: string; h3?: string; polygon?: Polygon }) {
  if (q.h3) {
    // As the cell's hotspot count: only its incidents inside the study area (a partial cell's part in a ward).
    const col = H3_COLUMN[getResolution(q.h3) as H3Res];
    return {
      where: `i.${col} = ${p.add(BigInt(`0x${q.h3}`).toString())}::bigint AND i.study_code IS NOT NULL`,
      selection: {
        h3: q.h3,
        rule: `the cell's incidents inside a ${(await studyAreaLevel(db)) ?? STUDY_AREA_LEVEL} polygon (the study area), as its hotspot count`,
      },
    };
  }
  if (q.polygon) {
    const text = JSON.stringify(q.polygon);
    const [v] = await db.query<{ valid: boolean; reason: string }>(
      `SELECT ST_IsValid(g) AS valid, ST_IsValidReason(g) AS reason FROM (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS g) s`,
      [text],
    );
    if (!v.valid) throw invalid('polygon', `not a valid polygon (${v.reason})`);
    return {
      where: `ST_Intersects(ST_SetSRID(ST_GeomFromGeoJSON(${p.add(text)}), 4326), i.geom)`,
      selection: { polygon: q.polygon },
    };
  }
  const [area] = await db.query<{ id: number; name: string }>('SELECT id, name FROM areas WHERE level = $1 AND code = $2', [
    q.level,
    q.code,
  ]);
  if (!area) throw invalid('code', `no area "${q.code}" at level ${q.level}`);
  const column = levelColumn(q.level!);
  return {
    where: column
      ? `i.${column} = ${p.add(q.code)}`
      : `EXISTS (SELECT 1 FROM area_parts ap WHERE ap.area_id = ${p.add(area.id)} AND ST_Intersects(ap.geom, i.geom))`,
    selection: { level: q.level, code: q.code, name: area.name },
  };
}

export async function profile(db: Queryable, q: WindowQuery & { level?: string; code?: string; h3?: string; polygon?: Polygon }) {
  const { categories, narrowing } = await requestSelection(db, q.category);
  const window = await requestWindow(db, q, 'all');
  const p = new Params();
  const sel = await selection(db, p, q);
  const where = `${incidentWhere(p, { ...window, categories, narrowing })}\n    AND ${sel.where}`;
  const rows = await db.query<{ month: string; dow: number; hour: number; precision: string; n: number; ks: number }>(
    profileSql(where),
    p.values,
  );
  const byMonth = new Map<string, number>();
  const precision: Record<string, number> = {};
  const dow = new Array<number>(7).fill(0);
  const how = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  // Record key sums beside each count (cell key method, issue 15: api/auth/disclosure.ts), mod 256 at the end.
  const monthKey = new Map<string, number>();
  const precisionKey: Record<string, number> = {};
  const dowKey = new Array<number>(7).fill(0);
  const howKey = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  for (const r of rows) {
    byMonth.set(r.month, (byMonth.get(r.month) ?? 0) + r.n);
    monthKey.set(r.month, ((monthKey.get(r.month) ?? 0) + r.ks) % 256);
    precision[r.precision] = (precision[r.precision] ?? 0) + r.n;
    precisionKey[r.precision] = ((precisionKey[r.precision] ?? 0) + r.ks) % 256;
    dow[r.dow - 1] += r.n;
    dowKey[r.dow - 1] = (dowKey[r.dow - 1] + r.ks) % 256;
    how[r.dow - 1][r.hour] += r.n;
    howKey[r.dow - 1][r.hour] = (howKey[r.dow - 1][r.hour] + r.ks) % 256;
  }
  const total = rows.reduce((s, r) => s + r.n, 0);
  const totalKey = rows.reduce((s, r) => s + r.ks, 0) % 256;
  // Months no data covered are gaps (null), not zeros (issue 11).
  const { months, coverage } = await monthlyCounts(db, categories, monthsIn(window), byMonth);
  const allDated = total > 0 && !precision.month;
  const allTimed = allDated && !precision.day;
  let note: string | null = null;
  if (precision.month)
    note = `${precision.month} of the ${total} incidents have month precision only (police.uk publishes the month, not the day or time), so day-of-week and hour-of-week profiles cannot be drawn; only the monthly series is shown.`;
  else if (precision.day)
    note = `${precision.day} of the ${total} incidents have a date but no time, so the hour-of-week profile cannot be drawn; the day-of-week profile is shown.`;
  else if (total === 0) note = 'No incidents in the selection.';
  return {
    selection: sel.selection,
    window,
    categories,
    total,
    total_ckey: totalKey,
    months: months.map((m) => ({ ...m, count_ckey: monthKey.get(m.month) ?? 0 })),
    coverage,
    day_of_week: allDated ? PROFILE_DAYS.map((day, i) => ({ day, count: dow[i], count_ckey: dowKey[i] })) : null,
    /** 7 rows (Mon..Sun) × 24 hours, Europe/London civil time. */
    hour_of_week: allTimed ? how : null,
    hour_of_week_ckey: allTimed ? howKey : null,
    time_precision: precision,
    time_precision_ckey: precisionKey,
    precision_note: note,
  };
}
