// importFile: the one entry point for every import (CLI, API, demo, tests).
import { importOnspd } from '../places/onspd.js';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { isDatabaseUnavailable, type Db } from '../db/index.js';
import {
  incidentMappingSchema,
  parseMappingString,
  POLICE_UK_API_MAPPING,
  POLICE_UK_STREET_MAPPING,
  type IncidentMapping,
} from '../../geodata/incident-rows.js';
import { describeHeaderDifference, resemblesHeader } from '../../geodata/csv-header.js';
import { createBatch, finishBatch, reclaimSpace, releaseBatch, type ImportSummary } from './batches.js';
import { importWardCounts } from './area-counts.js';
import { importBoundaries } from './boundaries.js';
import { importIncidentCsv, type IncidentImportOptions, type Progress } from './incidents.js';
import { importPopulation } from './population.js';
import { importPopulationCentroids, importPopulationLookup } from './population-rules.js';
import { importSites } from './sites.js';
import { ImportError, IMPORT_KINDS, POLICE_UK_API_FIELDS, POLICE_UK_HEADER, sniff, type ImportKind } from './sniff.js';

export { ImportError, IMPORT_KINDS, type ImportKind, type ImportSummary, type Progress };

export interface ImportOptions {
  kind?: ImportKind;
  /** Area level for boundaries/population (ward, lsoa, ...); for a best-fit lookup, the level of its ward codes. */
  level?: string;
  codeField?: string;
  nameField?: string;
  valueField?: string;
  crs?: string;
  object?: string;
  /** Boundaries: the area set's label (default from the level, e.g. "Electoral wards"). */
  label?: string;
  /**
   * Boundaries: confirm replacing a loaded level by a file without some of its codes. Without it such an
   * import fails with `replace_required`, naming the areas it would remove, and changes nothing.
   */
  replace?: boolean;
  /** Boundaries: where the areas come from (e.g. "ONS Open Geography Portal"), for the attribution. */
  source?: string;
  /** Incident CSV: a mapping object, a short form "date=Col,category=Col,...", or the name of a saved mapping. */
  mapping?: IncidentMapping | string;
  /** Save the mapping used under this name. */
  saveMapping?: string;
  dataset?: string;
  fileName?: string;
  createdBy?: string;
  /** Where the data came from (source URLs, parameters, time fetched), kept with the batch. */
  provenance?: unknown;
  /** Use an existing (queued) batch row instead of creating one. */
  batchId?: number;
  onProgress?: (p: Progress) => void;
  /** Incident CSV: staged rows per piece of the move, and (tests only) a replacement move; see incidents.ts. */
  rowsPerPiece?: IncidentImportOptions['rowsPerPiece'];
  move?: IncidentImportOptions['move'];
}

async function resolveIncidentMapping(
  db: Db,
  m: ImportOptions['mapping'],
  header: string[],
): Promise<{ mapping: IncidentMapping; name?: string }> {
  let raw: unknown = m;
  let name: string | undefined;
  if (typeof m === 'string') {
    if (m.includes('=')) {
      try {
        raw = parseMappingString(m);
      } catch (e) {
        throw new ImportError('bad_mapping', (e as Error).message);
      }
    } else {
      const [row] = await db.query<{ mapping: unknown }>('SELECT mapping FROM column_mappings WHERE name = $1', [m]);
      if (!row) throw new ImportError('unknown_mapping', `No saved mapping called "${m}".`);
      raw = row.mapping;
      name = m;
    }
  }
  if (raw === undefined) {
    const lower = new Set(header.map((h) => h.toLowerCase()));
    if (POLICE_UK_API_FIELDS.every((f) => lower.has(f)))
      return {
        mapping: {
          ...POLICE_UK_API_MAPPING,
          ...(lower.has('street_name') ? {} : { location: undefined }),
          ...(lower.has('outcome_category') ? {} : { outcome: undefined }),
        },
      };
    throw new ImportError(
      'mapping_required',
      `This CSV needs a column mapping (which columns hold the date, category and location). Header: ${header.join(', ')}.`,
    );
  }
  const r = incidentMappingSchema.safeParse(raw);
  if (!r.success)
    throw new ImportError(
      'bad_mapping',
      `Invalid mapping: ${r.error.issues.map((i) => `${i.path.join('.') || 'mapping'}: ${i.message}`).join('; ')}`,
    );
  return { mapping: r.data, name };
}

