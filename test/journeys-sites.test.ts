// Transport hubs (and schools) in the other formats issue 5 names, on both drivers: GeoJSON in British
// National Grid (CRS declared, or detected from the numbers) and a WGS84 CSV, built here from the real
// NaPTAN stations file; and the study area (the union of the real Lewisham wards; hubs may lie up to
// HUB_MARGIN_M beyond it, schools not at all), with fixture points placed by Turf just beyond the
// borough's easternmost point, where nothing of the borough can be nearer than the offset itself.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { destination, explode, point as turfPoint, pointToPolygonDistance, union as turfUnion } from '@turf/turf';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../api/db/index.js';
import { importFile } from '../api/imports/index.js';
import { HUB_MARGIN_M } from '../api/imports/sites.js';
import { bngToWgs84, wgs84ToBng } from '../geodata/crs.js';
import { drivers, resetData, SHARED, testDb } from './helpers/db.js';
import { tmpFile } from './helpers/files.js';

const STATIONS = path.join(SHARED, 'lewisham_rail_stations_naptan.csv');
const WARDS = path.join(SHARED, 'lewisham_wards_2022.geojson');
const hasData = fs.existsSync(STATIONS) && fs.existsSync(WARDS);

type Station = { AtcoCode: string; StationName: string; Easting: string; Northing: string };
const stations = hasData ? (parse(fs.readFileSync(STATIONS), { columns: true }) as Station[]) : [];
const wards = hasData ? (JSON.parse(fs.readFileSync(WARDS, 'utf8')) as FeatureCollection<Polygon | MultiPolygon>) : null;

