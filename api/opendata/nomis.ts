// Nomis API: Census 2021 usual residents per LSOA (dataset NM_2021_1, TS001, "total" residence type),
// geography `<LAD code>TYPE151` (the LSOAs 2021 of a local authority). A data.csv answer silently stops at
// a cap that depends on the caller (25,000 rows for guests, 100,000 with an API key, smaller on a stand-in
// server), so it is read in pages with RecordOffset until every LSOA expected (from the ONS lookup) has its
// value, or a page comes back empty. A short page is never taken as the end: assuming a 25,000 cap against a server cutting at 100 silently
// lost 75 of Lewisham's 175 LSOAs (their population then came from elsewhere, and differed from the file).
// LSOAs expected but not answered are an error, never a silent gap.
import { parse } from 'csv-parse/sync';
import { FetchError, request, type HttpOptions } from './http.js';
import { GSS_CODE } from './ons.js';

export const NOMIS_DATASET = 'NM_2021_1';
/** Rows Nomis returns at most per call to a guest (documentation; the client does not rely on it). */
export const NOMIS_CAP = 25_000;
const LSOA_CODE = /^[EW]01\d{6}$/;

export interface NomisOptions extends HttpOptions {
  baseUrl: string;
}

export function nomisUrl(o: NomisOptions, lads: string[], offset: number) {
  const bad = lads.find((c) => !GSS_CODE.test(c));
  if (bad !== undefined) throw new FetchError('bad_code', `"${bad.slice(0, 20)}" is not a local authority code.`);
  const params = new URLSearchParams({
    date: 'latest',
    geography: lads.map((c) => `${c}TYPE151`).join(','),
    c2021_restype_3: '0',
    measures: '20100',
    select: 'geography_code,obs_value',
    RecordOffset: String(offset),
  });
  return `${o.baseUrl}/api/v01/dataset/${NOMIS_DATASET}.data.csv?${params}`;
}

/**
 * Usual residents per LSOA of the given local authorities. `expected`: the LSOA codes the ONS lookup gives for
 * them; each must come back with a value.
 */
export async function lsoaPopulation(
  o: NomisOptions,
  lads: string[],
  expected: string[],
): Promise<Array<{ lsoa: string; population: number }>> {
  const out = new Map<string, number>();
  for (let offset = 0, page = 0; ; page++) {
    if (page > 1000) throw new FetchError('bad_answer', 'Nomis: paging does not end.');
    const a = await request(nomisUrl(o, lads, offset), {}, o);
    if (a.status !== 200) throw new FetchError('remote_error', `Nomis: HTTP ${a.status}.`, a.status);
    let records: string[][];
    try {
      records = parse(a.body, { relax_column_count: false, skip_empty_lines: true, bom: true }) as string[][];
    } catch (e) {
      throw new FetchError('bad_answer', `Nomis: the answer is not CSV (${(e as Error).message.slice(0, 100)}).`);
    }
    const header = (records.shift() ?? []).map((h) => h.trim().toUpperCase());
    if (!records.length) break; // past the end: Nomis answers the header alone (or nothing)
    const ci = header.indexOf('GEOGRAPHY_CODE'),
      vi = header.indexOf('OBS_VALUE');
    if (ci < 0 || vi < 0)
      throw new FetchError(
        'bad_answer',
        `Nomis: expected GEOGRAPHY_CODE and OBS_VALUE columns, got ${header.join(', ').slice(0, 120)}.`,
      );
    for (const r of records) {
      const code = (r[ci] ?? '').trim(),
        v = (r[vi] ?? '').trim();
      if (!LSOA_CODE.test(code)) throw new FetchError('bad_answer', `Nomis: "${code.slice(0, 20)}" is not an LSOA code.`);
      if (!/^\d{1,9}$/.test(v))
        throw new FetchError('bad_answer', `Nomis: population "${v.slice(0, 20)}" for ${code} is not a whole number.`);
      if (out.has(code) && out.get(code) !== +v)
        throw new FetchError('bad_answer', `Nomis: ${code} comes twice with different values.`);
      out.set(code, +v);
    }
    offset += records.length;
    if (expected.every((c) => out.has(c))) break; // everything asked for (one request for a borough)
  }
  const missing = expected.filter((c) => !out.has(c));
  if (missing.length)
    throw new FetchError(
      'incomplete_answer',
      `Nomis gave no population for ${missing.length} of ${expected.length} LSOAs (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}).`,
    );
  return [...out].map(([lsoa, population]) => ({ lsoa, population })).sort((a, b) => a.lsoa.localeCompare(b.lsoa));
}
