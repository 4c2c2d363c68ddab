// The CSV reader of the incident importer (api/imports/incidents.ts): yields the same
// { record, info: { lines } } objects as csv-parse with the importer's options (bom, relax_column_count,
// relax_quotes, skip_empty_lines, info, skip_records_with_error), but splits a line on commas itself
// when the line has no double quote (all of a police.uk street file, in practice): ~5x faster.
// Lines with a quote go through csv-parse (the same options), joined with the following lines while a
// quoted field is still open, so quoted commas and newlines, relaxed quotes and malformed records
// behave as before. Same BOM, empty-line and CRLF handling. Checked record-for-record and
// line-for-line against csv-parse on every CSV in ../shared/data, the benchmark file and crafted edge
// cases (`npx tsx scripts/bench/experiments.ts --check-parser`), and by property tests
// (test/bad-input-properties.test.ts). One known difference: after a CRLF inside a quoted field
// csv-parse counts two lines; this reports the physical line.
//
// Bounded work (issue 15): whether a quoted field is still open is tracked as the lines come (one pass
// over each line), and csv-parse sees a record once, when it is complete — never the open record again
// per following line (that was quadratic: a quote opened on line 3 of a 5,000-row file). A record may
// span at most MAX_RECORD_LINES lines and MAX_RECORD_BYTES bytes: a quote still open after that is a
// lone quote, its line is rejected (`unclosed_quote`) and reading resumes on the next line (so it cannot
// swallow the rows after it). A line longer than MAX_RECORD_BYTES is rejected (`record_too_long`) and
// skipped without being held in memory. Bytes that are not UTF-8 reject their line (`bad_encoding`);
// NUL bytes stop the file (`binary_content`, with the line): from there on it is not text.
import { isUtf8 } from 'node:buffer';
import { parse as parseSync, type Options } from 'csv-parse/sync';

export type Rec = { record: string[]; info: { lines: number } };
type SkipFn = (err: { code?: string; lines?: number; message: string }) => void;

/** A record (one line, or the lines of a quoted field spanning several) may be at most this long. */
export const MAX_RECORD_BYTES = 1 << 20;
/** A quoted field may span at most this many lines. */
export const MAX_RECORD_LINES = 100;

/** Thrown (not skipped) when the file cannot be read on: it carries the line. */
export class CsvFileError extends Error {
  constructor(
    public code: string,
    message: string,
    public lines: number,
  ) {
    super(message);
  }
}

const BASE: Options = { bom: false, relax_column_count: true, relax_quotes: true, skip_empty_lines: true };

/**
 * Whether a quoted field is open at the end of `s`, given whether one was open at its start — csv-parse's
 * rule with relax_quotes: a quote opens a quoted field only at the start of a field; inside one, `""` is a
 * quote and a single `"` closes it.
 */
export function quoteOpenAfter(s: string, open: boolean): boolean {
  let i = 0;
  const n = s.length;
  let fieldStart = !open;
  while (i < n) {
    if (open) {
      const q = s.indexOf('"', i);
      if (q < 0) return true;
      if (s.charCodeAt(q + 1) === 34) {
        i = q + 2;
        continue;
      }
      open = false;
      fieldStart = false;
      i = q + 1;
      continue;
    }
    if (fieldStart && s.charCodeAt(i) === 34) {
      open = true;
      i++;
      continue;
    }
    const c = s.indexOf(',', i);
    if (c < 0) return false;
    i = c + 1;
    fieldStart = true;
  }
  return open;
}

