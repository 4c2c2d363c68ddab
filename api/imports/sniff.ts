// First look at an uploaded file: empty? binary? JSON or CSV? which kind of CSV?
import fs from 'node:fs/promises';
import { ImportError } from './errors.js';
import type { ImportKind } from '../../contract/imports.js';

export { ImportError } from './errors.js';
/** The kinds of file (declared in contract/imports.ts, which the upload form reads too). */
export { IMPORT_KINDS, type ImportKind } from '../../contract/imports.js';
import { isWardCountsHeader } from './area-counts.js';
import { detectPopulationRuleKind } from './population-rules.js';
import { detectSiteKind } from './sites.js';
import { isOnspdHeader } from '../places/onspd.js';

export const POLICE_UK_HEADER = [
  'Crime ID',
  'Month',
  'Reported by',
  'Falls within',
  'Longitude',
  'Latitude',
  'Location',
  'LSOA code',
  'LSOA name',
  'Crime type',
  'Last outcome category',
  'Context',
];
/** The police.uk API's JSON fields flattened to CSV (as in shared/data's *_api_*.csv files). */
export const POLICE_UK_API_FIELDS = ['month', 'category', 'latitude', 'longitude', 'id'];

const MAGIC: Array<[number[], string]> = [
  [[0x50, 0x4b, 0x03, 0x04], 'a zip archive (unzip it first)'],
  [[0x1f, 0x8b], 'a gzip archive (decompress it first)'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF'],
  [[0x53, 0x51, 0x4c, 0x69, 0x74, 0x65], 'an SQLite/GeoPackage database (export the layer to GeoJSON first)'],
  [[0xd0, 0xcf, 0x11, 0xe0], 'an old Excel/Office file (save it as CSV first)'],
];

export interface Sniffed {
  format: 'json' | 'csv';
  size: number;
  /** CSV only: the header fields as found. */
  header?: string[];
  kind?: ImportKind;
}

/** Parse one CSV header line (quotes allowed, no embedded newlines). */
export function parseHeaderLine(line: string): string[] {
  const out: string[] = [];
  let cur = '',
    q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (q) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') q = false;
      else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

export function detectCsvKind(header: string[]): ImportKind | undefined {
  if (header.length === POLICE_UK_HEADER.length && header.every((h, i) => h === POLICE_UK_HEADER[i])) return 'police_uk_street';
  if (isWardCountsHeader(header)) return 'ward_counts';
  if (isOnspdHeader(header)) return 'postcodes';
  const lower = new Set(header.map((h) => h.toLowerCase()));
  if (POLICE_UK_API_FIELDS.every((f) => lower.has(f))) return 'incidents_csv';
  const site = detectSiteKind(header);
  if (site) return site;
  const rule = detectPopulationRuleKind(header);
  if (rule) return rule;
  const hasCode = header.some((h) => /^[A-Z]{2,5}\d{2}CD$/i.test(h) || /^(code|area_code|geography code)$/i.test(h));
  const hasPop = header.some((h) => /population|usual_residents|residents|^observation$|^total$/i.test(h));
  if (hasCode && hasPop && header.length <= 20) return 'population';
  return undefined;
}

export async function sniff(file: string): Promise<Sniffed> {
  const fh = await fs.open(file, 'r');
  try {
    const { size } = await fh.stat();
    const buf = Buffer.alloc(Math.min(size, 65536));
    await fh.read(buf, 0, buf.length, 0);
    if (size === 0 || buf.toString('utf8').trim() === '') throw new ImportError('empty_file', 'The file is empty.');
    for (const [magic, what] of MAGIC) {
      if (magic.every((b, i) => buf[i] === b))
        throw new ImportError('binary_file', `This is ${what}, not a CSV or GeoJSON file.`);
    }
    if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff) || looksUtf16(buf)) {
      throw new ImportError(
        'utf16',
        'This file is UTF-16 text (Excel\'s "Unicode Text"), not UTF-8. Save it as UTF-8 ("CSV UTF-8" in Excel) and try again.',
      );
    }
    if (buf.includes(0))
      throw new ImportError('binary_file', 'This is a binary file (it contains NUL bytes), not a CSV or GeoJSON file.');
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(buf, { stream: size > buf.length });
    } catch {
      throw new ImportError('bad_encoding', 'The file is not UTF-8 text. Save it as UTF-8 (CSV UTF-8 in Excel) and try again.');
    }
    text = text.replace(/^\uFEFF/, '');
    const first = text.trimStart()[0];
    if (first === '"' && size <= buf.length && isJsonString(text.trim())) {
      throw new ImportError(
        'bad_json',
        'This file is a JSON string (its text is in quotes), not a GeoJSON object or a CSV. Was it encoded twice?',
      );
    }
    // GeoJSON of Points (and no polygons in the first 64 KB): transport hubs; anything else: boundaries.
    if (first === '{' || first === '[')
      return {
        format: 'json',
        size,
        kind: /"Point"/.test(text) && !/"(Multi)?Polygon"|"Topology"/.test(text) ? 'hubs' : 'boundaries',
      };
    if (/^sep=.?\r?$/i.test(text.slice(0, text.search(/\n|$/)))) {
      throw new ImportError(
        'excel_sep_line',
        `The first line is Excel's "${text.slice(0, 5)}" hint, not the header. Delete that line (or save the file again as "CSV UTF-8") so that the header comes first.`,
        1,
      );
    }
    const cr = text.indexOf('\r');
    if (cr >= 0 && text[cr + 1] !== '\n' && text.indexOf('\n') < 0) {
      throw new ImportError(
        'cr_line_endings',
        'The lines of this file end in CR only (old Mac line endings). Save it again with Windows (CRLF) or Unix (LF) line endings.',
        1,
      );
    }
    const nl = text.search(/\r?\n/);
    if (nl < 0 && size > buf.length)
      throw new ImportError('bad_header', 'The first line is longer than 64 KB; this does not look like a CSV file.');
    const header = parseHeaderLine(nl < 0 ? text : text.slice(0, nl));
    if (header.length < 2)
      throw new ImportError('bad_header', `The first line is not a CSV header: "${header[0]?.slice(0, 80)}".`);
    return { format: 'csv', size, header, kind: detectCsvKind(header) };
  } finally {
    await fh.close();
  }
}

/** UTF-16 without a byte order mark: ASCII text with every other byte NUL. */
function looksUtf16(b: Buffer) {
  const n = Math.min(b.length, 200) & ~1;
  if (n < 8) return false;
  let even = 0,
    odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (b[i] === 0) even++;
    if (b[i + 1] === 0) odd++;
  }
  return even > n * 0.4 || odd > n * 0.4;
}

function isJsonString(t: string) {
  try {
    return typeof JSON.parse(t) === 'string';
  } catch {
    return false;
  }
}
