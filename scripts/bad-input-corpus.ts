// The bad-input corpus (issue 15): malformed and awkward import files, each with the outcome the importer
// must give. Generated (never committed as blobs): `writeCorpus(dir)` writes every file into `dir` and returns
// the cases; test/bad-input.test.ts runs them through importFile on each driver, and a sample through the CLI
// and POST /api/imports, comparing the database before and after.
// `npx tsx scripts/bad-input-corpus.ts <dir>` writes the files and prints the list.
import fs from 'node:fs';
import path from 'node:path';
import { POLICE_UK_HEADER } from '../api/imports/sniff.js';
import type { ImportOptions } from '../api/imports/index.js';

/** Tables compared before and after each import. */
export const CORPUS_TABLES = [
  'incidents',
  'areas',
  'area_parts',
  'area_population',
  'population_lookup',
  'lsoa_centroids',
  'journey_sites',
  'coverage',
] as const;
export type CorpusTable = (typeof CORPUS_TABLES)[number];

export interface Expected {
  status: 'committed' | 'failed';
  /** Failed: the error code. */
  code?: string;
  /** The error message (or, committed, some reject's reason) matches. */
  message?: RegExp;
  /** Failed: the line the error names. */
  line?: number;
  /** Committed: how many rows are rejected, and codes that must be among them. */
  rejects?: { min: number; max: number; codes?: string[]; lines?: number[] };
  /** Committed: rows each table gains (others unchanged). Failed imports change nothing. */
  added?: Partial<Record<CorpusTable, number>>;
  /** Committed: the summary's details match this. */
  details?: Record<string, unknown>;
  /** Through the API, when its query validation answers first (e.g. a malformed level is a 400 invalid_parameter). */
  apiCode?: string;
  /** A bound on the import's time (pathological files must fail or finish in seconds). */
  maxMs?: number;
}

export type CaseOptions = Pick<ImportOptions, 'kind' | 'level' | 'mapping' | 'replace' | 'crs' | 'codeField' | 'object'>;

export interface CorpusCase {
  name: string;
  category: string;
  file: string;
  opts: CaseOptions;
  expected: Expected;
}

// ---------- the geography every case is read against: two square wards in Lewisham ----------
export const BASE_WARDS = [
  { code: 'E05013714', name: 'Bellingham', box: [-0.05, 51.43, -0.02, 51.46] },
  { code: 'E05013715', name: 'Blackheath', box: [-0.02, 51.43, 0.01, 51.46] },
] as const;

const ring = ([x0, y0, x1, y1]: readonly number[]) => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
];
const poly = (box: readonly number[]) => ({ type: 'Polygon', coordinates: [ring(box)] });
const feature = (props: Record<string, unknown> | null, geometry: unknown) => ({ type: 'Feature', properties: props, geometry });
const fc = (features: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'FeatureCollection', ...extra, features });
/** Loaded before the corpus, with the wards. */
export const BASE_POPULATION_CSV = `WD22CD,population\n${BASE_WARDS[0].code},12000\n${BASE_WARDS[1].code},13000\n`;
export function baseWardsGeoJson() {
  return fc(BASE_WARDS.map((w) => feature({ WD22CD: w.code, WD22NM: w.name }, poly(w.box))));
}

// ---------- police.uk street rows ----------
type PukField = (typeof POLICE_UK_HEADER)[number];
const DEFAULTS: Partial<Record<PukField, string>> = {
  Month: '2024-01',
  'Reported by': 'Metropolitan Police Service',
  'Falls within': 'Metropolitan Police Service',
  Longitude: '-0.030',
  Latitude: '51.445',
  Location: 'On or near Rushey Green',
  'LSOA code': 'E01003189',
  'LSOA name': 'Lewisham 034A',
  'Crime type': 'Burglary',
  'Last outcome category': 'Under investigation',
};
export function pukRow(id: string, o: Partial<Record<PukField, string>> = {}) {
  return POLICE_UK_HEADER.map((h) => (h === 'Crime ID' ? (o[h] ?? id) : (o[h] ?? DEFAULTS[h] ?? ''))).join(',');
}
const HEADER = POLICE_UK_HEADER.join(',');
const puk = (rows: string[], header = HEADER, eol = '\n') => [header, ...rows].join(eol) + eol;
/** `n` good rows with ids `${p}-1`.. */
const good = (p: string, n: number, from = 1) =>
  Array.from({ length: n }, (_, i) => pukRow(`${p}-${i + from}`, { Longitude: (-0.045 + (i % 50) * 0.001).toFixed(3) }));

/** A file larger than memory should ever hold: written in pieces. */
type Writer = (file: string) => void;