export async function* fastRecords(input: AsyncIterable<Buffer | string>, onSkip?: SkipFn): AsyncGenerator<Rec> {
  let rest: Buffer = Buffer.alloc(0);
  let line = 0;
  let first = true;
  let crlf: boolean | undefined;
  // The lines of a record whose quoted field is still open.
  let pending: string[] | null = null;
  let pendingFrom = 0;
  let pendingBytes = 0;
  /** Skipping the rest of an over-long line (already rejected). */
  let skipping = false;

  const skip = (code: string, lines: number, message: string) => {
    const e = { code, lines, message };
    if (!onSkip) throw Object.assign(new Error(message), e);
    onSkip(e);
  };

  // csv-parse on a few lines; `open` when a quoted field is still open at their end.
  const slow = (s: string, firstLine: number): string[][] | 'open' => {
    let open = false;
    let failed: { code?: string; lines?: number; message: string } | undefined;
    const records = parseSync(s, {
      ...BASE,
      skip_records_with_error: true,
      on_skip: (err) => {
        const e = err as unknown as { code?: string; lines?: number; message: string };
        if (e.code === 'CSV_QUOTE_NOT_CLOSED') open = true;
        else {
          failed = { code: e.code, message: e.message, lines: (e.lines ?? 1) + firstLine - 1 };
          onSkip?.(failed);
        }
      },
    }) as string[][];
    if (failed && !onSkip) throw Object.assign(new Error(failed.message), failed);
    return open ? 'open' : records;
  };

  const strip = (raw: string) => (crlf && raw.endsWith('\r') ? raw.slice(0, -1) : raw);

  // A lone quote: its line is rejected and the lines after it are read again as lines of their own.
  function* resync(): Generator<Rec> {
    const lines = pending!;
    const from = pendingFrom;
    pending = null;
    skip(
      'unclosed_quote',
      from,
      `a quote opened on line ${from} is not closed within ${lines.length > MAX_RECORD_LINES ? `${MAX_RECORD_LINES} lines` : pendingBytes > MAX_RECORD_BYTES ? `${MAX_RECORD_BYTES >> 20} MB` : 'the file'}: the line is not read, and reading goes on at the next line`,
    );
    for (let k = 1; k < lines.length; k++) yield* take(lines[k], from + k);
  }

  function* take(raw: string, at: number): Generator<Rec> {
    if (pending !== null) {
      pending.push(raw); // the original text: CRLF inside a quoted field stays CRLF
      pendingBytes += raw.length + 1;
      // Open at this line's start (it is pending): still open at its end?
      if (quoteOpenAfter(raw, true)) {
        if (pending.length > MAX_RECORD_LINES || pendingBytes > MAX_RECORD_BYTES) yield* resync();
        return;
      }
      const text = pending.join('\n');
      const r = slow(strip(text), pendingFrom);
      if (r === 'open') {
        if (pending.length > MAX_RECORD_LINES || pendingBytes > MAX_RECORD_BYTES) yield* resync();
        return;
      }
      pending = null;
      for (const record of r) yield { record, info: { lines: at } };
      return;
    }
    const s = strip(raw);
    if (s === '') return;
    if (s.indexOf('"') < 0) {
      yield { record: s.split(','), info: { lines: at } };
      return;
    }
    const r = quoteOpenAfter(s, false) ? 'open' : slow(s, at);
    if (r === 'open') {
      pending = [raw];
      pendingFrom = at;
      pendingBytes = raw.length;
      return;
    }
    for (const record of r) yield { record, info: { lines: at } };
  }

  function* handle(buf: Buffer, checkEncoding: boolean): Generator<Rec> {
    line++;
    if (skipping) {
      skipping = false;
      return;
    }
    if (checkEncoding && !isUtf8(buf)) {
      // The line is not read (its bytes would be stored as U+FFFD); a quoted field it was part of is given up.
      if (crlf === undefined) crlf = buf[buf.length - 1] === 0x0d;
      if (pending !== null) yield* resync();
      skip('bad_encoding', line, `line ${line} is not UTF-8 text (a byte like 0x${badByte(buf)}): save the file as UTF-8`);
      return;
    }
    let raw = buf.toString('utf8');
    if (first) {
      if (raw.charCodeAt(0) === 0xfeff) raw = raw.slice(1);
      first = false;
    }
    if (crlf === undefined) crlf = raw.endsWith('\r');
    yield* take(raw, line);
  }

  for await (const chunk of input) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const nul = b.indexOf(0);
    if (nul >= 0) {
      const before = Buffer.concat([rest, b.subarray(0, nul)]);
      let at = line + 1;
      for (let i = before.indexOf(0x0a); i >= 0; i = before.indexOf(0x0a, i + 1)) at++;
      throw new CsvFileError(
        'binary_content',
        `Line ${at} holds NUL bytes: from there on this is not a CSV file (cut off, or binary data appended?). Nothing was imported.`,
        at,
      );
    }
    let text = rest.length ? Buffer.concat([rest, b]) : b;
    const lastNl = text.lastIndexOf(0x0a);
    if (lastNl < 0) {
      rest = text;
    } else {
      const whole = text.subarray(0, lastNl);
      rest = text.subarray(lastNl + 1);
      // One check for the chunk; line by line only when it is not all UTF-8.
      const checkEach = !isUtf8(whole);
      let start = 0;
      let nl: number;
      while ((nl = whole.indexOf(0x0a, start)) >= 0) {
        yield* handle(whole.subarray(start, nl), checkEach);
        start = nl + 1;
      }
      yield* handle(whole.subarray(start), checkEach);
      text = rest;
    }
    if (rest.length > MAX_RECORD_BYTES) {
      // A line longer than a record may be: rejected, and its remaining bytes skipped as they come.
      if (!skipping) {
        skip('record_too_long', line + 1, `line ${line + 1} is longer than ${MAX_RECORD_BYTES >> 20} MB: it is not read`);
        skipping = true;
      }
      rest = Buffer.alloc(0);
    }
    if (rest.length) rest = Buffer.from(rest); // do not keep the whole chunk alive
  }
  if (rest.length) yield* handle(rest, !isUtf8(rest));
  else if (skipping) skipping = false;
  while (pending !== null) {
    if ((pending as string[]).length === 1) {
      const from = pendingFrom;
      pending = null;
      skip('CSV_QUOTE_NOT_CLOSED', from, 'Quote Not Closed: the parsing is finished with an opening quote');
    } else yield* resync();
  }
}

function badByte(b: Buffer) {
  for (let i = 0; i < b.length; i++) {
    if (!isUtf8(b.subarray(i, i + 1)) && b[i] >= 0x80) {
      // the first byte that starts no valid sequence
      const seqLen = b[i] >= 0xf0 ? 4 : b[i] >= 0xe0 ? 3 : b[i] >= 0xc0 ? 2 : 1;
      if (seqLen === 1 || !isUtf8(b.subarray(i, i + seqLen))) return b[i].toString(16).toUpperCase().padStart(2, '0');
      i += seqLen - 1;
    }
  }
  return '??';
}
