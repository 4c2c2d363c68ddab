// Property-based tests (issue 15) of the import parsers and row checks: the CSV reader against csv-parse on
// generated CSVs, the GeoJSON reader against JSON.parse, the row check never throwing, dates round-tripping,
// the header comparison, the polygon and TopoJSON checks.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { parse as parseSync } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { fastRecords, quoteOpenAfter, type Rec } from '../api/imports/fast-records.js';
import { readGeoJson } from '../api/imports/geojson-reader.js';
import { checkTopology, polygonProblem } from '../api/imports/boundaries.js';
import { ImportError } from '../api/imports/errors.js';
import { POLICE_UK_HEADER } from '../api/imports/sniff.js';
import { describeHeaderDifference } from '../geodata/csv-header.js';
import { parseWhen } from '../geodata/dates.js';
import { POLICE_UK_STREET_MAPPING, resolveMapping, toIncident, type ResolvedMapping } from '../geodata/incident-rows.js';

async function read(text: string | Buffer, chunk = 7) {
  const b = Buffer.from(text);
  async function* src() {
    for (let i = 0; i < b.length; i += chunk) yield b.subarray(i, i + chunk);
  }
  const recs: Rec[] = [];
  const skips: { code?: string; lines?: number }[] = [];
  for await (const r of fastRecords(src(), (e) => skips.push({ code: e.code, lines: e.lines }))) recs.push(r);
  return { recs, skips };
}

const field = fc.stringMatching(/^[a-z ,"\n]{0,8}$/);
const quote = (f: string, force: boolean) => (force || /[,"\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f);
const csvDoc = fc.array(
  fc.tuple(fc.array(field, { minLength: 2, maxLength: 5 }), fc.array(fc.boolean(), { minLength: 5, maxLength: 5 })),
  { minLength: 1, maxLength: 15 },
);

describe('the CSV reader (fast-records.ts)', () => {
  it('reads generated CSVs exactly as csv-parse does, records and lines, whatever the chunking', async () => {
    await fc.assert(
      fc.asyncProperty(csvDoc, fc.integer({ min: 1, max: 40 }), async (rows, chunk) => {
        const text = rows.map(([fs_, force]) => fs_.map((f, i) => quote(f, force[i])).join(',')).join('\n') + '\n';
        const want = parseSync(text, {
          relax_column_count: true,
          relax_quotes: true,
          skip_empty_lines: true,
          info: true,
        }) as unknown as { record: string[]; info: { lines: number } }[];
        const { recs, skips } = await read(text, chunk);
        expect(skips).toEqual([]);
        expect(recs.map((r) => r.record)).toEqual(want.map((w) => w.record));
        expect(recs.map((r) => r.info.lines)).toEqual(want.map((w) => w.info.lines));
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary text (with a skip handler), and reports skips on lines of the text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[a-z,"\r\n]{0,200}$/), fc.integer({ min: 1, max: 30 }), async (text, chunk) => {
        const { recs, skips } = await read(text, chunk);
        const lines = text.split('\n').length;
        // (csv-parse may split a quoted line at a bare CR, so records are bounded by lines + CRs)
        expect(recs.length + skips.length).toBeLessThanOrEqual(lines + text.split('\r').length - 1);
        for (const s of skips) expect(s.lines).toBeGreaterThan(0);
        for (const s of skips) expect(s.lines).toBeLessThanOrEqual(lines);
      }),
      { numRuns: 300 },
    );
  });

  it('tracks an open quote as csv-parse does on single lines', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a,"]{0,12}$/), (s) => {
        let open = false;
        parseSync(s, {
          relax_column_count: true,
          relax_quotes: true,
          skip_records_with_error: true,
          on_skip: (e) => {
            if ((e as { code?: string }).code === 'CSV_QUOTE_NOT_CLOSED') open = true;
          },
        });
        // csv-parse rejects a closing quote followed by text; the scanner then says "closed" (the record is then parsed and rejected).
        if (!/"[^,"]/.test(s.replace(/""/g, ''))) expect(quoteOpenAfter(s, false)).toBe(open);
      }),
      { numRuns: 500 },
    );
  });

  it('bounds a lone quote: its line is rejected and the lines after it are read', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 101, max: 400 }), async (at, n) => {
        const lines = Array.from({ length: n }, (_, i) => (i === at % n ? `x${i},"open` : `x${i},b`));
        const { recs, skips } = await read(lines.join('\n') + '\n', 64);
        const bad = at % n;
        if (n - bad > 1) {
          expect(skips).toEqual([{ code: 'unclosed_quote', lines: bad + 1 }]);
          expect(recs).toHaveLength(n - 1);
        } else expect(skips).toHaveLength(1);
      }),
      { numRuns: 40 },
    );
  });
});

