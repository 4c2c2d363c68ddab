// Issue 11, "the H3 study area loses no incident inside it", on real data from two boroughs: Lewisham (2022
// wards in WGS84, police.uk burglary 2022-03..2025-02) and Hackney (2024 wards in British National Grid,
// police.uk burglary of the same months), each loaded with the real importer. Expectations come from outside
// the code under test: which incidents lie in a ward is PostGIS ST_Intersects against the stored ward
// polygons (checked against the ward assigned at import), an incident's cell is h3-js latLngToCell of its
// point, and whether a cell lies inside the study area or is cut by its boundary is PostGIS ST_CoveredBy /
// ST_Intersects of the h3-js hexagon against ST_Union of the wards.
import fs from 'node:fs';
import path from 'node:path';
import { cellToBoundary, latLngToCell, polygonToCells } from 'h3-js';
import type { MultiPolygon } from 'geojson';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db, Queryable } from '../api/db/index.js';
import { h3Units } from '../api/hotspots/units.js';
import { importFile } from '../api/imports/index.js';
import { getJson, signedInApp, type Client } from './helpers/auth.js';
import { drivers, resetData, SHARED, testDb } from './helpers/db.js';

const BOROUGHS = [
  {
    name: 'Lewisham (WGS84 wards)',
    wards: 'lewisham_wards_2022.geojson',
    crimes: 'lewisham_burglary_street_2022-03_2025-02.csv',
  },
  {
    name: 'Hackney (British National Grid wards)',
    wards: 'hackney_wards_2024_bng.geojson',
    crimes: 'hackney_burglary_street_2022-03_2025-02.csv',
  },
].map((b) => ({ ...b, wards: path.join(SHARED, b.wards), crimes: path.join(SHARED, b.crimes) }));
const hasData = BOROUGHS.every((b) => fs.existsSync(b.wards) && fs.existsSync(b.crimes));
if (!hasData) console.log('SKIPPED: study-area tests (the Lewisham/Hackney burglary files are not in ../shared/data)');

// The whole of both files: 36 months.
const FROM = '2022-03';
const TO = '2025-03';
const RESOLUTIONS = [7, 8, 9, 10] as const;

interface Incident {
  lon: number;
  lat: number;
  /** In some ward polygon, by PostGIS here. */
  inside: boolean;
  /** The ward the importer assigned. */
  ward_code: string | null;
}

/** Every incident with its position and, independently, whether a stored ward polygon contains it. */
const incidentsSql = `
SELECT i.lon, i.lat, i.ward_code,
       EXISTS (SELECT 1 FROM areas a WHERE a.level = $1 AND ST_Intersects(a.geom, i.geom)) AS inside
FROM incidents i
ORDER BY i.id`;

/** Per cell (h3-js hexagon as GeoJSON): does it meet the union of the wards, lie within it, touch its boundary? */
const cellRelationsSql = `
WITH
-- the study area: the union of the ward polygons
u AS (SELECT ST_Union(geom) AS g FROM areas WHERE level = $1),
-- the cells as polygons
c AS (SELECT h3, ST_SetSRID(ST_GeomFromGeoJSON(poly), 4326) AS g FROM unnest($2::text[], $3::text[]) AS t(h3, poly))
SELECT c.h3, ST_Intersects(c.g, u.g) AS meets, ST_CoveredBy(c.g, u.g) AS within, ST_Intersects(c.g, ST_Boundary(u.g)) AS on_boundary
FROM c, u`;

const hexagon = (h3: string) => JSON.stringify({ type: 'Polygon', coordinates: [cellToBoundary(h3, true)] });

function tally<T>(xs: readonly T[], key: (x: T) => string) {
  const m = new Map<string, number>();
  for (const x of xs) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
  return m;
}

