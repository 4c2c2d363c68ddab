// ONS Postcode Directory (ONSPD) import (issue 14): the published CSV (columns pcd, pcd2, pcds, dointr, doterm,
// …, oseast1m, osnrth1m, …, lat, long, …), streamed through the project's CSV reader (fast-records.ts). Live
// postcodes (doterm empty) are kept with their point; terminated ones are counted and left out. A row is
// rejected with its line and reason when its postcode is malformed, it repeats a postcode, or it has no
// usable location (ONSPD writes lat 99.999999 for postcodes without a grid reference). The loaded directory
// is replaced whole, in one transaction: a new release drops the postcodes it terminated.
//
// The full ONSPD is about 2.7 million rows, ~1 GB of CSV (of which ~1.8 million live postcodes): download
// the ZIP from the ONS Open Geography Portal ("ONS Postcode Directory", latest release), unzip it, and load
// Data/ONSPD_<MON>_<YEAR>_UK.csv with `npm run import -- <file>` (or POST /api/imports): the header is
// recognised, no kind needs to be given.
import fs from 'node:fs';
import crypto from 'node:crypto';
import type { Db } from '../db/index.js';
import { bngToWgs84, inBngRange } from '../../geodata/crs.js';
import type { ImportSummary, Reject } from '../imports/batches.js';
import { ImportError } from '../imports/errors.js';
import { CsvFileError, fastRecords } from '../imports/fast-records.js';

/** The columns an ONSPD file must have (lower case, as published). */
export const ONSPD_REQUIRED = ['pcd', 'pcds', 'dointr', 'doterm', 'oseast1m', 'osnrth1m', 'lat', 'long'] as const;

export function isOnspdHeader(header: string[]): boolean {
  const lower = new Set(header.map((h) => h.trim().toLowerCase()));
  return ONSPD_REQUIRED.every((c) => lower.has(c));
}

/** A full UK postcode, spaceless upper case (AA9A 9AA, A9A 9AA, A9 9AA, A99 9AA, AA9 9AA, AA99 9AA). */
const POSTCODE = /^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$/;
export const normalisePostcode = (s: string) => s.replace(/\s+/g, '').toUpperCase();
/** The one-space form: outward code, space, inward code (last three characters). */
const oneSpace = (k: string) => `${k.slice(0, -3)} ${k.slice(-3)}`;
/** The UK with Northern Ireland and the islands (ONSPD covers them; GB-only ranges would reject BT postcodes). */
const inUk = (lon: number, lat: number) => lon >= -8.7 && lon <= 2.1 && lat >= 49.8 && lat <= 61.0;

const CHUNK = 5000;
const MAX_REJECTS = 10_000;