describe('the GeoJSON reader', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-prop-geo-'));
  it('hands over exactly the features JSON.parse sees, and the other members', async () => {
    let n = 0;
    const feature = fc.record({
      type: fc.constant('Feature'),
      properties: fc.option(fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 })),
      geometry: fc.jsonValue({ maxDepth: 3 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(feature, { maxLength: 6 }),
        fc.dictionary(fc.constantFrom('name', 'crs', 'bbox'), fc.jsonValue({ maxDepth: 2 })),
        async (features, extra) => {
          const file = path.join(tmp, `${n++}.json`);
          const doc = { type: 'FeatureCollection', ...extra, features };
          fs.writeFileSync(file, JSON.stringify(doc));
          const got: unknown[] = [];
          const r = await readGeoJson(file, (f) => void got.push(f));
          expect(got).toEqual(JSON.parse(JSON.stringify(features)));
          expect(r.members).toEqual(JSON.parse(JSON.stringify({ type: 'FeatureCollection', ...extra })));
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('row checks', () => {
  const rm = resolveMapping(POLICE_UK_STREET_MAPPING, POLICE_UK_HEADER) as ResolvedMapping;
  it('toIncident never throws: always a record or a reason', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string({ maxLength: 30 }),
            fc.constantFrom('2024-01', '-0.03', '51.44', '51.4', '-0.02', 'Burglary', '0', ''),
          ),
          { minLength: 0, maxLength: 14 },
        ),
        (fields) => {
          const r = toIncident(fields, rm);
          if (r.ok) {
            expect(Number.isFinite(r.rec.lon) && Number.isFinite(r.rec.lat)).toBe(true);
            expect(r.rec.occurredAt).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
          } else {
            expect(r.code).toMatch(/^[a-z_]+$/);
            expect(r.reason.length).toBeGreaterThan(3);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('rejects a month after the import month and any lon/lat that is swapped in Great Britain', () => {
    const now = new Date('2026-12-06T12:00:00Z');
    const latest = { civil: '2026-12-07 12:00:00', month: '2026-12-01 00:00:00' };
    fc.assert(
      fc.property(fc.integer({ min: 2027, max: 2100 }), fc.integer({ min: 1, max: 12 }), (y, m) => {
        const f = POLICE_UK_HEADER.map(
          (h) =>
            (
              ({
                Month: `${y}-${String(m).padStart(2, '0')}`,
                Longitude: '-0.03',
                Latitude: '51.44',
                'Crime type': 'Burglary',
              }) as Record<string, string>
            )[h] ?? '',
        );
        expect(toIncident(f, rm, latest)).toMatchObject({ ok: false, code: 'future_date' });
      }),
      { numRuns: 100 },
    );
    void now;
    fc.assert(
      fc.property(fc.double({ min: 49.9, max: 60.9, noNaN: true }), fc.double({ min: -8.9, max: 2, noNaN: true }), (lat, lon) => {
        const f = POLICE_UK_HEADER.map(
          (h) =>
            (
              ({ Month: '2024-01', Longitude: String(lat), Latitude: String(lon), 'Crime type': 'Burglary' }) as Record<
                string,
                string
              >
            )[h] ?? '',
        );
        expect(toIncident(f, rm, latest)).toMatchObject({ ok: false, code: 'swapped_coordinates' });
      }),
      { numRuns: 200 },
    );
  });

  it('dates round-trip: ISO, UK and month forms give back the same civil time', () => {
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:00Z'), noInvalidDate: true }),
        (d) => {
          const [y, mo, da, h, mi] = [
            d.getUTCFullYear(),
            d.getUTCMonth() + 1,
            d.getUTCDate(),
            d.getUTCHours(),
            d.getUTCMinutes(),
          ];
          const civil = `${y}-${pad(mo)}-${pad(da)} ${pad(h)}:${pad(mi)}:00`;
          expect(parseWhen(`${y}-${pad(mo)}-${pad(da)}T${pad(h)}:${pad(mi)}`)).toEqual({ civil, precision: 'minute' });
          expect(parseWhen(`${da}/${mo}/${y}`, `${pad(h)}:${pad(mi)}`)).toEqual({ civil, precision: 'minute' });
          expect(parseWhen(`${y}-${pad(mo)}-${pad(da)}`)).toEqual({ civil: `${civil.slice(0, 10)} 00:00:00`, precision: 'day' });
          expect(parseWhen(`${y}-${mo}`)).toEqual({ civil: `${y}-${pad(mo)}-01 00:00:00`, precision: 'month' });
        },
      ),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.option(fc.string({ maxLength: 8 }), { nil: undefined }), (s, t) => {
        const r = parseWhen(s, t);
        expect(typeof r === 'string' ? r.length > 0 : /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(r.civil)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('a header that differs from police.uk is always described, one that matches never', () => {
    expect(describeHeaderDifference([...POLICE_UK_HEADER], POLICE_UK_HEADER)).toBe('');
    fc.assert(
      fc.property(
        fc.shuffledSubarray(POLICE_UK_HEADER),
        fc.array(fc.constantFrom('Notes', 'crime id', 'Month ', 'X'), { maxLength: 2 }),
        (cols, extra) => {
          const h = [...cols, ...extra];
          const same = h.length === POLICE_UK_HEADER.length && h.every((x, i) => x === POLICE_UK_HEADER[i]);
          expect(describeHeaderDifference(h, POLICE_UK_HEADER) === '').toBe(same);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('geometry checks', () => {
  it('polygonProblem never throws on any value, and accepts closed rings of 4+ numeric positions', () => {
    fc.assert(
      fc.property(fc.constantFrom('Polygon', 'MultiPolygon'), fc.jsonValue({ maxDepth: 5 }), (t, c) => {
        const r = polygonProblem(t, c);
        if (r) expect(r.reason.length).toBeGreaterThan(3);
      }),
      { numRuns: 1000 },
    );
    const pos = fc.tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }));
    fc.assert(
      fc.property(fc.array(pos, { minLength: 3, maxLength: 8 }), (ps) => {
        expect(polygonProblem('Polygon', [[...ps, ps[0]]])).toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  it('checkTopology throws only ImportErrors, on any arcs and objects', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 5 }), (arcs, obj) => {
        try {
          checkTopology({ type: 'Topology', arcs, objects: { o: obj } }, 'o');
        } catch (e) {
          expect(e).toBeInstanceOf(ImportError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
