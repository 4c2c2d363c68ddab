// The study area (issue 17): the boundary set whose union is the area analysed — wards by default, or
// districts (a county partnership of several districts), a police force area, any loaded level. Stored as a
// setting; when it is not set, or its level is not loaded: wards if loaded, else the loaded level with the
// most areas (the finest). Each incident keeps the code of the study-area unit containing it (`study_code`,
// NULL = outside the study area), assigned at import and re-assigned when boundaries or the setting change.
import type { Queryable } from '../db/index.js';
import { getSetting, putSetting } from '../auth/store.js';

export const STUDY_AREA_SETTING = 'study_area_level';
export const DEFAULT_STUDY_LEVEL = 'ward';

export interface StudyArea {
  /** The level in use, or null when no boundaries are loaded. */
  level: string | null;
  /** The stored choice (null: none, the default rule applies). */
  chosen: string | null;
  rule: string;
  loaded: Array<{ level: string; label: string; areas: number }>;
}

export async function studyArea(db: Queryable): Promise<StudyArea> {
  const loaded = await db.query<{ level: string; label: string; areas: number }>(
    `SELECT s.level, s.label, (SELECT count(*)::int FROM areas a WHERE a.level = s.level) AS areas FROM area_sets s ORDER BY s.level`,
  );
  const chosen = await getSetting<string | null>(db, STUDY_AREA_SETTING, null);
  const has = (l: string | null) => l !== null && loaded.some((x) => x.level === l && x.areas > 0);
  let level: string | null;
  let rule: string;
  if (has(chosen)) {
    level = chosen;
    rule = 'chosen';
  } else if (has(DEFAULT_STUDY_LEVEL)) {
    level = DEFAULT_STUDY_LEVEL;
    rule = chosen ? `the chosen level "${chosen}" is not loaded: wards` : 'wards (the default)';
  } else {
    const finest = [...loaded].filter((x) => x.areas > 0).sort((a, b) => b.areas - a.areas || a.level.localeCompare(b.level))[0];
    level = finest?.level ?? null;
    rule = finest ? `no wards loaded: the finest loaded level (${finest.level}, ${finest.areas} areas)` : 'no boundaries loaded';
  }
  return { level, chosen, rule, loaded };
}

export const studyAreaLevel = async (db: Queryable) => (await studyArea(db)).level;

/** Re-assign every incident's study-area unit for the level in use; returns the level. */
export async function assignStudyArea(tx: Queryable): Promise<string | null> {
  const level = await studyAreaLevel(tx);
  if (level === 'ward') {
    await tx.query(`UPDATE incidents SET study_code = ward_code WHERE study_code IS DISTINCT FROM ward_code`);
  } else if (level === null) {
    await tx.query(`UPDATE incidents SET study_code = NULL WHERE study_code IS NOT NULL`);
  } else {
    await tx.query(
      `WITH pts AS MATERIALIZED (
         -- each distinct point once (police.uk points are snapped: far fewer points than incidents)
         SELECT d.lon, d.lat, (SELECT p.code FROM area_parts p WHERE p.level = $1
                AND ST_Intersects(p.geom, ST_SetSRID(ST_MakePoint(d.lon, d.lat), 4326)) ORDER BY p.code LIMIT 1) AS code
         FROM (SELECT DISTINCT lon, lat FROM incidents) d)
       UPDATE incidents i SET study_code = pts.code FROM pts
       WHERE pts.lon = i.lon AND pts.lat = i.lat AND i.study_code IS DISTINCT FROM pts.code`,
      [level],
    );
  }
  return level;
}

/** Store the choice (null: back to the default rule) and re-assign incidents, in the caller's transaction. */
export async function chooseStudyArea(tx: Queryable, level: string | null, by: string): Promise<StudyArea> {
  if (level === null) await tx.query(`DELETE FROM settings WHERE key = $1`, [STUDY_AREA_SETTING]);
  else await putSetting(tx, STUDY_AREA_SETTING, level, by);
  await assignStudyArea(tx);
  return studyArea(tx);
}