export async function saveMapping(db: Db, name: string, mapping: unknown) {
  const r = incidentMappingSchema.safeParse(mapping);
  if (!r.success)
    throw new ImportError(
      'bad_mapping',
      `Invalid mapping: ${r.error.issues.map((i) => `${i.path.join('.') || 'mapping'}: ${i.message}`).join('; ')}`,
    );
  if (!/^[A-Za-z0-9 _.-]{1,80}$/.test(name))
    throw new ImportError('bad_mapping_name', 'Mapping names are 1-80 letters, digits, spaces, _ . -');
  await db.query(
    `INSERT INTO column_mappings (name, mapping) VALUES ($1, $2::jsonb)
     ON CONFLICT (name) DO UPDATE SET mapping = EXCLUDED.mapping, updated_at = now()`,
    [name, JSON.stringify(r.data)],
  );
  return r.data;
}

/**
 * Import one file. Resolves to the summary (status 'committed' or 'failed'); every outcome is
 * recorded in import_batches. A failed import leaves the data exactly as it was.
 */
export async function importFile(db: Db, file: string, opts: ImportOptions = {}): Promise<ImportSummary> {
  const fileName = opts.fileName ?? path.basename(file);
  const createdBy = opts.createdBy ?? 'local';
  let kind: ImportKind = opts.kind ?? 'incidents_csv';
  const batchId = opts.batchId ?? (await createBatch(db, { kind, fileName, createdBy, dataset: opts.dataset }));
  try {
    return await runImport(db, file, opts, batchId, kind, fileName);
  } finally {
    // A batch this call created is this call's to let go (one queued by ImportJobs is the queue's).
    if (opts.batchId === undefined) await releaseBatch(db, batchId);
  }
}

