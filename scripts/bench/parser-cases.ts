// The custom CSV reader (api/imports/fast-records.ts) against its reference, csv-parse with the options the
// importer used before it (importerCsvParse). Shared by `scripts/bench/experiments.ts --check-parser` and the
// table test test/csv-reader.test.ts, which fails on any case where the two disagree.
import { Readable } from 'node:stream';
import { fastRecords, type Rec } from '../../api/imports/fast-records.js';
import { importerCsvParse } from './js-phases.js';

/** Crafted edge cases: name → file content. */
export const CRAFTED: Record<string, string> = {
  quotedNewline: 'a,b,c\n1,"x\ny",3\n4,5,6\n',
  quoteInsideField: 'a,b\nab"c,d\n"q""x",e\n',
  emptyLines: 'a,b\n\n1,2\n\n\n3,4',
  bom: '\uFEFFa,b\n1,2\n',
  unclosedAtEnd: 'a,b\n1,2\n3,"abc\n',
  unclosedNoNewline: 'a,b\n1,2\n3,"abc',
  crlf: 'a,b\r\n1,2\r\n"x\ny",3\r\n',
  trailingCommas: 'a,b,c\n1,,\n,,\n',
  badClosingQuote: 'a,b\n"abc"def,1\n2,3\n',
};

/** What a reader produced: its records with their line numbers, and the records it skipped (code and line). */
export type ParseResult = { out: Rec[]; skips: { code?: string; lines?: number }[] };

async function collect(it: AsyncIterable<Rec>, skips: ParseResult['skips']): Promise<ParseResult> {
  const out: Rec[] = [];
  for await (const r of it) out.push({ record: r.record, info: { lines: r.info.lines } });
  return { out, skips };
}

/** The reference: csv-parse with the importer's former options. */
export function referenceRecords(input: Readable): Promise<ParseResult> {
  const skips: ParseResult['skips'] = [];
  const parser = importerCsvParse((e) => {
    skips.push({ code: (e as { code?: string })?.code, lines: (e as { lines?: number })?.lines });
    return undefined;
  });
  return collect(input.pipe(parser) as AsyncIterable<Rec>, skips);
}

/** The importer's reader. */
export function fastReaderRecords(input: AsyncIterable<Buffer | string>): Promise<ParseResult> {
  const skips: ParseResult['skips'] = [];
  return collect(
    fastRecords(input, (e) => {
      skips.push({ code: e.code, lines: e.lines });
    }),
    skips,
  );
}

/** A crafted case as a stream of one chunk. */
export const fromString = (s: string) => Readable.from([Buffer.from(s)]);