export function corpusCases(): Array<Omit<CorpusCase, 'file'> & { bytes: string | Buffer | Writer; ext: string }> {
  const out: Array<Omit<CorpusCase, 'file'> & { bytes: string | Buffer | Writer; ext: string }> = [];
  const add = (
    category: string,
    name: string,
    ext: string,
    bytes: string | Buffer | Writer,
    expected: Expected,
    opts: CaseOptions = {},
  ) => out.push({ category, name, ext, bytes, expected, opts });
  const failed = (code: string, message?: RegExp, line?: number): Expected => ({
    status: 'failed',
    code,
    ...(message ? { message } : {}),
    ...(line ? { line } : {}),
  });

  // ---- police.uk rows: good files, awkward but valid ----
  add('csv-valid', 'puk-good', 'csv', puk(good('good', 5)), {
    status: 'committed',
    added: { incidents: 5, coverage: 1 },
    rejects: { min: 0, max: 0 },
  });
  add('csv-valid', 'puk-crlf', 'csv', puk(good('crlf', 3), HEADER, '\r\n'), {
    status: 'committed',
    added: { incidents: 3, coverage: 1 },
    rejects: { min: 0, max: 0 },
  });
  add('csv-valid', 'puk-bom', 'csv', '\uFEFF' + puk(good('bom', 3)), {
    status: 'committed',
    added: { incidents: 3, coverage: 1 },
    rejects: { min: 0, max: 0 },
  });
  add('csv-valid', 'puk-blank-lines', 'csv', puk([...good('blank', 2), '', '', ...good('blank', 2, 3)]), {
    status: 'committed',
    added: { incidents: 4, coverage: 1 },
    rejects: { min: 0, max: 0 },
  });
  add(
    'csv-valid',
    'puk-quoted-comma',
    'csv',
    puk([pukRow('qc-1', { Location: '"On or near ""High St"", Lewisham"' }), ...good('qc', 2, 2)]),
    { status: 'committed', added: { incidents: 3, coverage: 1 }, rejects: { min: 0, max: 0 } },
  );
  add(
    'csv-rows',
    'puk-quoted-newline',
    'csv',
    puk([pukRow('qn-1', { Location: '"On or near High St\nupper"' }), ...good('qn', 2, 2)]),
    {
      status: 'committed',
      added: { incidents: 2, coverage: 1 },
      rejects: { min: 1, max: 1, codes: ['quoted_newline'], lines: [2] },
    },
  );
  add('csv-valid', 'puk-no-final-newline', 'csv', puk(good('nofinal', 3)).trimEnd(), {
    status: 'committed',
    added: { incidents: 3, coverage: 1 },
    rejects: { min: 0, max: 0 },
  });
  add(
    'csv-valid',
    'puk-repeated-id',
    'csv',
    puk([pukRow('rep-1'), pukRow('rep-1', { 'Crime type': 'Robbery' }), pukRow('rep-2')]),
    { status: 'committed', added: { incidents: 3, coverage: 2 }, rejects: { min: 0, max: 0 } },
  );
  add('csv-valid', 'puk-long-location-5kb', 'csv', puk([pukRow('long-1', { Location: 'x'.repeat(5000) }), pukRow('long-2')]), {
    status: 'committed',
    added: { incidents: 2, coverage: 1 },
    rejects: { min: 0, max: 0 },
    details: { truncatedFields: { rows: 1, first_line: 2, columns: ['location'] } },
  });

  // ---- police.uk rows: rejected with line and reason, the rest imported ----
  const oneBad = (name: string, bad: Partial<Record<PukField, string>>, code: string, message?: RegExp) =>
    add('csv-rows', name, 'csv', puk([...good(name, 2), pukRow(`${name}-bad`, bad)]), {
      status: 'committed',
      added: { incidents: 2, coverage: 1 },
      rejects: { min: 1, max: 1, codes: [code], lines: [4] },
      ...(message ? { message } : {}),
    });
  for (const [n, m] of [
    ['month-13', '2024-13'],
    ['month-00', '2024-00'],
    ['month-words', 'Jan 2024'],
    ['month-empty', ''],
    ['month-slash', '2024/01'],
    ['month-1899', '1899-12'],
    ['month-text', 'n/a'],
  ] as const)
    oneBad(`puk-${n}`, { Month: m }, 'bad_date');
  for (const m of ['2099-01', '2031-06', '2030-01']) oneBad(`puk-future-${m}`, { Month: m }, 'future_date', /in the future/);
  oneBad('puk-lat-95', { Latitude: '95.1' }, 'bad_coordinates');
  oneBad('puk-lon-text', { Longitude: 'abc' }, 'bad_coordinates');
  oneBad('puk-no-location', { Longitude: '', Latitude: '' }, 'no_location');
  oneBad('puk-zero-zero', { Longitude: '0', Latitude: '0' }, 'no_location');
  oneBad('puk-swapped', { Longitude: '51.4', Latitude: '-0.02' }, 'swapped_coordinates', /look swapped/);
  oneBad('puk-swapped-2', { Longitude: '51.445', Latitude: '-0.030' }, 'swapped_coordinates');
  oneBad('puk-empty-category', { 'Crime type': '' }, 'no_category');
  add('csv-rows', 'puk-extra-field', 'csv', puk([...good('extra', 2), pukRow('extra-bad') + ',surplus']), {
    status: 'committed',
    added: { incidents: 2, coverage: 1 },
    rejects: { min: 1, max: 1, codes: ['wrong_field_count'], lines: [4] },
  });
  add(
    'csv-rows',
    'puk-short-row',
    'csv',
    puk([...good('short', 2), pukRow('short-bad').split(',').slice(0, 6).join(','), ...good('short', 1, 3)]),
    {
      status: 'committed',
      added: { incidents: 3, coverage: 1 },
      rejects: { min: 1, max: 1, codes: ['wrong_field_count'], lines: [4] },
    },
  );
  add('csv-rows', 'puk-truncated-last', 'csv', puk(good('trunc', 2)) + pukRow('trunc-bad').split(',').slice(0, 7).join(','), {
    status: 'committed',
    added: { incidents: 2, coverage: 1 },
    rejects: { min: 1, max: 1, codes: ['truncated'] },
  });
  add('csv-rows', 'puk-open-quote-at-end', 'csv', puk(good('oqe', 2)) + 'oqe-x,2024-01,"Metropolitan Police', {
    status: 'committed',
    added: { incidents: 2, coverage: 1 },
    rejects: { min: 1, max: 1, codes: ['truncated'] },
  });
  add('csv-rows', 'puk-all-rows-bad', 'csv', puk([pukRow('allbad-1', { Month: 'x' }), pukRow('allbad-2', { Month: 'y' })]), {
    status: 'committed',
    added: {},
    rejects: { min: 2, max: 2, codes: ['bad_date'] },
  });

  // ---- quotes: lone quotes must not swallow rows, nor make the reader quadratic ----
  add(
    'csv-quotes',
    'puk-lone-quote-line-1001',
    'csv',
    puk([...good('lq', 999), pukRow('lq-bad', { Location: '"On or near Lone' }), ...good('lq', 1000, 1000)]),
    {
      status: 'committed',
      added: { incidents: 1999, coverage: 1 },
      rejects: { min: 1, max: 1, codes: ['unclosed_quote'], lines: [1001] },
      message: /not closed within 100 lines/,
      maxMs: 30_000,
    },
  );
  add(
    'csv-quotes',
    'puk-quote-line-3-of-5000',
    'csv',
    puk([...good('q3', 1), pukRow('q3-bad', { Location: '"Open' }), ...good('q3', 4998, 2)]),
    {
      status: 'committed',
      added: { incidents: 4999, coverage: 1 },
      rejects: { min: 1, max: 1, codes: ['unclosed_quote'], lines: [3] },
      maxMs: 60_000,
    },
  );
  add(
    'csv-quotes',
    'puk-quote-every-row',
    'csv',
    puk(Array.from({ length: 2000 }, (_, i) => pukRow(`qe-${i}`, { Location: '"Open' }))),
    { status: 'committed', added: {}, rejects: { min: 1000, max: 2000, codes: ['quoted_newline'] }, maxMs: 60_000 },
  );
  add(
    'csv-quotes',
    'puk-quote-in-middle-of-field',
    'csv',
    puk([pukRow('qm-1', { Location: 'On or near "The" Street' }), ...good('qm', 2, 2)]),
    { status: 'committed', added: { incidents: 3, coverage: 1 }, rejects: { min: 0, max: 0 } },
  );
  add('csv-quotes', 'puk-bad-closing-quote', 'csv', puk([pukRow('bq-1', { Location: '"On or near"x' }), ...good('bq', 2, 2)]), {
    status: 'committed',
    added: { incidents: 3, coverage: 1 },
    rejects: { min: 0, max: 0 },
  }); // csv-parse's relax_quotes reads it

  // ---- size, encoding and binary content after the first 64 KB ----
  const pad = good('pad', 400); // ~70 KB: past what sniff reads
  add(
    'csv-bytes',
    'puk-10mb-field',
    'csv',
    (f: string) => {
      fs.writeFileSync(f, puk(good('big', 2)));
      fs.appendFileSync(f, pukRow('big-bad', { Location: 'y'.repeat(10 * 1024 * 1024) }) + '\n');
      fs.appendFileSync(f, pukRow('big-3') + '\n');
    },
    {
      status: 'committed',
      added: { incidents: 3, coverage: 1 },
      rejects: { min: 1, max: 1, codes: ['record_too_long'], lines: [4] },
      maxMs: 30_000,
    },
  );
  add(
    'csv-bytes',
    'puk-latin1-after-64kb',
    'csv',
    Buffer.concat([
      Buffer.from(puk(pad)),
      Buffer.from(pukRow('lat1', { Location: 'On or near Caf\u00e9' }), 'latin1'),
      Buffer.from('\n' + pukRow('lat2') + '\n'),
    ]),
    {
      status: 'committed',
      added: { incidents: 401, coverage: 1 },
      rejects: { min: 1, max: 1, codes: ['bad_encoding'], lines: [402] },
      message: /not UTF-8/,
    },
  );
  add(
    'csv-bytes',
    'puk-nul-after-64kb',
    'csv',
    Buffer.concat([Buffer.from(puk(pad)), Buffer.from(pukRow('nul1', { Location: 'On or near \u0000' }) + '\n')]),
    failed('binary_content', /NUL/, 402),
  );
  add(
    'csv-bytes',
    'puk-1000-rows-then-8mb-nul',
    'csv',
    (f: string) => {
      fs.writeFileSync(f, puk(good('nulbig', 1000)));
      const z = Buffer.alloc(1 << 20);
      for (let i = 0; i < 8; i++) fs.appendFileSync(f, z);
    },
    { ...failed('binary_content', /NUL/, 1002), maxMs: 30_000 },
  );
  add(
    'csv-bytes',
    'puk-1000-rows-then-6mb-line',
    'csv',
    (f: string) => {
      fs.writeFileSync(f, puk(good('longline', 1000)));
      fs.appendFileSync(f, 'z'.repeat(6 << 20));
    },
    {
      status: 'committed',
      added: { incidents: 1000, coverage: 1 },
      rejects: { min: 1, max: 1, codes: ['record_too_long'], lines: [1002] },
      maxMs: 30_000,
    },
  );

  // ---- the police.uk header, one column off ----
  POLICE_UK_HEADER.forEach((h, i) => {
    const slug = h.toLowerCase().replace(/\s+/g, '-');
    const renamed = POLICE_UK_HEADER.map((x, j) => (j === i ? `${x} X` : x)).join(',');
    add(
      'header',
      `puk-header-renamed-${slug}`,
      'csv',
      puk(good(`hr${i}`, 2), renamed),
      failed('bad_header', new RegExp(`"${h} X" should be "${h}"`), 1),
    );
    const missing = POLICE_UK_HEADER.filter((_, j) => j !== i).join(',');
    add(
      'header',
      `puk-header-missing-${slug}`,
      'csv',
      puk(
        good(`hm${i}`, 2).map((r) =>
          r
            .split(',')
            .filter((_, j) => j !== i)
            .join(','),
        ),
        missing,
      ),
      failed('bad_header', new RegExp(`missing: "${h}"`), 1),
    );
    const lower = POLICE_UK_HEADER.map((x, j) => (j === i ? x.toLowerCase() : x)).join(',');
    if (h.toLowerCase() !== h)
      add(
        'header',
        `puk-header-lower-${slug}`,
        'csv',
        puk(good(`hl${i}`, 2), lower),
        failed('bad_header', new RegExp(`"${h.toLowerCase()}" should be "${h}"`), 1),
      );
  });
  add(
    'header',
    'puk-header-all-lower',
    'csv',
    puk(good('hal', 2), HEADER.toLowerCase()),
    failed('bad_header', /different case/, 1),
  );
  add(
    'header',
    'puk-header-extra',
    'csv',
    puk(
      good('hx', 2).map((r) => r + ',x'),
      HEADER + ',Notes',
    ),
    failed('bad_header', /not expected: "Notes"/, 1),
  );
  add(
    'header',
    'puk-header-reordered',
    'csv',
    puk(good('ho', 2), [POLICE_UK_HEADER[1], POLICE_UK_HEADER[0], ...POLICE_UK_HEADER.slice(2)].join(',')),
    failed('bad_header', /another order/, 1),
  );
  add(
    'header',
    'puk-header-kind-given',
    'csv',
    puk(good('hk', 2), HEADER.replace('Month', 'Date')),
    failed('bad_header', /"Date" should be "Month"/, 1),
    { kind: 'police_uk_street' },
  );

  // ---- whole files: empty, binary, encodings, not CSV at all ----
  add('file', 'empty', 'csv', '', failed('empty_file'));
  add('file', 'whitespace', 'csv', '\n\n   \n', failed('empty_file'));
  add('file', 'header-only', 'csv', HEADER + '\n', failed('empty_file'));
  add('file', 'zip', 'csv', Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4]), failed('binary_file', /zip/));
  add('file', 'gzip', 'csv', Buffer.from([0x1f, 0x8b, 8, 0, 0, 0]), failed('binary_file', /gzip/));
  add('file', 'pdf', 'csv', Buffer.from('%PDF-1.7\n%...'), failed('binary_file', /PDF/));
  add(
    'file',
    'sqlite',
    'gpkg',
    Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(100)]),
    failed('binary_file', /SQLite/),
  );
  add(
    'file',
    'ole-excel',
    'xls',
    Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]),
    failed('binary_file', /Excel/),
  );
  add('file', 'nul-in-first-64kb', 'csv', Buffer.from('a,b\n1,\u0000\n'), failed('binary_file'));
  add(
    'file',
    'latin1-in-first-64kb',
    'csv',
    Buffer.from([0x61, 0x2c, 0x62, 0x0a, 0xe9, 0x2c, 0x31, 0x0a]),
    failed('bad_encoding'),
  );
  const utf16 = (s: string, be = false) => {
    const le = Buffer.from(s, 'utf16le');
    if (be) for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1], le[i]];
    return le;
  };
  add(
    'file',
    'utf16le-bom',
    'csv',
    Buffer.concat([Buffer.from([0xff, 0xfe]), utf16(puk(good('u16', 2)))]),
    failed('utf16', /UTF-16.*UTF-8/),
  );
  add(
    'file',
    'utf16be-bom',
    'csv',
    Buffer.concat([Buffer.from([0xfe, 0xff]), utf16(puk(good('u16b', 2)), true)]),
    failed('utf16', /UTF-16/),
  );
  add('file', 'utf16le-no-bom', 'csv', utf16(puk(good('u16n', 2))), failed('utf16', /UTF-16/));
  add('file', 'json-string', 'json', JSON.stringify(baseWardsGeoJson()), failed('bad_json', /JSON string/));
  add('file', 'cr-only', 'csv', puk(good('cr', 3), HEADER, '\r'), failed('cr_line_endings', /CR only/));
  add('file', 'excel-sep-line', 'csv', 'sep=,\n' + puk(good('sep', 2)), failed('excel_sep_line', /sep=/));
  add('file', 'excel-sep-semicolon', 'csv', 'sep=;\r\n' + puk(good('sep2', 2)), failed('excel_sep_line', /sep=/));
  add('file', 'one-column-text', 'txt', 'hello world\nthis is not a csv\n', failed('bad_header'));
  add('file', 'first-line-over-64kb', 'csv', 'a'.repeat(70_000), failed('bad_header', /64 KB/));
  add('file', 'unknown-header', 'csv', 'foo,bar\n1,2\n', failed('unknown_kind'));
  add('file', 'html-page', 'html', '<!DOCTYPE html>\n<html><body>Not found</body></html>\n', failed('bad_header'));
  add('file', 'json-array', 'json', '[1,2,3]', failed('bad_json'));
  add('file', 'json-number', 'json', '42', failed('bad_header'));

  // ---- incident CSVs with a column mapping ----
  const GEN = 'Ref,Date,Time,Offence,Easting,Northing';
  const MAP = 'id=Ref,date=Date,time=Time,category=Offence,easting=Easting,northing=Northing';
  const LL = 'Ref,Date,Offence,Lon,Lat';
  const MAPLL = 'id=Ref,date=Date,category=Offence,lon=Lon,lat=Lat';
  add(
    'mapped',
    'mapped-bng-good',
    'csv',
    `${GEN}\nm1,05/03/2024,08:15,Robbery,537500,174500\nm2,2024-03-06,,Robbery,537600,174600\n`,
    { status: 'committed', added: { incidents: 2, coverage: 1 }, rejects: { min: 0, max: 0 } },
    { mapping: MAP },
  );
  add(
    'mapped',
    'mapped-multiline-field',
    'csv',
    `${LL}\nml1,2024-03-07,"Robbery\n(street)",-0.03,51.44\nml2,2024-03-06,Robbery,-0.03,51.44\n`,
    { status: 'committed', added: { incidents: 2, coverage: 2 }, rejects: { min: 0, max: 0 } },
    { mapping: MAPLL },
  );
  add(
    'mapped',
    'mapped-bad-time',
    'csv',
    `${GEN}\nmt1,2024-03-07,25:00,Robbery,537600,174600\nmt2,2024-03-06,,Robbery,537600,174600\n`,
    { status: 'committed', added: { incidents: 1, coverage: 1 }, rejects: { min: 1, max: 1, codes: ['bad_date'], lines: [2] } },
    { mapping: MAP },
  );
  add(
    'mapped',
    'mapped-time-twice',
    'csv',
    `${GEN}\nmtt1,2024-03-07 10:00,10:00,Robbery,537600,174600\nmtt2,2024-03-06,,Robbery,537600,174600\n`,
    { status: 'committed', added: { incidents: 1, coverage: 1 }, rejects: { min: 1, max: 1, codes: ['bad_date'] } },
    { mapping: MAP },
  );
  add(
    'mapped',
    'mapped-future-day',
    'csv',
    `${GEN}\nmf1,2099-03-07,,Robbery,537600,174600\nmf2,2024-03-06,,Robbery,537600,174600\n`,
    { status: 'committed', added: { incidents: 1, coverage: 1 }, rejects: { min: 1, max: 1, codes: ['future_date'] } },
    { mapping: MAP },
  );
  add(
    'mapped',
    'mapped-bng-out-of-range',
    'csv',
    `${GEN}\nmo1,2024-03-07,,Robbery,900000,174600\nmo2,2024-03-06,,Robbery,537600,174600\n`,
    { status: 'committed', added: { incidents: 1, coverage: 1 }, rejects: { min: 1, max: 1, codes: ['bad_coordinates'] } },
    { mapping: MAP },
  );
  // Easting and northing exchanged in the whole file: every row is inside the grid either way, so only the
  // study area can tell (the wards are loaded when the corpus runs).
  add(
    'mapped',
    'mapped-bng-swapped',
    'csv',
    `${GEN}\nsw1,2024-03-07,,Robbery,174500,537500\nsw2,2024-03-06,,Robbery,174600,537600\nsw3,2024-03-05,,Burglary,173900,538200\n`,
    failed('swapped_coordinates', /look swapped/),
    { mapping: MAP },
  );
  add(
    'mapped',
    'mapped-lonlat-swapped',
    'csv',
    `${LL}\nms1,2024-03-07,Robbery,51.44,-0.02\nms2,2024-03-06,Robbery,-0.02,51.44\n`,
    { status: 'committed', added: { incidents: 1, coverage: 1 }, rejects: { min: 1, max: 1, codes: ['swapped_coordinates'] } },
    { mapping: MAPLL },
  );
  add(
    'mapped',
    'mapped-missing-column',
    'csv',
    `${GEN}\nmm1,2024-03-07,,Robbery,537600,174600\n`,
    failed('bad_mapping', /not in the header/, 1),
    { mapping: 'date=Date,category=Nope,easting=Easting,northing=Northing' },
  );
  add('mapped', 'mapped-bad-syntax', 'csv', `${GEN}\nmb1,2024-03-07,,Robbery,537600,174600\n`, failed('bad_mapping'), {
    mapping: 'date=Date,categoryOffence',
  });
  add('mapped', 'mapped-both-crs', 'csv', `${GEN}\nmc1,2024-03-07,,Robbery,537600,174600\n`, failed('bad_mapping'), {
    mapping: `${MAP},lon=Easting,lat=Northing`,
  });
  add('mapped', 'mapped-unknown-saved', 'csv', `${GEN}\nmu1,2024-03-07,,Robbery,537600,174600\n`, failed('unknown_mapping'), {
    mapping: 'no such mapping',
  });
  add(
    'mapped',
    'mapped-bad-offence-code',
    'csv',
    `Ref,Date,Offence,Code,Lon,Lat\nmoc1,2024-03-07,Robbery,ZZZZZZ,-0.03,51.44\nmoc2,2024-03-07,Robbery,8N,-0.03,51.44\n`,
    { status: 'committed', added: { incidents: 1, coverage: 1 }, rejects: { min: 1, max: 1, codes: ['bad_offence_code'] } },
    { mapping: `${MAPLL.replace('id=Ref,', 'id=Ref,offenceCode=Code,')}` },
  );
  add('mapped', 'mapped-json-file', 'json', baseWardsGeoJson(), failed('wrong_kind'), { kind: 'incidents_csv', mapping: MAP });
  add('mapped', 'boundaries-as-csv', 'csv', `${GEN}\nx,2024-03-07,,Robbery,537600,174600\n`, failed('wrong_kind'), {
    kind: 'boundaries',
  });

  // ---- boundaries (each committed one at a level of its own, so the wards stay as they are) ----
  let lv = 0;
  const level = () => `corpus${++lv}`;
  const wf = (code: string, geometry: unknown, props: Record<string, unknown> = {}) =>
    feature({ WD22CD: code, WD22NM: `Area ${code}`, ...props }, geometry);
  const sq = (i: number) => poly([-0.05 + i * 0.002, 51.43, -0.049 + i * 0.002, 51.431]);
  const committedAreas = (n: number, more: Partial<Expected> = {}): Expected => ({
    status: 'committed',
    added: { areas: n, area_parts: n },
    ...more,
  });
  add(
    'boundaries',
    'geo-good',
    'geojson',
    fc([wf('C1', sq(0)), wf('C2', sq(1))]),
    committedAreas(2, { rejects: { min: 0, max: 0 } }),
    { level: level() },
  );
  add('boundaries', 'geo-same-wards-again', 'geojson', baseWardsGeoJson(), {
    status: 'committed',
    added: {},
    details: { unchanged: 2, removed: 0 },
  });
  add(
    'boundaries',
    'geo-one-ward-of-two',
    'geojson',
    fc([wf(BASE_WARDS[0].code, poly(BASE_WARDS[0].box))]),
    failed('replace_required', /would be removed/),
  );
  const wards19 = (nullFrom: number) =>
    fc(Array.from({ length: 19 }, (_, i) => wf(`E050137${14 + i}`, i < nullFrom ? sq(i) : null)));
  add(
    'boundaries',
    'geo-18-of-19-null',
    'geojson',
    wards19(1),
    failed('replace_required', /18 of the 19 features could not be used/),
  );
  add('boundaries', 'geo-18-of-19-null-new-level', 'geojson', wards19(1), failed('replace_required', /could not be used/), {
    level: level(),
  });
  add(
    'boundaries',
    'geo-1-null-confirmed',
    'geojson',
    fc([wf('R1', sq(0)), wf('R2', null)]),
    committedAreas(1, { rejects: { min: 1, max: 1, codes: ['bad_geometry'] }, details: { rejectedFeatures: 1 } }),
    { level: level(), replace: true },
  );
  add(
    'boundaries',
    'geo-duplicate-code',
    'geojson',
    fc([wf('D1', sq(0)), wf('D1', sq(1))]),
    failed('replace_required', /appears earlier/),
    { level: level() },
  );
  add(
    'boundaries',
    'geo-bowtie-repaired',
    'geojson',
    fc([
      wf('B1', {
        type: 'Polygon',
        coordinates: [
          [
            [-0.05, 51.43],
            [-0.04, 51.44],
            [-0.04, 51.43],
            [-0.05, 51.44],
            [-0.05, 51.43],
          ],
        ],
      }),
    ]),
    { status: 'committed', added: { areas: 1, area_parts: 2 }, details: { repaired: { count: 1 } } },
    { level: level() },
  );
  add(
    'boundaries',
    'geo-hole-outside-shell',
    'geojson',
    fc([wf('H1', { type: 'Polygon', coordinates: [ring([-0.05, 51.43, -0.04, 51.44]), ring([-0.03, 51.43, -0.02, 51.44])] })]),
    { status: 'committed', added: { areas: 1, area_parts: 2 }, details: { repaired: { count: 1 } } },
    { level: level() },
  );
  const badShape = (name: string, geometry: unknown, message: RegExp) =>
    add('boundaries', name, 'geojson', fc([wf('G1', sq(0)), wf('G2', geometry)]), failed('replace_required', message), {
      level: level(),
    });
  badShape(
    'geo-unclosed-ring',
    {
      type: 'Polygon',
      coordinates: [
        [
          [-0.05, 51.43],
          [-0.04, 51.43],
          [-0.04, 51.44],
          [-0.05, 51.44],
        ],
      ],
    },
    /not closed/,
  );
  badShape(
    'geo-two-point-ring',
    {
      type: 'Polygon',
      coordinates: [
        [
          [-0.05, 51.43],
          [-0.05, 51.43],
        ],
      ],
    },
    /2 positions/,
  );
  badShape('geo-empty-ring', { type: 'Polygon', coordinates: [[]] }, /is empty/);
  badShape('geo-empty-polygon', { type: 'Polygon', coordinates: [] }, /empty polygon \(no rings\)/);
  badShape('geo-empty-multipolygon', { type: 'MultiPolygon', coordinates: [] }, /MultiPolygon with no coordinates/);
  badShape(
    'geo-empty-multipolygon-part',
    { type: 'MultiPolygon', coordinates: [[ring([-0.05, 51.43, -0.04, 51.44])], []] },
    /part 2: empty polygon/,
  );
  badShape(
    'geo-zero-area',
    {
      type: 'Polygon',
      coordinates: [
        [
          [-0.05, 51.43],
          [-0.04, 51.43],
          [-0.03, 51.43],
          [-0.05, 51.43],
        ],
      ],
    },
    /no area/,
  );
  badShape('geo-point-in-polygon-file', { type: 'Point', coordinates: [-0.05, 51.43] }, /geometry is Point/);
  badShape(
    'geo-null-coordinate',
    {
      type: 'Polygon',
      coordinates: [
        [
          [-0.05, 51.43],
          [null, 51.43],
          [-0.04, 51.44],
          [-0.05, 51.43],
        ],
      ],
    },
    /not numbers/,
  );
  badShape(
    'geo-whole-world-with-good',
    {
      type: 'Polygon',
      coordinates: [
        [
          [-180, -90],
          [180, -90],
          [180, 90],
          [-180, 90],
          [-180, -90],
        ],
      ],
    },
    /quarter of the globe/,
  );
  add(
    'boundaries',
    'geo-whole-world',
    'geojson',
    fc([
      wf('W1', {
        type: 'Polygon',
        coordinates: [
          [
            [-180, -90],
            [180, -90],
            [180, 90],
            [-180, 90],
            [-180, -90],
          ],
        ],
      }),
    ]),
    failed('no_valid_features', /whole-world/),
    { level: level() },
  );
  add(
    'boundaries',
    'geo-antipodal',
    'geojson',
    fc([
      wf('W2', {
        type: 'Polygon',
        coordinates: [
          [
            [-179, 0],
            [1, 0],
            [1, 1],
            [-179, 1],
            [-179, 0],
          ],
        ],
      }),
    ]),
    failed('no_valid_features', /quarter of the globe/),
    { level: level() },
  );
  add(
    'boundaries',
    'geo-string-coordinates',
    'geojson',
    fc([wf('S1', { type: 'Polygon', coordinates: [ring([-0.05, 51.43, -0.04, 51.44]).map((p) => p.map(String))] })]),
    failed('no_valid_features', /coordinates are text/),
    { level: level() },
  );
  add(
    'boundaries',
    'geo-wkt-geometry',
    'geojson',
    fc([wf('K1', 'POLYGON((-0.05 51.43,-0.04 51.43,-0.04 51.44,-0.05 51.43))')]),
    failed('no_valid_features', /WKT/),
    { level: level() },
  );
  const z = (c: number[][], extra: number[]) => c.map((p) => [...p, ...extra]);
  add(
    'boundaries',
    'geo-3d',
    'geojson',
    fc([wf('Z1', { type: 'Polygon', coordinates: [z(ring([-0.05, 51.43, -0.04, 51.44]), [12.5])] })]),
    committedAreas(1, { details: { zDropped: { count: 1 } } }),
    { level: level() },
  );
  add(
    'boundaries',
    'geo-4d',
    'geojson',
    fc([wf('Z2', { type: 'MultiPolygon', coordinates: [[z(ring([-0.05, 51.43, -0.04, 51.44]), [12.5, 3])]] })]),
    committedAreas(1, { details: { zDropped: { count: 1 } } }),
    { level: level() },
  );
  add(
    'boundaries',
    'geo-bng',
    'geojson',
    fc([wf('N1', poly([537000, 174000, 537500, 174500]))]),
    committedAreas(1, { details: { crs: 'EPSG:27700' } }),
    { level: level() },
  );
  add(
    'boundaries',
    'geo-out-of-range',
    'geojson',
    fc([wf('O1', poly([-0.05, 51.43, -0.04, 51.44])), wf('O2', poly([-0.05, 91, -0.04, 92]))]),
    failed('replace_required', /out of range/),
    { level: level() },
  );
  add(
    'boundaries',
    'geo-unknown-crs',
    'geojson',
    fc([wf('U1', sq(0))], { crs: { type: 'name', properties: { name: 'EPSG:3857' } } }),
    failed('unknown_crs'),
    { level: level() },
  );
  add(
    'boundaries',
    'geo-mercator-coords',
    'geojson',
    fc([wf('U2', poly([-5500, 6700000, -4400, 6701000]))]),
    failed('unknown_crs'),
    { level: level() },
  );
  add(
    'boundaries',
    'geo-duplicate-type-key',
    'geojson',
    `{"type":"FeatureCollection","features":[],"type":"Topology"}`,
    failed('duplicate_key', /"type"/),
  );
  add(
    'boundaries',
    'geo-duplicate-features-key',
    'geojson',
    `{"type":"FeatureCollection","features":[${JSON.stringify(wf('DK', sq(0)))}],"features":[]}`,
    failed('duplicate_key', /"features"/),
    { level: level() },
  );
  add('boundaries', 'geo-truncated', 'geojson', fc([wf('T1', sq(0))]).slice(0, 60), failed('bad_json'));
  add(
    'boundaries',
    'geo-not-featurecollection',
    'geojson',
    JSON.stringify({ type: 'GeometryCollection', geometries: [] }),
    failed('bad_geojson'),
  );
  add('boundaries', 'geo-no-features', 'geojson', fc([]), failed('empty_file'));
  add('boundaries', 'geo-no-properties', 'geojson', fc([feature(null, sq(0))]), failed('no_code_field'));
  add('boundaries', 'geo-no-code-field', 'geojson', fc([feature({ name: 'x' }, sq(0))]), failed('no_code_field'));
  add('boundaries', 'geo-no-level', 'geojson', fc([feature({ code: 'x' }, sq(0))]), failed('no_level'), { codeField: 'code' });
  add(
    'boundaries',
    'geo-bad-level',
    'geojson',
    fc([wf('L1', sq(0))]),
    { ...failed('bad_level'), apiCode: 'invalid_parameter' },
    { level: 'Bad Level!' },
  );
  add('boundaries', 'geo-single-feature', 'geojson', JSON.stringify(wf('F1', sq(0))), committedAreas(1), { level: level() });
  const pts = fc([
    wf('P1', { type: 'Point', coordinates: [-0.03, 51.44] }),
    wf('P2', { type: 'Point', coordinates: [-0.02, 51.45] }),
  ]);
  add('boundaries', 'geo-points-with-level', 'geojson', pts, failed('no_valid_features', /geometry is Point/), {
    level: level(),
  });
  add('boundaries', 'geo-points-kind-boundaries', 'geojson', pts, failed('no_valid_features', /geometry is Point/), {
    kind: 'boundaries',
    level: level(),
  });
  // TopoJSON
  const topo = (
    arcsRef: unknown,
    arcs: unknown = [
      [
        [-0.05, 51.43],
        [-0.04, 51.43],
        [-0.04, 51.44],
        [-0.05, 51.44],
        [-0.05, 51.43],
      ],
    ],
  ) =>
    JSON.stringify({
      type: 'Topology',
      objects: {
        wards: {
          type: 'GeometryCollection',
          geometries: [{ type: 'Polygon', arcs: arcsRef, properties: { WD22CD: 'TP1', WD22NM: 'Topo' } }],
        },
      },
      arcs,
    });
  add('topojson', 'topo-good', 'topojson', topo([[0]]), committedAreas(1), { level: level() });
  add('topojson', 'topo-arc-out-of-range', 'topojson', topo([[7]]), failed('bad_topojson', /arc 7.*1 arcs/), { level: level() });
  add('topojson', 'topo-negative-arc-out-of-range', 'topojson', topo([[-9]]), failed('bad_topojson', /arc -9/), {
    level: level(),
  });
  add(
    'topojson',
    'topo-no-arcs',
    'topojson',
    JSON.stringify({ type: 'Topology', objects: { w: { type: 'GeometryCollection', geometries: [] } } }),
    failed('bad_topojson', /arcs/),
  );
  add('topojson', 'topo-missing-object', 'topojson', topo([[0]]), failed('bad_topojson', /not found/), {
    object: 'nope',
    level: level(),
  });
  add(
    'topojson',
    'topo-3d-arcs',
    'topojson',
    topo(
      [[0]],
      [
        [
          [-0.05, 51.43, 5],
          [-0.04, 51.43, 5],
          [-0.04, 51.44, 5],
          [-0.05, 51.44, 5],
          [-0.05, 51.43, 5],
        ],
      ],
    ),
    committedAreas(1, { details: { zDropped: { count: 1 } } }),
    { level: level() },
  );

  // ---- population ----
  const [w1, w2] = BASE_WARDS.map((w) => w.code);
  // (the base population is loaded: these files update it, they add no rows)
  add(
    'population',
    'pop-good',
    'csv',
    `WD22CD,population\n${w1},12000\n${w2},13000\n`,
    { status: 'committed', added: {}, details: { total: 25000 } },
    { level: 'ward' },
  );
  add(
    'population',
    'pop-unknown-code',
    'csv',
    `WD22CD,population\n${w1},12001\nE05099999,500\n`,
    { status: 'committed', added: {}, rejects: { min: 1, max: 1, codes: ['unknown_code'], lines: [3] } },
    { level: 'ward' },
  );
  add(
    'population',
    'pop-all-unknown',
    'csv',
    `WD22CD,population\nE05099998,12001\nE05099999,500\n`,
    failed('no_valid_rows', /not one of the 2 loaded areas/),
    { level: 'ward' },
  );
  add(
    'population',
    'pop-bad-number',
    'csv',
    `WD22CD,population\n${w1},12 thousand\n${w2},13001\n`,
    { status: 'committed', added: {}, rejects: { min: 1, max: 1, codes: ['bad_population'] } },
    { level: 'ward' },
  );
  add('population', 'pop-no-value-column', 'csv', `WD22CD,people\n${w1},1\n`, failed('no_value_field'), { kind: 'population' });
  add(
    'population',
    'pop-nul-after-64kb',
    'csv',
    `WD22CD,population\n${'x'.repeat(70_000)},1\n${w1},\u0000\n`,
    failed('binary_content', /Line 3/),
    { kind: 'population', level: 'ward' },
  );
  add(
    'population',
    'pop-latin1-after-64kb',
    'csv',
    Buffer.concat([Buffer.from(`WD22CD,population\n${w1},1${' '.repeat(70_000)}\n`), Buffer.from('Caf\u00e9,1\n', 'latin1')]),
    failed('bad_encoding', /Line 3/),
    { kind: 'population', level: 'ward' },
  );
  add(
    'population',
    'pop-unclosed-quote-huge',
    'csv',
    (f: string) => {
      fs.writeFileSync(f, `WD22CD,population\n"${w1},1\n`);
      fs.appendFileSync(f, `${w2},2\n`.repeat(200_000));
    },
    { ...failed('record_too_long'), maxMs: 30_000 },
    { kind: 'population', level: 'ward' },
  );
  add('population', 'lookup-bad-codes', 'csv', 'LSOA21CD,WD24CD\n,E05013714\nX01,E05013714\n', failed('no_valid_rows'));
  add('population', 'centroids-outside-gb', 'csv', 'LSOA21CD,x,y\nE01099995,690000,1250000\n', failed('no_valid_rows'));

  // ---- sites ----
  const HUBS = 'ATCOCode,CommonName,Longitude,Latitude';
  add('sites', 'hubs-swapped', 'csv', `${HUBS}\n490000001,Lewisham,-0.03,51.445\n490000002,Catford,51.444,-0.026\n`, {
    status: 'committed',
    added: { journey_sites: 1 },
    rejects: { min: 1, max: 1, codes: ['swapped_coordinates'], lines: [3] },
  });
  add(
    'sites',
    'hubs-nul-after-64kb',
    'csv',
    `${HUBS}\n490000003,${'L'.repeat(70_000)},-0.0135,51.4657\n490000004,Cat\u0000ford,-0.02,51.44\n`,
    failed('binary_content', /Line 3/),
  );
  add(
    'sites',
    'hubs-geojson-3d',
    'geojson',
    fc([feature({ AtcoCode: '490000005', CommonName: 'Ladywell' }, { type: 'Point', coordinates: [-0.019, 51.456, 20] })]),
    { status: 'committed', added: { journey_sites: 1 } },
  );
  add(
    'sites',
    'schools-no-urn',
    'csv',
    'URN,EstablishmentName,Easting,Northing\n,School,537500,174500\n',
    failed('no_valid_rows'),
  );
  return out;
}

/** Write every file of the corpus into `dir` (created); returns the cases with their file paths. */
export function writeCorpus(dir: string): CorpusCase[] {
  fs.mkdirSync(dir, { recursive: true });
  const names = new Set<string>();
  return corpusCases().map(({ bytes, ext, ...c }) => {
    if (names.has(c.name)) throw new Error(`corpus: two cases named ${c.name}`);
    names.add(c.name);
    const file = path.join(dir, `${c.name}.${ext}`);
    if (typeof bytes === 'function') bytes(file);
    else fs.writeFileSync(file, bytes);
    return { ...c, file };
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('Usage: npx tsx scripts/bad-input-corpus.ts <dir>');
    process.exit(2);
  }
  const cases = writeCorpus(dir);
  for (const c of cases)
    console.log(`${c.category}\t${path.basename(c.file)}\t${c.expected.status}${c.expected.code ? ` ${c.expected.code}` : ''}`);
  console.log(`${cases.length} files in ${dir}`);
}
