// Vector tiles (issue 16) on real Lewisham police.uk burglary rows, on both drivers: the points of a tile are
// the incidents in the tile's buffered box (computed here with our own Web Mercator formulas and plain SQL
// on lon/lat), with the properties GET /incidents gives; hexagon counts equal a GROUP BY; partners get no
// points and the perturbed, suppressed counts of GET /hexes; officers only their wards; ETag/304 by data
// version. Tiles are decoded with @mapbox/vector-tile; the two drivers' tiles are compared feature by feature.
import fs from 'node:fs';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader as Pbf } from 'pbf';
import { cellToLatLng } from 'h3-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/app.js';
import type { Db, Driver } from '../api/db/index.js';
import { importFile } from '../api/imports/index.js';
import { decodeIncidents } from '../contract/aggregates.js';
import { clientFor, type Client } from './helpers/auth.js';
import { drivers, resetData, SHARED, testDb } from './helpers/db.js';

const hasData = fs.existsSync(`${SHARED}lewisham_burglary_street_2022-03_2025-02.csv`);
const WINDOW = 'from=2024-01&to=2025-01';
const PARTNER_WINDOW = 'from=2024-06&to=2024-07'; // a partner period: one month

// Independent Web Mercator tile maths (not api/tiles/build.ts).
const lon2x = (lon: number, z: number) => ((lon + 180) / 360) * 2 ** z;
const lat2y = (lat: number, z: number) => {
  const r = (lat * Math.PI) / 180;
  return ((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z;
};
const x2lon = (x: number, z: number) => (x / 2 ** z) * 360 - 180;
const y2lat = (y: number, z: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / 2 ** z))) * 180) / Math.PI;
const tileAt = (lon: number, lat: number, z: number) => ({ z, x: Math.floor(lon2x(lon, z)), y: Math.floor(lat2y(lat, z)) });
const BUF = 64 / 4096;

interface Decoded {
  status: number;
  etag: string | null;
  features: { id: number | undefined; props: Record<string, unknown>; lonlat: number[] | null; geomType: string }[];
  layers: string[];
}

async function getTile(c: Client, url: string, headers: Record<string, string> = {}): Promise<Decoded> {
  const res = await c.request(url, { headers });
  const etag = res.headers.get('etag');
  if (res.status !== 200) return { status: res.status, etag, features: [], layers: [] };
  expect(res.headers.get('content-type')).toBe('application/vnd.mapbox-vector-tile');
  const vt = new VectorTile(new Pbf(new Uint8Array(await res.arrayBuffer())));
  const [, , z, x, yFile] = new URL(url, 'http://x').pathname.split('/').slice(-5);
  const t = { z: Number(z), x: Number(x), y: Number(yFile.replace('.mvt', '')) };
  const features: Decoded['features'] = [];
  for (const name of Object.keys(vt.layers)) {
    const layer = vt.layers[name];
    expect(layer.extent).toBe(4096);
    for (let i = 0; i < layer.length; i++) {
      const f = layer.feature(i);
      const gj = f.toGeoJSON(t.x, t.y, t.z);
      features.push({
        id: f.id,
        props: { ...f.properties },
        lonlat: gj.geometry.type === 'Point' ? gj.geometry.coordinates : null,
        geomType: gj.geometry.type,
      });
    }
  }
  return { status: 200, etag, features, layers: Object.keys(vt.layers) };
}

/** Decoded tiles per driver, compared once both ran. */
const seen = new Map<Driver, Map<string, Decoded>>();

