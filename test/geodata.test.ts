// Unit tests of pure geodata functions.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import * as turf from '@turf/turf';
import { cellToParent, latLngToCell } from 'h3-js';
import { matchCategory, slugify } from '../geodata/categories.js';
import { bngToWgs84, parseCrsName } from '../geodata/crs.js';
import { parseWhen } from '../geodata/dates.js';
import { cellsFor } from '../geodata/h3.js';
import { POLICE_UK_STREET_MAPPING, resolveMapping, toIncident } from '../geodata/incident-rows.js';
import { detectCsvKind, parseHeaderLine, POLICE_UK_HEADER } from '../api/imports/sniff.js';
import { SHARED } from './helpers/shared.js';

const haveShared = fs.existsSync(SHARED);

describe('dates', () => {
  it('keeps police.uk months at month precision', () => {
    expect(parseWhen('2024-01')).toEqual({ civil: '2024-01-01 00:00:00', precision: 'month' });
  });
  it('reads ISO and UK day formats, with and without times', () => {
    expect(parseWhen('2024-03-05')).toEqual({ civil: '2024-03-05 00:00:00', precision: 'day' });
    expect(parseWhen('05/03/2024')).toEqual({ civil: '2024-03-05 00:00:00', precision: 'day' });
    expect(parseWhen('05/03/2024 7:04')).toEqual({ civil: '2024-03-05 07:04:00', precision: 'minute' });
    expect(parseWhen('2024-03-05', '16:30')).toEqual({ civil: '2024-03-05 16:30:00', precision: 'minute' });
  });
  it('converts instants with offsets to London civil time across the DST change', () => {
    // 31 March 2024: clocks go forward at 01:00 UTC.
    expect(parseWhen('2024-03-31T00:30:00Z')).toEqual({ civil: '2024-03-31 00:30:00', precision: 'minute' });
    expect(parseWhen('2024-03-31T01:30:00Z')).toEqual({ civil: '2024-03-31 02:30:00', precision: 'minute' });
    expect(parseWhen('2024-07-01T12:00:00+02:00')).toEqual({ civil: '2024-07-01 11:00:00', precision: 'minute' });
  });
  it('rejects impossible and unrecognised dates with a reason', () => {
    expect(parseWhen('2023-02-29')).toMatch(/not a real date/);
    expect(parseWhen('2024-13')).toMatch(/bad month/);
    expect(parseWhen('yesterday')).toMatch(/unrecognised date/);
    expect(parseWhen('')).toMatch(/empty/);
    expect(parseWhen('2024-01-01', '25:00')).toMatch(/bad time/);
  });
});

describe('categories', () => {
  it('maps police.uk labels and API slugs to one slug', () => {
    expect(matchCategory('Violence and sexual offences')?.slug).toBe('violent-crime');
    expect(matchCategory('violent-crime')?.slug).toBe('violent-crime');
    expect(matchCategory('Anti-social behaviour')).toMatchObject({ slug: 'anti-social-behaviour', custom: false });
  });
  it('keeps other categories as custom slugs', () => {
    expect(matchCategory('Knife crime – serious')).toMatchObject({ slug: 'knife-crime-serious', custom: true });
    expect(slugify('Robbery & Theft')).toBe('robbery-and-theft');
    expect(matchCategory('  ')).toBeUndefined();
  });
});

