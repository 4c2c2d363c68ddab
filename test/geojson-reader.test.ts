// The streaming GeoJSON reader behind boundary imports (issue 2: "a file is never read whole into
// memory"): features are handed over one by one while the file is still being read.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { GeoJsonSyntaxError, readGeoJson } from '../api/imports/geojson-reader.js';
import { importFile } from '../api/imports/index.js';
import type { Db } from '../api/db/index.js';
import { wgs84ToBng } from '../geodata/crs.js';
import { resetData, SHARED, testDb } from './helpers/db.js';

const WARDS = SHARED + 'lewisham_wards_2022.geojson';
const haveShared = fs.existsSync(WARDS);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-geojson-'));
const write = (name: string, text: string) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
};

describe.skipIf(!haveShared)('readGeoJson', () => {
  const wards = () =>
    JSON.parse(fs.readFileSync(WARDS, 'utf8')) as { type: string; features: Array<{ properties: Record<string, unknown> }> };

  it('hands over every feature in order, equal to JSON.parse, with the other members', async () => {
    const doc = wards();
    const got: unknown[] = [];
    const r = await readGeoJson(WARDS, (f, i) => void got.push([i, f]));
    expect(r.features).toBe(doc.features.length);
    expect(got).toEqual(doc.features.map((f, i) => [i, f]));
    expect(r.members.type).toBe('FeatureCollection');
    expect(r.order).toContain('features');
  });

  it('calls back before the rest of the file is parsed (it streams), and a failing callback stops the read', async () => {
    // 2,000 features, then a member after the array: the first callback runs before that member exists.
    const f = { type: 'Feature', properties: { code: 'x' }, geometry: { type: 'Point', coordinates: [0, 51] } };
    const big = write(
      'stream.json',
      `{"type":"FeatureCollection","features":[${Array(2000).fill(JSON.stringify(f)).join(',')}],"name":"after"}`,
    );
    const seenBefore: Array<Record<string, unknown>> = [];
    const r = await readGeoJson(big, (_f, i, before) => void (i === 0 && seenBefore.push({ ...before })));
    expect(seenBefore).toEqual([{ type: 'FeatureCollection' }]);
    expect(r.members).toEqual({ type: 'FeatureCollection', name: 'after' });
    let calls = 0;
    const boom = new Error('stop here');
    await expect(
      readGeoJson(big, (_f, i) => {
        calls++;
        if (i === 9) throw boom;
      }),
    ).rejects.toBe(boom);
    expect(calls).toBe(10);
  });

  it('refuses what is not one JSON object, and truncated files', async () => {
    for (const text of [
      '[1,2]',
      '"x"',
      '{"type":"FeatureCollection","features":[{"type":"Feature"',
      '{"a":1} {"b":2}',
      '{"a":tru}',
      '',
    ]) {
      await expect(
        readGeoJson(write('bad.json', text), () => undefined),
        text,
      ).rejects.toBeInstanceOf(GeoJsonSyntaxError);
    }
  });
});

describe.skipIf(!haveShared)('boundary import through the streaming reader (pglite)', () => {
  let db: Db;
  beforeAll(async () => {
    db = await testDb('pglite');
    await resetData(db);
  });

  it('a crs member after the features must agree with what the coordinates said', async () => {
    const doc = JSON.parse(fs.readFileSync(WARDS, 'utf8'));
    // British National Grid coordinates, crs member last: read as BNG by their range, and the member agrees.
    const bng = {
      type: 'FeatureCollection',
      features: doc.features.map((f: any) => ({
        ...f,
        geometry: {
          type: f.geometry.type,
          coordinates: JSON.parse(JSON.stringify(f.geometry.coordinates), (_k, v) =>
            Array.isArray(v) && typeof v[0] === 'number' ? wgs84ToBng(v[0], v[1]) : v,
          ),
        },
      })),
      crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::27700' } },
    };
    const ok = await importFile(db, write('bng-crs-last.geojson', JSON.stringify(bng)), { kind: 'boundaries', level: 'ward' });
    expect(ok).toMatchObject({ status: 'committed', rowsRead: 19, rejected: 0 });
    expect(ok.details.crs).toBe('EPSG:27700');
    // The checksum is taken in the same read as the features.
    expect(ok.details.sha256).toBe(
      crypto
        .createHash('sha256')
        .update(fs.readFileSync(path.join(dir, 'bng-crs-last.geojson')))
        .digest('hex'),
    );
    // WGS84 coordinates with a BNG crs member after them: refused, nothing changed.
    const before = await db.query('SELECT code, ST_AsText(geom) AS g FROM areas ORDER BY code');
    const wrong = await importFile(
      db,
      write('wgs-crs-last.geojson', JSON.stringify({ type: 'FeatureCollection', features: doc.features, crs: bng.crs })),
      { kind: 'boundaries', level: 'ward' },
    );
    expect(wrong.status).toBe('failed');
    expect(wrong.error?.code).toBe('unknown_crs');
    expect(wrong.error?.message).toMatch(/comes after its features/);
    expect(await db.query('SELECT code, ST_AsText(geom) AS g FROM areas ORDER BY code')).toEqual(before);
  });
});
