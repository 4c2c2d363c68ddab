// Population CSV: one row per area code (e.g. ONS Census 2021 usual residents by LSOA).
import type { Db } from '../db/index.js';
import { ownBatch, type ImportSummary, type Reject } from './batches.js';
import { readCsvRows } from './csv-rows.js';
import { defaultAreaSource, detectCodeField, LEVEL_RE } from './fields.js';
import { ImportError } from './errors.js';

export interface PopulationOptions {
  batchId: number;
  fileName: string;
  level?: string;
  codeField?: string;
  valueField?: string;
  /** Where the figures come from, as stated at import (for the attribution). */
  source?: string;
}

const VALUE_RE = /^(population|usual_residents_total|usual residents|all usual residents|total|observation|all persons)$/i;

export async function importPopulation(db: Db, file: string, o: PopulationOptions): Promise<ImportSummary> {
  let codeField: string | undefined;
  let ci = -1,
    vi = -1,
    level: string | undefined;
  let codes: string[] = [],
    pops: number[] = [],
    lines: number[] = [],
    raws: string[] = [];
  const rejects: Reject[] = [];
  const seen = new Set<string>();
  const { sha256, rowsRead } = await readCsvRows(
    file,
    (header) => {
      const d = detectCodeField(header);
      codeField = o.codeField ?? d.code;
      const valueField = o.valueField ?? header.find((h) => VALUE_RE.test(h));
      ci = codeField ? header.indexOf(codeField) : -1;
      vi = valueField ? header.indexOf(valueField) : -1;
      if (ci < 0)
        throw new ImportError(
          'no_code_field',
          `No area code column found (like LSOA21CD or code); header: ${header.join(', ')}.`,
          1,
        );
      if (vi < 0)
        throw new ImportError(
          'no_value_field',
          `No population column found (like population or usual_residents_total); header: ${header.join(', ')}.`,
          1,
        );
      level = o.level ?? d.level;
      if (!level)
        throw new ImportError(
          'no_level',
          `Cannot tell which level the codes in "${codeField}" are; give the level (e.g. lsoa).`,
          1,
        );
      if (!LEVEL_RE.test(level))
        throw new ImportError('bad_level', `Level "${level}" must be lower-case letters, digits and _.`, 1);
    },
    (record, line) => {
      const code = (record[ci] ?? '').trim();
      const v = (record[vi] ?? '').trim().replace(/,/g, '');
      if (!code) return void rejects.push({ line, code: 'no_code', reason: 'empty area code', raw: record.join(',') });
      if (!/^\d+$/.test(v) || +v > 100_000_000)
        return void rejects.push({
          line,
          code: 'bad_population',
          reason: `population "${v.slice(0, 20)}" is not a whole number`,
          raw: record.join(','),
        });
      if (seen.has(code))
        return void rejects.push({
          line,
          code: 'duplicate_code',
          reason: `${code} appears earlier in the file`,
          raw: record.join(','),
        });
      seen.add(code);
      codes.push(code);
      pops.push(+v);
      lines.push(line);
      raws.push(record.join(','));
    },
  );
  const source = `${o.fileName} (import ${o.batchId})`;
  let unknownNote: string | undefined;
  const r = await db.transaction(async (tx) => {
    await ownBatch(tx, o.batchId, db.driver);
    // Codes the loaded areas of the level do not have: rejected with their line (issue 15: they were
    // accepted silently). With no areas of the level loaded yet, nothing can be checked: said in the summary.
    const [{ loaded }] = await tx.query<{ loaded: number }>(`SELECT count(*)::int AS loaded FROM areas WHERE level = $1`, [
      level,
    ]);
    if (loaded > 0) {
      const known = new Set(
        (
          await tx.query<{ code: string }>(`SELECT code FROM areas WHERE level = $1 AND code = ANY($2::text[])`, [level, codes])
        ).map((x) => x.code),
      );
      const keep = codes.map((c) => known.has(c));
      codes.forEach((c, i) => {
        if (!keep[i])
          rejects.push({
            line: lines[i],
            code: 'unknown_code',
            reason: `${c.slice(0, 20)} is not one of the ${loaded} loaded areas at level "${level}"`,
            raw: raws[i],
          });
      });
      [codes, pops, lines, raws] = [
        codes.filter((_, i) => keep[i]),
        pops.filter((_, i) => keep[i]),
        lines.filter((_, i) => keep[i]),
        raws.filter((_, i) => keep[i]),
      ];
      rejects.sort((a, b) => a.line - b.line);
      if (!codes.length)
        throw new ImportError(
          'no_valid_rows',
          `None of the ${rowsRead} rows could be used; first problem: line ${rejects[0]?.line}: ${rejects[0]?.reason}.`,
        );
    } else unknownNote = `no areas are loaded at level "${level}", so the codes could not be checked`;
    const [c] = await tx.query<{ unchanged: number }>(
      `SELECT count(*)::int AS unchanged FROM area_population p JOIN unnest($2::text[], $3::int[]) AS t(code, pop)
         ON p.level = $1 AND p.code = t.code AND p.population = t.pop`,
      [level, codes, pops],
    );
    await tx.query(
      `INSERT INTO area_population (level, code, population, source, batch_id)
       SELECT $1, code, pop, $4, $5 FROM unnest($2::text[], $3::int[]) AS t(code, pop)
       ON CONFLICT (level, code) DO UPDATE SET population = EXCLUDED.population, source = EXCLUDED.source, batch_id = EXCLUDED.batch_id
       WHERE area_population.population <> EXCLUDED.population`,
      [level, codes, pops, source, o.batchId],
    );
    const [m] = await tx.query<{ matched: number }>(
      `SELECT count(*)::int AS matched FROM areas WHERE level = $1 AND code = ANY($2::text[])`,
      [level, codes],
    );
    await tx.query('SELECT refresh_area_population_resolved()');
    return { unchanged: c.unchanged, matched: m.matched };
  });
  return {
    batchId: o.batchId,
    kind: 'population',
    fileName: o.fileName,
    status: 'committed',
    rowsRead,
    imported: codes.length - r.unchanged,
    duplicates: r.unchanged,
    rejected: rejects.length,
    outsideStudyArea: 0,
    details: {
      sha256,
      level,
      total: pops.reduce((a, b) => a + b, 0),
      codesMatchingLoadedAreas: r.matched,
      source: o.source ?? defaultAreaSource(codeField),
      ...(unknownNote ? { note: unknownNote } : {}),
    },
    rejects,
  };
}
