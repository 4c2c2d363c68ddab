// Reading a small keyed CSV (population, best-fit lookup, centroids): the file is hashed as it streams,
// the header goes to `onHeader` (which may throw an ImportError), every data row to `onRow` with its line.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { pipeline } from 'node:stream';
import { parse } from 'csv-parse';
import { isUtf8 } from 'node:buffer';
import { Transform } from 'node:stream';
import { ImportError } from './errors.js';
import { MAX_RECORD_BYTES } from './fast-records.js';

export interface CsvRead {
  sha256: string;
  rowsRead: number;
}

export async function readCsvRows(
  file: string,
  onHeader: (header: string[]) => void,
  onRow: (record: string[], line: number) => void,
): Promise<CsvRead> {
  const hash = crypto.createHash('sha256');
  const input = fs.createReadStream(file);
  input.on('data', (b) => hash.update(b as Buffer));
  // pipeline, not pipe: an error of the guard reaches the parser (and so the loop reading it).
  const parser = pipeline(
    input,
    textGuard(),
    parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true, max_record_size: MAX_RECORD_BYTES }),
    () => undefined,
  );
  let header = false;
  let rowsRead = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (!header) {
        header = true;
        onHeader(record.map((h) => h.trim()));
        continue;
      }
      rowsRead++;
      onRow(record, info.lines);
    }
  } catch (e) {
    throw csvReadError(e);
  }
  if (!header) throw new ImportError('empty_file', 'The file has no rows.');
  if (!rowsRead) throw new ImportError('empty_file', 'The file has a header but no data rows.');
  return { sha256: hash.digest('hex'), rowsRead };
}

/**
 * Passes a CSV's bytes on unchanged, but stops with an ImportError naming the line at a NUL byte (binary data:
 * the database refuses it) or at bytes that are not UTF-8 (they would be stored as U+FFFD).
 */
export function textGuard() {
  let line = 1;
  let carry = Buffer.alloc(0);
  const stop = (buf: Buffer, at: number, code: string, what: string) => {
    let l = line;
    for (let i = buf.indexOf(0x0a); i >= 0 && i < at; i = buf.indexOf(0x0a, i + 1)) l++;
    return new ImportError(code, `Line ${l} ${what}. Nothing was imported.`, l);
  };
  const check = (buf: Buffer, final: boolean) => {
    const nul = buf.indexOf(0);
    if (nul >= 0)
      return stop(
        buf,
        nul,
        'binary_content',
        'holds NUL bytes: from there on this is not a CSV file (cut off, or binary data appended?)',
      );
    const end = final ? buf.length : buf.lastIndexOf(0x0a) + 1;
    const whole = buf.subarray(0, end);
    if (!isUtf8(whole)) {
      // the first line that is not UTF-8
      let start = 0;
      for (;;) {
        const nl = whole.indexOf(0x0a, start);
        const part = whole.subarray(start, nl < 0 ? whole.length : nl);
        if (!isUtf8(part))
          return stop(whole, start, 'bad_encoding', 'is not UTF-8 text: save the file as UTF-8 ("CSV UTF-8" in Excel)');
        if (nl < 0) break;
        start = nl + 1;
      }
    }
    for (let i = whole.indexOf(0x0a); i >= 0; i = whole.indexOf(0x0a, i + 1)) line++;
    carry = Buffer.from(buf.subarray(end));
    if (carry.length > MAX_RECORD_BYTES)
      return new ImportError(
        'record_too_long',
        `Line ${line} is longer than ${MAX_RECORD_BYTES >> 20} MB. Nothing was imported.`,
        line,
      );
    return null;
  };
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      const err = check(buf, false);
      cb(err, err ? undefined : buf.subarray(0, buf.length - carry.length));
    },
    flush(cb) {
      const last = carry;
      const err = check(last, true);
      cb(err, err || !last.length ? undefined : last);
    },
  });
}

/** An error out of csv-parse (or textGuard) while reading a CSV, as an ImportError with its line where known. */
export function csvReadError(e: unknown): ImportError {
  if (e instanceof ImportError) return e;
  const x = e as { message?: string; code?: string; lines?: number };
  if (x.code === 'CSV_MAX_RECORD_SIZE')
    return new ImportError(
      'record_too_long',
      `A record is longer than ${MAX_RECORD_BYTES >> 20} MB (near line ${x.lines ?? '?'}; an unclosed quote?). Nothing was imported.`,
      x.lines,
    );
  return new ImportError('bad_csv', `The CSV could not be read: ${x.message ?? String(e)}`, x.lines);
}