describe.skipIf(!hasData).each(drivers())('vector tiles on real data (%s)', (driver) => {
  let db: Db;
  let analyst: Client;
  let partner: Client;
  let officer: Client;
  let officerWard: string;
  const keep = (url: string, d: Decoded) => {
    if (!seen.has(driver)) seen.set(driver, new Map());
    seen.get(driver)!.set(url, d);
    return d;
  };

  beforeAll(async () => {
    db = await testDb(driver);
    await resetData(db);
    await importFile(db, `${SHARED}lewisham_wards_2022.geojson`, { level: 'ward' });
    await importFile(db, `${SHARED}lewisham_burglary_street_2022-03_2025-02.csv`, {});
    const app = createApp({ db, config: { dataDir: '/nonexistent', MAX_UPLOAD_MB: 1, BASEMAP_STYLE_URL: undefined } });
    analyst = await clientFor(app, db, 'analyst');
    partner = await clientFor(app, db, 'partner');
    // The officer's ward: the one with most incidents in the tile below.
    const t = tileAt(-0.013, 51.455, 14);
    [{ ward: officerWard }] = await db.query<{ ward: string }>(
      `SELECT ward_code AS ward FROM incidents WHERE lon BETWEEN $1 AND $2 AND lat BETWEEN $3 AND $4 AND ward_code IS NOT NULL
       GROUP BY ward_code ORDER BY count(*) DESC, ward_code LIMIT 1`,
      [x2lon(t.x, 14), x2lon(t.x + 1, 14), y2lat(t.y + 1, 14), y2lat(t.y, 14)],
    );
    officer = await clientFor(app, db, 'officer', { areaCodes: [officerWard] });
  });

  /** The incidents (ids) in the tile's box widened by the buffer, from plain SQL on lon/lat. */
  async function expectedIds(t: { z: number; x: number; y: number }, extra = '', params: unknown[] = []) {
    const box = [x2lon(t.x - BUF, t.z), x2lon(t.x + 1 + BUF, t.z), y2lat(t.y + 1 + BUF, t.z), y2lat(t.y - BUF, t.z)];
    const rows = await db.query<{ id: number }>(
      `SELECT id FROM incidents WHERE lon BETWEEN $1 AND $2 AND lat BETWEEN $3 AND $4
         AND occurred_at >= '2024-01-01' AND occurred_at < '2025-01-01' ${extra} ORDER BY id`,
      [...box, ...params],
    );
    return rows.map((r) => r.id);
  }

  // Two z14 tiles: one west of longitude 0 (a tile edge at every zoom), one east of it.
  for (const [name, lon, lat] of [
    ['Lewisham centre', -0.013, 51.455],
    ['east of longitude 0', 0.01, 51.445],
  ] as const) {
    it(`points of a z14 tile (${name}) are the incidents in its buffered box, with the properties of GET /incidents`, async () => {
      const t = tileAt(lon, lat, 14);
      const url = `/api/tiles/incidents/${t.z}/${t.x}/${t.y}.mvt?${WINDOW}`;
      const d = keep(url, await getTile(analyst, url));
      expect(d.status).toBe(200);
      expect(d.layers).toEqual(['incidents']);
      const ids = d.features.map((f) => f.id!).sort((a, b) => a - b);
      const want = await expectedIds(t);
      expect(want.length).toBeGreaterThan(20);
      expect(ids).toEqual(want);

      // Properties and positions against GET /incidents for the same box (its own SQL and GeoJSON).
      const bbox = [x2lon(t.x - BUF, 14), y2lat(t.y + 1 + BUF, 14), x2lon(t.x + 1 + BUF, 14), y2lat(t.y - BUF, 14)];
      const r = await analyst.request(`/api/incidents?bbox=${bbox.join(',')}&${WINDOW}&limit=50000`);
      const fc = decodeIncidents(await r.json());
      const byId = new Map(fc.features.map((f) => [f.id, f]));
      // A tile unit at z14 is ~0.6 m: positions within 1.5 units (rounding to the grid).
      const tol = (1.5 / 4096) * (x2lon(1, 14) - x2lon(0, 14));
      for (const f of d.features) {
        const g = byId.get(f.id!)!;
        expect(g, `incident ${f.id}`).toBeTruthy();
        const { id: _id, ...props } = g.properties;
        expect(f.props).toEqual(Object.fromEntries(Object.entries(props).filter(([, v]) => v !== null)));
        expect(Math.abs(f.lonlat![0] - g.geometry.coordinates[0])).toBeLessThan(tol);
        expect(Math.abs(f.lonlat![1] - g.geometry.coordinates[1])).toBeLessThan(tol);
      }
    });
  }

  it('answers 400 for points below z14, bad coordinates and unknown parameters', async () => {
    for (const url of [
      '/api/tiles/incidents/13/4095/2725.mvt',
      '/api/tiles/incidents/14/16384/5450.mvt',
      '/api/tiles/incidents/14/8191/5450.png',
      '/api/tiles/hexes/23/0/0.mvt',
      `/api/tiles/hexes/12/2047/1362.mvt?res=9`,
      `/api/tiles/hexes/12/2047/1362.mvt?from=2024-13`,
    ]) {
      const r = await analyst.request(url);
      expect(r.status, url).toBe(400);
      expect((await r.json()).error.code, url).toBe('invalid_parameter');
    }
  });

  it('hexagon tiles: the zoom rule picks the resolution, counts equal a GROUP BY of the stored cells', async () => {
    for (const [z, res] of [
      [10, 7],
      [12, 8],
      [13, 9],
      [15, 10],
    ] as const) {
      const t = tileAt(-0.013, 51.455, z);
      const url = `/api/tiles/hexes/${t.z}/${t.x}/${t.y}.mvt?${WINDOW}`;
      const d = keep(url, await getTile(analyst, url));
      expect(d.status).toBe(200);
      expect(d.layers).toEqual(['hexes']);
      const truth = new Map(
        (
          await db.query<{ h3: string; n: number }>(
            `SELECT lpad(to_hex(h3_${res}), 15, '0') AS h3, count(*)::int AS n FROM incidents
             WHERE occurred_at >= '2024-01-01' AND occurred_at < '2025-01-01' GROUP BY 1`,
          )
        ).map((r) => [r.h3, r.n]),
      );
      for (const f of d.features) {
        expect(f.geomType).toBe('Polygon');
        expect(f.props.res).toBe(res);
        expect(f.props.count, String(f.props.h3)).toBe(truth.get(String(f.props.h3)));
      }
      // Every cell with incidents whose centre lies inside the tile is in it.
      const inside = [...truth.keys()].filter((h) => {
        const [lat, lon] = cellToLatLng(h);
        return lon2x(lon, z) >= t.x && lon2x(lon, z) < t.x + 1 && lat2y(lat, z) >= t.y && lat2y(lat, z) < t.y + 1;
      });
      expect(inside.length).toBeGreaterThan(0);
      const got = new Set(d.features.map((f) => String(f.props.h3)));
      expect(inside.filter((h) => !got.has(h))).toEqual([]);
    }
  });

  it('partners: no points (403); hexagons at resolution 8 with the counts of GET /hexes, none below the threshold', async () => {
    const t = tileAt(-0.013, 51.455, 14);
    const pts = await partner.request(`/api/tiles/incidents/${t.z}/${t.x}/${t.y}.mvt?${PARTNER_WINDOW}`);
    expect(pts.status).toBe(403);

    const hexes = await partner.request(`/api/hexes?res=8&${PARTNER_WINDOW}`);
    expect(hexes.status).toBe(200);
    const masked = new Map(((await hexes.json()).cells as { h3: string; count: number | null }[]).map((c) => [c.h3, c.count]));
    const truth = new Map(
      (
        await db.query<{ h3: string; n: number }>(
          `SELECT lpad(to_hex(h3_8), 15, '0') AS h3, count(*)::int AS n FROM incidents
           WHERE occurred_at >= '2024-06-01' AND occurred_at < '2024-07-01' GROUP BY 1`,
        )
      ).map((r) => [r.h3, r.n]),
    );
    let perturbed = 0;
    let withheld = 0;
    for (const z of [12, 14]) {
      const tt = tileAt(-0.013, 51.455, z);
      const url = `/api/tiles/hexes/${tt.z}/${tt.x}/${tt.y}.mvt?${PARTNER_WINDOW}`;
      const d = await getTile(partner, url);
      expect(d.status).toBe(200);
      expect(d.layers).toEqual(['hexes']);
      expect(d.features.length).toBeGreaterThan(0);
      for (const f of d.features) {
        const h3 = String(f.props.h3);
        expect(f.props.res).toBe(8);
        expect(masked.has(h3), h3).toBe(true);
        if (f.props.suppressed) {
          withheld++;
          expect(f.props.count).toBeUndefined();
          expect(masked.get(h3)).toBeNull();
        } else {
          expect(f.props.count).toBe(masked.get(h3));
          expect(f.props.count as number).toBeGreaterThanOrEqual(5);
          if (f.props.count !== (truth.get(h3) ?? 0)) perturbed++;
        }
      }
    }
    expect(withheld).toBeGreaterThan(0);
    expect(perturbed).toBeGreaterThan(0);
    // Partners ask for partner periods only.
    const r = await partner.request(`/api/tiles/hexes/12/2047/1362.mvt?from=2024-01&to=2024-03`);
    expect(r.status).toBe(403);
  });

  it("officers get only their wards' points; a tile is audited", async () => {
    const t = tileAt(-0.013, 51.455, 14);
    const url = `/api/tiles/incidents/${t.z}/${t.x}/${t.y}.mvt?${WINDOW}`;
    const all = await expectedIds(t);
    const want = await expectedIds(t, 'AND ward_code = $5', [officerWard]);
    expect(want.length).toBeGreaterThan(0);
    expect(want.length).toBeLessThan(all.length);
    const d = await getTile(officer, url);
    expect(d.features.map((f) => f.id!).sort((a, b) => a - b)).toEqual(want);
    expect(d.features.every((f) => f.props.ward_code === officerWard)).toBe(true);
    const [a] = await db.query<{ n: number; q: { ward_scope: string[] } }>(
      `SELECT record_count AS n, query AS q FROM audit_log WHERE resource = 'incident_tile' AND user_email = $1
       ORDER BY id DESC LIMIT 1`,
      [officer.email],
    );
    expect(a.n).toBe(want.length);
    expect(a.q.ward_scope).toEqual([officerWard]);
  });

  it('304 while the data version holds; a new ETag after an import', async () => {
    const t = tileAt(-0.013, 51.455, 14);
    const url = `/api/tiles/incidents/${t.z}/${t.x}/${t.y}.mvt?${WINDOW}`;
    const first = await analyst.request(url);
    const etag = first.headers.get('etag')!;
    expect(first.status).toBe(200);
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await analyst.request(url, { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    // Another scope (an officer) gets another ETag for the same URL.
    expect((await officer.request(url)).headers.get('etag')).not.toBe(etag);
    const hexUrl = `/api/tiles/hexes/12/${tileAt(-0.013, 51.455, 12).x}/${tileAt(-0.013, 51.455, 12).y}.mvt?${WINDOW}`;
    const hexTag = (await analyst.request(hexUrl)).headers.get('etag')!;
    expect((await analyst.request(hexUrl, { headers: { 'If-None-Match': hexTag } })).status).toBe(304);

    const r = await importFile(db, `${SHARED}2025-02-city-of-london-street.csv`, {});
    expect(r.status).toBe('committed');
    const after = await analyst.request(url, { headers: { 'If-None-Match': etag } });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
    expect((await analyst.request(hexUrl, { headers: { 'If-None-Match': hexTag } })).status).toBe(200);
  });
});

describe.skipIf(!hasData || drivers().length < 2)('the two drivers give the same tiles', () => {
  it('same features, properties and positions (within one tile unit) on PGlite (JS encoder) and PostGIS (ST_AsMVT)', () => {
    const a = seen.get('pglite')!;
    const b = seen.get('postgres')!;
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    expect(a.size).toBeGreaterThanOrEqual(6);
    for (const [url, da] of a) {
      const db_ = b.get(url)!;
      const key = (f: Decoded['features'][number]) => `${f.id ?? ''}|${f.props.h3 ?? ''}`;
      const sa = [...da.features].sort((x, y) => key(x).localeCompare(key(y)));
      const sb = [...db_.features].sort((x, y) => key(x).localeCompare(key(y)));
      expect(sa.map(key), url).toEqual(sb.map(key));
      sa.forEach((f, i) => {
        expect(f.props, url).toEqual(sb[i].props);
        expect(f.geomType).toBe(sb[i].geomType);
        if (f.lonlat) {
          const unit = (360 / 2 ** 14 / 4096) * 1.01;
          expect(Math.abs(f.lonlat[0] - sb[i].lonlat![0])).toBeLessThanOrEqual(unit);
          expect(Math.abs(f.lonlat[1] - sb[i].lonlat![1])).toBeLessThanOrEqual(unit);
        }
      });
    }
  });
});