describe('coordinates and H3', () => {
  it('recognises CRS names', () => {
    expect(parseCrsName('urn:ogc:def:crs:OGC:1.3:CRS84')).toBe('EPSG:4326');
    expect(parseCrsName('urn:ogc:def:crs:EPSG::27700')).toBe('EPSG:27700');
    expect(parseCrsName('EPSG:3857')).toBeUndefined();
  });
  // GIAS gives each school's BNG easting/northing and, independently, its LSOA (from its postcode).
  // A wrong projection or datum (OSGB36 vs WGS84 is ~100 m here) would move schools out of them.
  it.skipIf(!haveShared)('puts GIAS schools (BNG) inside, or within 50 m of, the LSOA GIAS names for them', () => {
    const schools = parse(fs.readFileSync(SHARED + 'lewisham_schools_gias_open_20250524.csv'), { columns: true }) as Record<
      string,
      string
    >[];
    const lsoas = JSON.parse(fs.readFileSync(SHARED + 'lewisham_lsoa21.geojson', 'utf8'));
    const byCode = new Map(lsoas.features.map((f: any) => [f.properties.LSOA21CD, f]));
    let checked = 0,
      inside = 0,
      exact = 0;
    for (const s of schools) {
      const f = byCode.get(s.lsoa_code);
      if (!f || s.easting === '0') continue;
      checked++;
      const p = turf.point(bngToWgs84(+s.easting, +s.northing));
      if (turf.booleanPointInPolygon(p, f as any)) exact++;
      if (turf.booleanPointInPolygon(p, f as any) || turf.pointToPolygonDistance(p, f as any, { units: 'meters' }) < 50) inside++;
    }
    expect(checked).toBeGreaterThan(80);
    expect(exact / checked).toBeGreaterThan(0.85); // postcode-based LSOAs differ at edges
    expect(inside / checked).toBeGreaterThan(0.95);
  });
  it('indexes each resolution from the point itself, not as the parent of the finest cell', () => {
    // At this point the res-10 cell's parent is not the res-9 cell containing the point.
    const [c7, c8, c9, c10] = cellsFor(51.4452, -0.0209);
    expect([c7, c8, c9, c10]).toEqual([7, 8, 9, 10].map((r) => latLngToCell(51.4452, -0.0209, r)));
    expect(cellToParent(c10, 9)).not.toBe(c9);
  });
});

describe('row checks', () => {
  const rm = resolveMapping(POLICE_UK_STREET_MAPPING, POLICE_UK_HEADER);
  if (typeof rm === 'string') throw new Error(rm);
  const row = (over: Partial<Record<string, string>>) =>
    POLICE_UK_HEADER.map(
      (h) =>
        over[h] ??
        ({ Month: '2024-01', Longitude: '-0.02', Latitude: '51.45', 'Crime type': 'Robbery' } as Record<string, string>)[h] ??
        '',
    );
  it('accepts a police.uk row as a month-precision, snapped incident', () => {
    const r = toIncident(row({}), rm);
    expect(r.ok && r.rec).toMatchObject({ precision: 'month', locationPrecision: 'snapped', category: { slug: 'robbery' } });
  });
  it('rejects out-of-range, missing and non-numeric coordinates with reasons', () => {
    expect(toIncident(row({ Latitude: '91' }), rm)).toMatchObject({ ok: false, code: 'bad_coordinates' });
    expect(toIncident(row({ Longitude: '', Latitude: '' }), rm)).toMatchObject({ ok: false, code: 'no_location' });
    expect(toIncident(row({ Longitude: 'abc' }), rm)).toMatchObject({ ok: false, code: 'bad_coordinates' });
    expect(toIncident(row({ Month: '2024-1x' }), rm)).toMatchObject({ ok: false, code: 'bad_date' });
  });
  it('reports mapped columns missing from the header', () => {
    expect(resolveMapping({ ...POLICE_UK_STREET_MAPPING, date: 'When' }, POLICE_UK_HEADER)).toMatch(/date → "When"/);
  });
});

describe('file kind detection', () => {
  it('recognises the police.uk header, the API layout and population files', () => {
    expect(detectCsvKind(POLICE_UK_HEADER)).toBe('police_uk_street');
    expect(detectCsvKind(parseHeaderLine('month,category,location_type,latitude,longitude,id'))).toBe('incidents_csv');
    expect(detectCsvKind(parseHeaderLine('"LSOA21CD","LSOA21NM","usual_residents_total"'))).toBe('population');
    expect(detectCsvKind(['Crime ID', 'Month'])).toBeUndefined();
  });
});
