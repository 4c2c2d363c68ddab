// Reading a small keyed CSV (population, best-fit lookup, centroids): the file is hashed as it streams,
// the header goes to `onHeader` (which may throw an ImportError), every data row to `onRow` with its line.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { parse } from 'csv-parse';
import { ImportError } from './errors.js';

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
  const parser = input.pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true }));
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
    if (e instanceof ImportError) throw e;
    throw new ImportError('bad_csv', `The CSV could not be read: ${(e as Error).message}`);
  }
  if (!header) throw new ImportError('empty_file', 'The file has no rows.');
  if (!rowsRead) throw new ImportError('empty_file', 'The file has a header but no data rows.');
  return { sha256: hash.digest('hex'), rowsRead };
}