const pointFeature = (props: Record<string, unknown>, coordinates: number[]) => ({
  type: 'Feature',
  properties: props,
  geometry: { type: 'Point', coordinates },
});
const csv = (header: string[], rows: (string | number)[][]) =>
  [header.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n';

/** Points `km` east of the borough's easternmost vertex: outside, and exactly that far from the borough. */
function eastOfBorough(km: number): [number, number] {
  const vertices = explode(wards!).features.map((f) => f.geometry.coordinates);
  const east = vertices.reduce((a, b) => (b[0] > a[0] ? b : a));
  return destination(turfPoint(east), km, 90, { units: 'kilometers' }).geometry.coordinates as [number, number];
}

describe.skipIf(!hasData).each(drivers())('school and hub sites in other formats and the study area (%s)', (driver) => {
  let db: Db;
  const stored = async () =>
    new Map(
      (
        await db.query<{ source_id: string; name: string; lon: number; lat: number }>(
          `SELECT source_id, name, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM journey_sites WHERE kind = 'hub'`,
        )
      ).map((r) => [r.source_id, r] as const),
    );

  beforeAll(async () => {
    db = await testDb(driver);
    await resetData(db);
    expect((await importFile(db, WARDS, { level: 'ward' })).status).toBe('committed');
  });
  beforeEach(async () => {
    await db.exec('TRUNCATE journey_sites, journey_routes, journey_segments RESTART IDENTITY CASCADE');
  });

  it('imports hubs from GeoJSON in British National Grid, with the CRS declared or detected from the numbers', async () => {
    const features = stations.map((s) =>
      pointFeature({ AtcoCode: s.AtcoCode, StationName: s.StationName }, [Number(s.Easting), Number(s.Northing)]),
    );
    const declared = tmpFile(
      'stations-bng-declared.geojson',
      JSON.stringify({
        type: 'FeatureCollection',
        crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::27700' } },
        features,
      }),
    );
    const s = await importFile(db, declared);
    expect(s).toMatchObject({
      status: 'committed',
      kind: 'hubs',
      rowsRead: stations.length,
      imported: stations.length,
      rejected: 0,
    });
    const got = await stored();
    expect(got.size).toBe(stations.length);
    for (const st of stations) {
      const [lon, lat] = bngToWgs84(Number(st.Easting), Number(st.Northing));
      const g = got.get(st.AtcoCode)!;
      expect(g.name).toBe(st.StationName);
      expect(g.lon).toBeCloseTo(lon, 7);
      expect(g.lat).toBeCloseTo(lat, 7);
      // The conversion agrees with the inverse one (wgs84ToBng) to a centimetre.
      const [e, n] = wgs84ToBng(g.lon, g.lat);
      expect(Math.hypot(e - Number(st.Easting), n - Number(st.Northing))).toBeLessThan(0.01);
    }
    // Without the crs member the numbers (out of degree range) say BNG: the same points, so nothing changes.
    const detected = await importFile(
      db,
      tmpFile('stations-bng.geojson', JSON.stringify({ type: 'FeatureCollection', features })),
    );
    expect(detected).toMatchObject({ status: 'committed', kind: 'hubs', imported: 0, duplicates: stations.length, rejected: 0 });
  });

  it('imports hubs from a WGS84 CSV (Longitude/Latitude columns), at the same places as the BNG file', async () => {
    const rows = stations.map((s) => {
      const [lon, lat] = bngToWgs84(Number(s.Easting), Number(s.Northing));
      return [s.AtcoCode, `"${s.StationName}"`, lon.toFixed(7), lat.toFixed(7)];
    });
    const s = await importFile(
      db,
      tmpFile('stations-wgs84.csv', csv(['AtcoCode', 'StationName', 'Longitude', 'Latitude'], rows)),
    );
    expect(s).toMatchObject({
      status: 'committed',
      kind: 'hubs',
      rowsRead: stations.length,
      imported: stations.length,
      rejected: 0,
    });
    const got = await stored();
    for (const [id, , lon, lat] of rows) {
      expect(got.get(id)!.lon).toBeCloseTo(Number(lon), 7);
      expect(got.get(id)!.lat).toBeCloseTo(Number(lat), 7);
    }
    // The BNG GeoJSON of the same stations lands within a centimetre or so (7 decimals of a degree): unchanged
    // except for that rounding, so every row is an update, none new.
    const bng = stations.map((st) =>
      pointFeature({ AtcoCode: st.AtcoCode, StationName: st.StationName }, [Number(st.Easting), Number(st.Northing)]),
    );
    const again = await importFile(
      db,
      tmpFile('stations-bng-2.geojson', JSON.stringify({ type: 'FeatureCollection', features: bng })),
    );
    expect(again).toMatchObject({ status: 'committed', rejected: 0 });
    const after = await stored();
    expect(after.size).toBe(stations.length);
    for (const [id, , lon, lat] of rows) {
      expect(Math.abs(after.get(id)!.lon - Number(lon))).toBeLessThanOrEqual(5e-8);
      expect(Math.abs(after.get(id)!.lat - Number(lat))).toBeLessThanOrEqual(5e-8);
    }
  });

  it(`keeps hubs up to ${HUB_MARGIN_M} m beyond the borough and rejects farther ones with their line, in both formats; schools get no margin`, async () => {
    const borough = turfUnion(wards!)!;
    const near = eastOfBorough(HUB_MARGIN_M / 2000); // half the margin
    const far = eastOfBorough((HUB_MARGIN_M * 3) / 1000); // three times the margin
    // The fixtures' premise, checked independently: near is outside but within the margin, far beyond it.
    const dNear = pointToPolygonDistance(turfPoint(near), borough, { units: 'meters' });
    const dFar = pointToPolygonDistance(turfPoint(far), borough, { units: 'meters' });
    expect(dNear).toBeGreaterThan(0.4 * HUB_MARGIN_M);
    expect(dNear).toBeLessThan(0.6 * HUB_MARGIN_M);
    expect(dFar).toBeGreaterThan(2 * HUB_MARGIN_M);
    const real = stations[0];
    const [rLon, rLat] = bngToWgs84(Number(real.Easting), Number(real.Northing));

    // WGS84 CSV: header line 1, then the real station (2), near (3), far (4), 0,0 (5).
    const c = await importFile(
      db,
      tmpFile(
        'hubs-margin.csv',
        csv(
          ['AtcoCode', 'CommonName', 'Longitude', 'Latitude'],
          [
            [real.AtcoCode, `"${real.StationName}"`, rLon.toFixed(7), rLat.toFixed(7)],
            ['NEAR1', 'Just over', ...near.map((v) => v.toFixed(7))],
            ['FAR1', 'Too far', ...far.map((v) => v.toFixed(7))],
            ['ZERO1', 'Nowhere', 0, 0],
          ],
        ),
      ),
    );
    expect(c).toMatchObject({ status: 'committed', kind: 'hubs', rowsRead: 4, imported: 2, rejected: 2, outsideStudyArea: 1 });
    expect(c.rejects.map((r) => [r.line, r.code])).toEqual([
      [4, 'outside_study_area'],
      [5, 'no_location'],
    ]);
    expect(c.rejects[0].reason).toContain('FAR1');
    expect([...(await stored()).keys()].sort()).toEqual([real.AtcoCode, 'NEAR1'].sort());

    // GeoJSON in BNG: feature numbers 1..4, the same outcome.
    await db.exec('TRUNCATE journey_sites RESTART IDENTITY CASCADE');
    const bng = (p: [number, number]) => wgs84ToBng(p[0], p[1]);
    const g = await importFile(
      db,
      tmpFile(
        'hubs-margin-bng.geojson',
        JSON.stringify({
          type: 'FeatureCollection',
          features: [
            pointFeature({ AtcoCode: real.AtcoCode, StationName: real.StationName }, [
              Number(real.Easting),
              Number(real.Northing),
            ]),
            pointFeature({ AtcoCode: 'NEAR2' }, bng(near)),
            pointFeature({ AtcoCode: 'FAR2' }, bng(far)),
            pointFeature({ AtcoCode: 'ZERO2' }, [0, 0]),
          ],
        }),
      ),
    );
    expect(g).toMatchObject({ status: 'committed', kind: 'hubs', rowsRead: 4, imported: 2, rejected: 2, outsideStudyArea: 1 });
    expect(g.rejects.map((r) => [r.line, r.code])).toEqual([
      [3, 'outside_study_area'],
      [4, 'no_location'],
    ]);
    const nearStored = (await stored()).get('NEAR2')!;
    expect(nearStored.lon).toBeCloseTo(near[0], 6);
    expect(nearStored.lat).toBeCloseTo(near[1], 6);

    // A school at the hub's "near" point is outside the study area: schools must lie in the borough.
    const [e, n] = bng(near);
    const schools = await importFile(
      db,
      tmpFile(
        'schools-margin.csv',
        csv(
          ['URN', 'EstablishmentName', 'Easting', 'Northing'],
          [
            ['900001', 'Inside school', real.Easting, real.Northing],
            ['900002', 'Over the boundary school', e.toFixed(0), n.toFixed(0)],
          ],
        ),
      ),
    );
    expect(schools).toMatchObject({ status: 'committed', kind: 'schools', imported: 1, rejected: 1, outsideStudyArea: 1 });
    expect(schools.rejects.map((r) => [r.line, r.code, r.reason.split(':')[0]])).toEqual([[3, 'outside_study_area', '900002']]);
  });
});