describe.skipIf(!hasData).each(drivers())('H3 study area on real data (%s)', (driver) => {
  describe.each(BOROUGHS)('$name', (borough) => {
    let db: Db;
    let analyst: Client;
    let incidents: Incident[];
    let wardPolygons: MultiPolygon[];
    const get = (url: string) => getJson(analyst, url);

    beforeAll(async () => {
      db = await testDb(driver);
      await resetData(db);
      for (const [file, opts] of [
        [borough.wards, { kind: 'boundaries' as const, level: 'ward' }],
        [borough.crimes, { dataset: 'study area test' }],
      ] as const) {
        const r = await importFile(db, file, opts);
        if (r.status !== 'committed') throw new Error(`import of ${file} failed: ${r.error?.message}`);
      }
      incidents = await db.query<Incident>(incidentsSql, ['ward']);
      wardPolygons = (
        await db.query<{ g: string }>(`SELECT ST_AsGeoJSON(geom) AS g FROM areas WHERE level = 'ward' ORDER BY code`)
      ).map((r) => JSON.parse(r.g) as MultiPolygon);
      analyst = await signedInApp(db, { dataDir: '/nonexistent', MAX_UPLOAD_MB: 10, BASEMAP_STYLE_URL: undefined }, 'analyst');
    });

    it('the premise: PostGIS point-in-polygon agrees with the import, and some incidents lie outside every ward', () => {
      expect(incidents.length).toBeGreaterThan(5000);
      expect(incidents.filter((i) => i.inside !== (i.ward_code !== null))).toEqual([]);
      expect(incidents.filter((i) => !i.inside).length).toBeGreaterThan(0);
    });

    it('reproduces the old failure: with centre containment at res 8, incidents inside the wards fall in no unit', () => {
      const centred = new Set(wardPolygons.flatMap((g) => g.coordinates.flatMap((rings) => polygonToCells(rings, 8, true))));
      const lost = incidents.filter((i) => !centred.has(latLngToCell(i.lat, i.lon, 8)));
      const lostInside = lost.filter((i) => i.inside);
      console.log(
        `${borough.name}: centre containment, res 8: ${centred.size} cells; ${lost.length} incidents in no cell, ${lostInside.length} of them inside a ward`,
      );
      expect(lostInside.length).toBeGreaterThan(0);
    });

    it.each(RESOLUTIONS)(
      'res %i: every incident inside a ward is in a unit, with the right count; only incidents in no ward are outside',
      async (res) => {
        const { status, body } = await get(`/api/hotspots?res=${res}&from=${FROM}&to=${TO}`);
        expect(status, JSON.stringify(body.error)).toBe(200);
        const units = new Set<string>(body.cells.map((c: any) => c.h3));
        const inside = incidents.filter((i) => i.inside);
        const homeless = inside.filter((i) => !units.has(latLngToCell(i.lat, i.lon, res)));
        expect(homeless).toEqual([]);
        const by = tally(inside, (i) => latLngToCell(i.lat, i.lon, res));
        expect(body.cells.map((c: any) => c.count)).toEqual(body.cells.map((c: any) => by.get(c.h3) ?? 0));
        expect(body.meta.outside_study_area.count).toBe(incidents.length - inside.length);
        expect(body.meta.total.count).toBe(inside.length);
        const partial = body.cells.filter((c: any) => c.partial).length;
        expect(body.meta.partial_cells).toBe(partial);
        expect(body.meta.neighbourhood.study_area).toContain(`${partial} cut by the boundary`);
        console.log(
          `${borough.name}: res ${res}: ${units.size} cells overlapping the wards, ${partial} partial; ${inside.length} incidents inside, ${body.meta.outside_study_area.count} outside`,
        );
      },
    );

    it.each(RESOLUTIONS)(
      "res %i: every cell meets the wards' union; partial cells cross its boundary, the others lie within it (PostGIS)",
      async (res) => {
        const { body } = await get(`/api/hotspots?res=${res}&from=${FROM}&to=${TO}`);
        const cells: Array<{ h3: string; partial: boolean }> = body.cells;
        const rel = await db.query<{ h3: string; meets: boolean; within: boolean; on_boundary: boolean }>(cellRelationsSql, [
          'ward',
          cells.map((c) => c.h3),
          cells.map((c) => hexagon(c.h3)),
        ]);
        const of = new Map(rel.map((r) => [r.h3, r]));
        expect(rel).toHaveLength(cells.length);
        const wrong = cells.filter((c) => {
          const r = of.get(c.h3)!;
          return !r.meets || (c.partial ? !r.on_boundary || r.within : !r.within);
        });
        expect(wrong).toEqual([]);
        expect(cells.some((c) => c.partial)).toBe(true);
        expect(cells.some((c) => !c.partial)).toBe(true);
      },
    );

    it('the unit cache: concurrent first requests share one build; a failed build is not kept', async () => {
      // A counting (and once failing) view of the database: each build reads the ward polygons once.
      let builds = 0;
      let failures = 1;
      const view: Queryable = Object.assign(Object.create(db) as Db, {
        query: async <T>(sql: string, params?: unknown[]) => {
          if (sql.includes('ST_AsGeoJSON(geom)')) {
            builds++;
            if (failures-- > 0) throw new Error('polygons unavailable');
          }
          return db.query<T>(sql, params);
        },
      });
      await expect(h3Units(view, 9)).rejects.toThrow('polygons unavailable');
      const [a, b, c] = await Promise.all([h3Units(view, 9), h3Units(view, 9), h3Units(view, 9)]);
      expect(builds).toBe(2);
      expect(b).toBe(a);
      expect(c).toBe(a);
      expect(a.ids.length).toBeGreaterThan(100);
    });

    it('change and emerging use the same units and partial flags; change counts only incidents in a ward, outside = no ward', async () => {
      const gi = (await get(`/api/hotspots?res=8&from=${FROM}&to=${TO}`)).body;
      const flags = new Map<string, boolean>(gi.cells.map((c: any) => [c.h3, c.partial]));
      const em = await get(`/api/emerging?res=8&period=quarter&from=${FROM}&to=${TO}`);
      expect(em.status, JSON.stringify(em.body.error)).toBe(200);
      expect(em.body.cells.map((c: any) => [c.h3, c.partial])).toEqual([...flags]);
      expect(em.body.meta.partial_cells).toBe(gi.meta.partial_cells);
      // Change: the last 12 months against the 12 before (and a year earlier: the same here).
      const ch = await get(`/api/change?res=8&from=2024-03&to=${TO}`);
      expect(ch.status, JSON.stringify(ch.body.error)).toBe(200);
      for (const c of ch.body.cells) expect(c.partial, c.h3).toBe(flags.get(c.h3));
      expect(ch.body.cells.some((c: any) => c.partial)).toBe(true);
      const months = await db.query<{ cur: number; prev: number }>(
        `SELECT count(*) FILTER (WHERE occurred_at >= '2024-03-01' AND ward_code IS NULL)::int AS cur,
                count(*) FILTER (WHERE occurred_at < '2024-03-01' AND occurred_at >= '2023-03-01' AND ward_code IS NULL)::int AS prev
         FROM incidents`,
      );
      expect(ch.body.meta.outside_study_area).toMatchObject({ current: months[0].cur, previous: months[0].prev });
      const current = ch.body.cells.reduce((s: number, c: any) => s + c.current, 0);
      const [all] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM incidents WHERE occurred_at >= '2024-03-01'`);
      expect(current + ch.body.meta.outside_study_area.current).toBe(all.n);
    });
  });
});
