// Data credits built from the provenance of what is loaded (issue 13), not a fixed list: the police forces
// named in the incident files (police.uk "Falls within", as recorded in `coverage.published_for`), the
// sources stated (or inferred from ONS code fields) when boundaries and populations were imported
// (`import_batches.source`), and the synthetic demo said to be invented. Open Government Licence wording
// only where an OGL source is loaded (shared/data/SOURCES.md, "Required attribution").
import type { Queryable } from '../db/index.js';
import { SYNTHETIC_DATASET } from '../../geodata/synthetic.js';
import { ONS_SOURCE } from '../imports/fields.js';

export const OGL_LINE = 'Contains public sector information licensed under the Open Government Licence v3.0.';
export const SYNTHETIC_LINE = 'Synthetic demo data: invented areas, populations and incidents; not real places or crime.';
/** The source the demo states for its invented boundaries and populations. */
export const SYNTHETIC_SOURCE = 'Synthetic demo (invented)';
const OS_LINE = 'Contains OS data © Crown copyright and database right.';

/** Incident sources: per dataset, the import kind and the forces its files were published for. */
const CRIME_SQL = `
SELECT c.dataset, bool_or(b.kind = 'police_uk_street' OR c.dataset LIKE 'police.uk%') AS police_uk,
       array_remove(array_agg(DISTINCT c.published_for ORDER BY c.published_for), NULL) AS forces
FROM coverage c LEFT JOIN import_batches b ON b.id = c.batch_id
GROUP BY c.dataset ORDER BY c.dataset`;

/** Boundary levels and population, each with the source of the import that loaded it. */
const AREA_SOURCES_SQL = `
SELECT 'boundaries' AS what, s.label AS name, b.source, b.file_name FROM area_sets s LEFT JOIN import_batches b ON b.id = s.batch_id
UNION ALL
SELECT DISTINCT 'population', p.level, b.source, b.file_name FROM area_population p LEFT JOIN import_batches b ON b.id = p.batch_id
ORDER BY 1, 2`;

export async function attributionFor(db: Queryable): Promise<string[]> {
  const crime = await db.query<{ dataset: string; police_uk: boolean; forces: string[] }>(CRIME_SQL);
  const areas = await db.query<{
    what: 'boundaries' | 'population';
    name: string;
    source: string | null;
    file_name: string | null;
  }>(AREA_SOURCES_SQL);
  const lines: string[] = [];
  let ogl = false;
  const synthetic = crime.some((c) => c.dataset === SYNTHETIC_DATASET) || areas.some((a) => a.source === SYNTHETIC_SOURCE);
  if (synthetic) lines.push(SYNTHETIC_LINE);

  const real = crime.filter((c) => c.dataset !== SYNTHETIC_DATASET);
  const policeUk = real.filter((c) => c.police_uk);
  if (policeUk.length) {
    const forces = [...new Set(policeUk.flatMap((c) => c.forces))].sort();
    lines.push(`Crime data: data.police.uk${forces.length ? ` (${forces.join(', ')})` : ''}.`);
    ogl = true;
  }
  for (const c of real.filter((x) => !x.police_uk))
    lines.push(`Incidents: ${c.dataset}${c.forces.length ? ` (${c.forces.join(', ')})` : ''}.`);

  for (const what of ['boundaries', 'population'] as const) {
    const bySource = new Map<string, string[]>();
    for (const a of areas.filter((x) => x.what === what && x.source !== SYNTHETIC_SOURCE)) {
      const src = a.source ?? `${a.file_name ?? 'an imported file'} (source not stated)`;
      bySource.set(src, [...(bySource.get(src) ?? []), a.name]);
    }
    for (const [src, names] of bySource) {
      const head = what === 'boundaries' ? `Boundaries (${names.join(', ')})` : `Population (${names.join(', ')})`;
      lines.push(`${head}: ${src}.`);
      if (src === ONS_SOURCE) {
        ogl = true;
        if (what === 'boundaries' && !lines.includes(OS_LINE)) lines.push(OS_LINE);
      }
    }
  }
  if (ogl) lines.unshift(OGL_LINE);
  return lines;
}