async function runImport(
  db: Db,
  file: string,
  opts: ImportOptions,
  batchId: number,
  kind: ImportKind,
  fileName: string,
): Promise<ImportSummary> {
  await db.query(`UPDATE import_batches SET status = 'running', provenance = COALESCE($2::jsonb, provenance) WHERE id = $1`, [
    batchId,
    opts.provenance === undefined ? null : JSON.stringify(opts.provenance),
  ]);
  let summary: ImportSummary;
  try {
    const s = await sniff(file);
    if (opts.kind && !['boundaries', 'schools', 'hubs'].includes(opts.kind) && s.format === 'json')
      throw new ImportError('wrong_kind', `This is a JSON file, but the import kind is ${opts.kind}.`);
    if (opts.kind === 'boundaries' && s.format === 'csv')
      throw new ImportError('wrong_kind', 'Boundaries must be GeoJSON or TopoJSON, but this is a CSV file.');
    if (!opts.kind) {
      if (!s.kind && !opts.mapping) {
        if (resemblesHeader(s.header!, POLICE_UK_HEADER)) {
          throw new ImportError(
            'bad_header',
            `This looks like a police.uk street CSV, but ${describeHeaderDifference(s.header!, POLICE_UK_HEADER) || 'its header differs from the police.uk header'}`,
            1,
          );
        }
        throw new ImportError(
          'unknown_kind',
          `Cannot tell what this CSV holds from its header (${s.header!.slice(0, 12).join(', ')}). Give the kind, and for incidents a column mapping.`,
        );
      }
      kind = s.kind ?? 'incidents_csv';
      // A level or code field is said only of boundaries: a file of Points is then not taken for transport hubs.
      if (kind === 'hubs' && (opts.level || opts.codeField)) kind = 'boundaries';
    }
    if (kind === 'boundaries') {
      summary = await importBoundaries(db, file, {
        batchId,
        fileName,
        level: opts.level,
        codeField: opts.codeField,
        nameField: opts.nameField,
        crs: opts.crs,
        object: opts.object,
        label: opts.label,
        replace: opts.replace,
        source: opts.source,
      });
    } else if (kind === 'schools' || kind === 'hubs') {
      summary = await importSites(db, file, { batchId, fileName, kind, format: s.format, crs: opts.crs });
    } else if (kind === 'population') {
      summary = await importPopulation(db, file, {
        batchId,
        fileName,
        level: opts.level,
        codeField: opts.codeField,
        valueField: opts.valueField,
        source: opts.source,
      });
    } else if (kind === 'population_lookup') {
      summary = await importPopulationLookup(db, file, { batchId, fileName, level: opts.level });
    } else if (kind === 'population_centroids') {
      summary = await importPopulationCentroids(db, file, { batchId, fileName, crs: opts.crs });
    } else if (kind === 'postcodes') {
      summary = await importOnspd(db, file, { batchId, fileName });
    } else if (kind === 'ward_counts') {
      summary = await importWardCounts(db, file, { batchId, fileName });
    } else if (kind === 'police_uk_street') {
      summary = await importIncidentCsv(db, file, {
        batchId,
        kind,
        fileName,
        dataset: opts.dataset ?? 'police.uk street CSV',
        keyNamespace: 'police.uk street',
        mapping: POLICE_UK_STREET_MAPPING,
        exactHeader: POLICE_UK_HEADER,
        onProgress: opts.onProgress,
        rowsPerPiece: opts.rowsPerPiece,
        move: opts.move,
      });
    } else {
      const { mapping, name } = await resolveIncidentMapping(db, opts.mapping, s.header!);
      const isApi = mapping.id === 'id' && mapping.date === 'month' && mapping.category === 'category';
      const dataset = opts.dataset ?? (isApi && !opts.mapping ? 'police.uk API' : (name ?? 'incidents CSV'));
      summary = await importIncidentCsv(db, file, {
        batchId,
        kind,
        fileName,
        dataset,
        keyNamespace: `csv:${dataset}`,
        mapping,
        onProgress: opts.onProgress,
        rowsPerPiece: opts.rowsPerPiece,
        move: opts.move,
      });
      if (opts.saveMapping) await saveMapping(db, opts.saveMapping, mapping);
    }
  } catch (e) {
    if (!(e instanceof ImportError)) console.error(`import ${batchId} failed:`, e);
    const err =
      e instanceof ImportError
        ? { code: e.code, message: e.message, line: e.line, ...(e.details ? { details: e.details } : {}) }
        : isDatabaseUnavailable(e)
          ? {
              code: 'database_unavailable',
              message: 'The connection to the database was lost during the import; nothing was kept.',
            }
          : { code: 'internal', message: 'The import failed inside the database; nothing was kept.' };
    summary = {
      batchId,
      kind,
      fileName,
      status: 'failed',
      rowsRead: 0,
      imported: 0,
      duplicates: 0,
      rejected: 0,
      outsideStudyArea: 0,
      details: {},
      rejects: [],
      error: err,
    };
  }
  // With the database gone this throws, and the batch stays 'running' without an owner until the
  // next sweep (or start) marks it failed.
  await finishBatch(db, summary, (summary.details.sha256 as string) ?? null);
  if (summary.status === 'failed') await reclaimSpace(db);
  const size = await fsp.stat(file).then(
    (st) => st.size,
    () => 0,
  );
  opts.onProgress?.({ phase: 'finishing', bytesRead: size, bytesTotal: size, rowsRead: summary.rowsRead });
  return summary;
}