export async function importOnspd(db: Db, file: string, o: { batchId: number; fileName: string }): Promise<ImportSummary> {
  const hash = crypto.createHash('sha256');
  async function* hashed() {
    for await (const b of fs.createReadStream(file)) {
      hash.update(b as Buffer);
      yield b as Buffer;
    }
  }
  const rejects: Reject[] = [];
  let rejected = 0;
  const reject = (line: number, code: string, reason: string, raw: string) => {
    rejected++;
    if (rejects.length < MAX_REJECTS) rejects.push({ line, code, reason, raw: raw.slice(0, 500) });
  };
  let rowsRead = 0;
  let terminated = 0;
  let imported = 0;
  let fromGrid = 0;
  const seen = new Set<string>();
  await db.transaction(async (tx) => {
    await tx.query('DELETE FROM postcodes');
    let batch: { pcd: string[]; pcds: string[]; lon: number[]; lat: number[]; intro: (string | null)[] } = {
      pcd: [],
      pcds: [],
      lon: [],
      lat: [],
      intro: [],
    };
    const flush = async () => {
      if (!batch.pcd.length) return;
      await tx.query(
        `INSERT INTO postcodes (pcd, pcds, lon, lat, introduced, batch_id)
         SELECT pcd, pcds, lon, lat, intro, $6 FROM unnest($1::text[], $2::text[], $3::float8[], $4::float8[], $5::text[])
           AS t(pcd, pcds, lon, lat, intro)`,
        [batch.pcd, batch.pcds, batch.lon, batch.lat, batch.intro, o.batchId],
      );
      imported += batch.pcd.length;
      batch = { pcd: [], pcds: [], lon: [], lat: [], intro: [] };
    };
    type Cols = Record<(typeof ONSPD_REQUIRED)[number], number>;
    let col: Cols | null = null;
    try {
      for await (const { record, info } of fastRecords(hashed(), (e) =>
        reject(e.lines ?? 0, e.code ?? 'bad_csv', e.message, ''),
      )) {
        if (!col) {
          const header = record.map((h, i) => (i === 0 ? h.replace(/^\uFEFF/, '') : h).trim().toLowerCase());
          if (!isOnspdHeader(header))
            throw new ImportError(
              'bad_header',
              `An ONS Postcode Directory CSV needs the columns ${ONSPD_REQUIRED.join(', ')}; header: ${header.slice(0, 20).join(', ')}.`,
              1,
            );
          col = Object.fromEntries(ONSPD_REQUIRED.map((c) => [c, header.indexOf(c)])) as Cols;
          continue;
        }
        rowsRead++;
        const line = info.lines;
        const raw = record.join(',');
        const f = (c: (typeof ONSPD_REQUIRED)[number]) => (record[col![c]] ?? '').trim();
        const key = normalisePostcode(f('pcds') || f('pcd'));
        if (!POSTCODE.test(key)) {
          reject(line, 'bad_postcode', `"${(f('pcds') || f('pcd')).slice(0, 20)}" is not a UK postcode`, raw);
          continue;
        }
        if (f('doterm') !== '') {
          if (!/^\d{6}$/.test(f('doterm'))) {
            reject(line, 'bad_date', `doterm "${f('doterm').slice(0, 20)}" is not YYYYMM or empty`, raw);
            continue;
          }
          terminated++;
          continue;
        }
        const intro = f('dointr');
        if (intro !== '' && !/^\d{6}$/.test(intro)) {
          reject(line, 'bad_date', `dointr "${intro.slice(0, 20)}" is not YYYYMM`, raw);
          continue;
        }
        let lon = Number(f('long'));
        let lat = Number(f('lat'));
        if (f('long') === '' || f('lat') === '' || !Number.isFinite(lon) || !Number.isFinite(lat) || !inUk(lon, lat)) {
          // lat 99.999999 / long 0.000000: no grid reference in ONSPD; try the grid reference itself
          const e = Number(f('oseast1m'));
          const n = Number(f('osnrth1m'));
          if (f('oseast1m') !== '' && f('osnrth1m') !== '' && inBngRange(e, n)) {
            [lon, lat] = bngToWgs84(e, n);
            fromGrid++;
          }
          if (!Number.isFinite(lon) || !Number.isFinite(lat) || !inUk(lon, lat)) {
            reject(
              line,
              'no_location',
              `no usable location: lat "${f('lat').slice(0, 20)}", long "${f('long').slice(0, 20)}", grid "${f('oseast1m').slice(0, 12)}", "${f('osnrth1m').slice(0, 12)}"`,
              raw,
            );
            continue;
          }
        }
        if (seen.has(key)) {
          reject(line, 'duplicate', `postcode ${oneSpace(key)} appears earlier in the file`, raw);
          continue;
        }
        seen.add(key);
        batch.pcd.push(key);
        batch.pcds.push(oneSpace(key));
        batch.lon.push(lon);
        batch.lat.push(lat);
        batch.intro.push(intro || null);
        if (batch.pcd.length >= CHUNK) await flush();
      }
    } catch (e) {
      if (e instanceof CsvFileError) throw new ImportError(e.code, e.message, e.lines);
      throw e;
    }
    if (!col) throw new ImportError('empty_file', 'The file has no rows.');
    if (!rowsRead) throw new ImportError('empty_file', 'The file has a header but no data rows.');
    await flush();
    if (imported === 0) throw new ImportError('no_rows', 'No live postcode with a location in the file: nothing was imported.');
  });
  return {
    batchId: o.batchId,
    kind: 'postcodes',
    fileName: o.fileName,
    status: 'committed',
    rowsRead,
    imported,
    duplicates: 0,
    rejected,
    outsideStudyArea: 0,
    details: {
      sha256: hash.digest('hex'),
      terminated,
      located_from_grid_reference: fromGrid,
      rule: 'live postcodes (doterm empty) with a location; the loaded directory is replaced whole',
    },
    rejects,
  };
}
