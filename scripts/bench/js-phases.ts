// The importer's JS work over the benchmark file, with no database: the same CSV reader
// (api/imports/fast-records.ts), resolveMapping/toIncident (geodata/incident-rows.ts, which computes
// the H3 cells, memoised per point) and the same per-row md5 and staging-line formatting (stageLine,
// imported) as api/imports/incidents.ts. Tells how much of an import is JS and how much is database.
import { STAGE_COLUMNS, stageLine } from '../../api/imports/incidents.js';
import { fastRecords, type Rec } from '../../api/imports/fast-records.js';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { parse } from 'csv-parse';
import { POLICE_UK_STREET_MAPPING, resolveMapping, toIncident, type ResolvedMapping } from '../../geodata/incident-rows.js';
import { computeCells } from '../../geodata/h3.js';

const CHUNK_ROWS = 20_000; // as in api/imports/incidents.ts
const KEY_NAMESPACE = 'police.uk street';
/** csv-parse with the options the importer used before fast-records.ts: the reference it is checked against. */
export function importerCsvParse(onSkip: (err: unknown) => undefined = () => undefined) {
  return parse({
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    info: true,
    skip_records_with_error: true,
    on_skip: onSkip,
  });
}

async function* hashed(file: string) {
  const hash = crypto.createHash('sha256');
  for await (const b of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
    hash.update(b as Buffer);
    yield b as Buffer;
  }
}
/** Read + sha256 + parse, as the importer does. */
function open(file: string): AsyncIterable<Rec> {
  return fastRecords(hashed(file), () => undefined);
}

/** The staging CSV the importer would COPY, in chunks of its CHUNK_ROWS (rejected rows left out). */
export async function* stageChunks(file: string): AsyncGenerator<{ text: string; rows: number }> {
  let rm: ResolvedMapping | undefined;
  let chunk: string[] = [];
  for await (const { record, info } of open(file)) {
    if (!rm) {
      const r = resolveMapping(
        POLICE_UK_STREET_MAPPING,
        record.map((h) => h.trim()),
      );
      if (typeof r === 'string') throw new Error(r);
      rm = r;
      continue;
    }
    if (record.length !== 12) continue;
    const res = toIncident(record, rm);
    if (!res.ok) continue;
    const nk = crypto.hash('md5', `${KEY_NAMESPACE}\u001e${res.rec.naturalKey}`);
    chunk.push(stageLine(info.lines, nk, res.rec));
    if (chunk.length >= CHUNK_ROWS) {
      yield { text: chunk.join('\n') + '\n', rows: chunk.length };
      chunk = [];
    }
  }
  if (chunk.length) yield { text: chunk.join('\n') + '\n', rows: chunk.length };
}

export interface JsPhases {
  rows: number;
  /** Read + sha256 + parse (fast-records.ts) only. */
  parseSeconds: number;
  /** Read + parse + toIncident + md5 + staging lines: everything the importer does in JS. */
  fullSeconds: number;
  /** Inside the full pass (timed per call, so slightly inflated): */
  toIncidentSeconds: number;
  md5Seconds: number;
  stageLineSeconds: number;
  /** computeCells (four latLngToCell, not memoised) alone over the file's coordinates; toIncident memoises. */
  h3Seconds: number;
  /** Rows per second of the full JS pass: the importer's ceiling if the database took no time. */
  fullRowsPerSec: number;
}

export async function measureJsPhases(file: string): Promise<JsPhases> {
  // Pass 1: parse only (collect coordinates for the H3 timing).
  let t0 = performance.now();
  let rows = 0;
  const lons: number[] = [];
  const lats: number[] = [];
  let first = true;
  for await (const { record } of open(file)) {
    if (first) {
      first = false;
      continue;
    }
    rows++;
    if (record[4]) {
      lons.push(+record[4]);
      lats.push(+record[5]);
    }
  }
  const parseSeconds = (performance.now() - t0) / 1000;

  // H3 alone.
  t0 = performance.now();
  let sink = 0;
  for (let i = 0; i < lons.length; i++) sink += computeCells(lats[i], lons[i])[3].length;
  const h3Seconds = (performance.now() - t0) / 1000;
  if (sink < 0) console.log(sink);

  // Pass 2: everything the importer does in JS.
  let rm: ResolvedMapping | undefined;
  let tInc = 0,
    tMd5 = 0,
    tLine = 0;
  let chunk: string[] = [];
  let bytes = 0;
  t0 = performance.now();
  for await (const { record, info } of open(file)) {
    if (!rm) {
      const r = resolveMapping(
        POLICE_UK_STREET_MAPPING,
        record.map((h) => h.trim()),
      );
      if (typeof r === 'string') throw new Error(r);
      rm = r;
      continue;
    }
    let a = performance.now();
    const res = toIncident(record, rm);
    let b = performance.now();
    tInc += b - a;
    if (!res.ok) continue;
    a = b;
    const nk = crypto.hash('md5', `${KEY_NAMESPACE}\u001e${res.rec.naturalKey}`);
    b = performance.now();
    tMd5 += b - a;
    chunk.push(stageLine(info.lines, nk, res.rec));
    if (chunk.length >= CHUNK_ROWS) {
      bytes += chunk.join('\n').length + 1;
      chunk = [];
    }
    tLine += performance.now() - b;
  }
  if (chunk.length) bytes += chunk.join('\n').length + 1;
  const fullSeconds = (performance.now() - t0) / 1000;
  if (bytes < 0) console.log(bytes);
  return {
    rows,
    parseSeconds,
    fullSeconds,
    toIncidentSeconds: tInc / 1000,
    md5Seconds: tMd5 / 1000,
    stageLineSeconds: tLine / 1000,
    h3Seconds,
    fullRowsPerSec: rows / fullSeconds,
  };
}

export { STAGE_COLUMNS };
