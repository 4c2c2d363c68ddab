// A minimal PMTiles v3 writer for tests: vector tiles cut from GeoJSON layers (geojson-vt), encoded as MVT
// (vt-pbf), gzipped, and laid out as the spec says (github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md):
// a 127-byte header, one root directory (no leaf directories: fine for a few hundred tiles), JSON metadata,
// then the tile data. Tiles are addressed by Hilbert tile id (the pmtiles package's zxyToTileId).
import fs from 'node:fs';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import type { FeatureCollection } from 'geojson';
import GeoJSONVT from 'geojson-vt';
import { zxyToTileId } from 'pmtiles';

const require = createRequire(import.meta.url);
const vtpbf = require('vt-pbf') as { fromGeojsonVt: (layers: Record<string, unknown>, opts: { version: number }) => Uint8Array };

export interface PmtilesInput {
  /** Vector layers by name (Protomaps v4 names: earth, water, roads, places, …). */
  layers: Record<string, FeatureCollection>;
  minZoom: number;
  maxZoom: number;
  attribution?: string;
}

function writeVarint(out: number[], n: number) {
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

/** The root directory: entry count, then tile id deltas, run lengths, lengths, offsets (0 = right after the last). */
function serializeDirectory(entries: { tileId: number; offset: number; length: number }[]): Uint8Array {
  const out: number[] = [];
  writeVarint(out, entries.length);
  let last = 0;
  for (const e of entries) {
    writeVarint(out, e.tileId - last);
    last = e.tileId;
  }
  for (const _ of entries) writeVarint(out, 1);
  for (const e of entries) writeVarint(out, e.length);
  entries.forEach((e, i) => {
    const prev = entries[i - 1];
    writeVarint(out, i > 0 && e.offset === prev.offset + prev.length ? 0 : e.offset + 1);
  });
  return Uint8Array.from(out);
}

const lon2x = (lon: number, z: number) => Math.floor(((lon + 180) / 360) * 2 ** z);
const lat2y = (lat: number, z: number) => {
  const r = (lat * Math.PI) / 180;
  return Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z);
};

function bboxOf(layers: Record<string, FeatureCollection>): [number, number, number, number] {
  const b: [number, number, number, number] = [180, 90, -180, -90];
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      const [x, y] = c as number[];
      b[0] = Math.min(b[0], x);
      b[1] = Math.min(b[1], y);
      b[2] = Math.max(b[2], x);
      b[3] = Math.max(b[3], y);
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  for (const fc of Object.values(layers))
    for (const f of fc.features) if (f.geometry && 'coordinates' in f.geometry) visit(f.geometry.coordinates);
  return b;
}

/** The archive's bytes, and how many tiles it holds. */
export function buildPmtiles(input: PmtilesInput): { bytes: Buffer; tiles: number; bbox: [number, number, number, number] } {
  const bbox = bboxOf(input.layers);
  const indexes = Object.fromEntries(
    Object.entries(input.layers).map(([name, fc]) => [
      name,
      new GeoJSONVT(fc, { maxZoom: input.maxZoom, indexMaxZoom: input.maxZoom, tolerance: 1, buffer: 64 }),
    ]),
  );
  const tiles: { tileId: number; data: Buffer }[] = [];
  for (let z = input.minZoom; z <= input.maxZoom; z++) {
    for (let x = lon2x(bbox[0], z); x <= lon2x(bbox[2], z); x++) {
      for (let y = lat2y(bbox[3], z); y <= lat2y(bbox[1], z); y++) {
        const layers: Record<string, unknown> = {};
        for (const [name, index] of Object.entries(indexes)) {
          const t = index.getTile(z, x, y);
          if (t?.features.length) layers[name] = t;
        }
        if (!Object.keys(layers).length) continue;
        tiles.push({ tileId: zxyToTileId(z, x, y), data: zlib.gzipSync(vtpbf.fromGeojsonVt(layers, { version: 2 })) });
      }
    }
  }
  tiles.sort((a, b) => a.tileId - b.tileId);
  let offset = 0;
  const entries = tiles.map((t) => {
    const e = { tileId: t.tileId, offset, length: t.data.length };
    offset += t.data.length;
    return e;
  });
  const root = zlib.gzipSync(serializeDirectory(entries));
  const metadata = zlib.gzipSync(
    JSON.stringify({
      name: 'saferplaces test basemap',
      attribution: input.attribution ?? '© OpenStreetMap contributors (synthetic test data)',
      vector_layers: Object.keys(input.layers).map((id) => ({ id, fields: {} })),
    }),
  );
  const tileData = Buffer.concat(tiles.map((t) => t.data));

  const header = Buffer.alloc(127);
  header.write('PMTiles', 0, 'latin1');
  header.writeUInt8(3, 7);
  const rootOffset = 127;
  const metaOffset = rootOffset + root.length;
  const dataOffset = metaOffset + metadata.length;
  const u64 = (at: number, v: number) => header.writeBigUInt64LE(BigInt(v), at);
  u64(8, rootOffset);
  u64(16, root.length);
  u64(24, metaOffset);
  u64(32, metadata.length);
  u64(40, dataOffset + tileData.length); // no leaf directories
  u64(48, 0);
  u64(56, dataOffset);
  u64(64, tileData.length);
  u64(72, tiles.length);
  u64(80, tiles.length);
  u64(88, tiles.length);
  header.writeUInt8(1, 96); // clustered
  header.writeUInt8(2, 97); // internal compression: gzip
  header.writeUInt8(2, 98); // tile compression: gzip
  header.writeUInt8(1, 99); // tile type: MVT
  header.writeUInt8(input.minZoom, 100);
  header.writeUInt8(input.maxZoom, 101);
  const e7 = (v: number) => Math.round(v * 1e7);
  header.writeInt32LE(e7(bbox[0]), 102);
  header.writeInt32LE(e7(bbox[1]), 106);
  header.writeInt32LE(e7(bbox[2]), 110);
  header.writeInt32LE(e7(bbox[3]), 114);
  header.writeUInt8(Math.min(input.maxZoom, 14), 118);
  header.writeInt32LE(e7((bbox[0] + bbox[2]) / 2), 119);
  header.writeInt32LE(e7((bbox[1] + bbox[3]) / 2), 123);
  return { bytes: Buffer.concat([header, root, metadata, tileData]), tiles: tiles.length, bbox };
}

export function writePmtiles(file: string, input: PmtilesInput) {
  const r = buildPmtiles(input);
  fs.writeFileSync(file, r.bytes);
  return r;
}

// ---- a synthetic Lewisham basemap ----------------------------------------------------------------------

const line = (kind: string, name: string, coords: [number, number][], extra: Record<string, unknown> = {}) => ({
  type: 'Feature' as const,
  properties: {
    kind,
    kind_detail: kind === 'major_road' ? 'primary' : 'residential',
    name,
    'name:en': name,
    min_zoom: 5,
    ...extra,
  },
  geometry: { type: 'LineString' as const, coordinates: coords },
});
const box = (w: number, s: number, e: number, n: number) => [
  [
    [w, s],
    [e, s],
    [e, n],
    [w, n],
    [w, s],
  ],
];

/** Street names and places in the synthetic basemap (made-up geometry around central Lewisham). */
export const TEST_STREETS = {
  major: ['Lewisham High Street', 'Rushey Green'],
  minor: ['Ladywell Road', 'Courthill Road', 'Heol Ŵyn'],
} as const;
export const TEST_PLACE = 'Lewisham';
/** A point on Lewisham High Street (on its straight part, away from the other streets). */
export const HIGH_STREET_POINT: [number, number] = [-0.0147, 51.4577];

/**
 * Protomaps v4 layers for a small area of central Lewisham: earth (land), water (a pond), roads (two major
 * roads and three minor ones, one with a Welsh name to need the Latin Extended glyphs), places (a locality).
 */
export function syntheticLewisham(): Record<string, FeatureCollection> {
  return {
    earth: {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { kind: 'earth' },
          geometry: { type: 'Polygon', coordinates: box(-0.06, 51.42, 0.03, 51.5) },
        },
      ],
    },
    water: {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { kind: 'water', name: 'Ladywell Pond' },
          geometry: { type: 'Polygon', coordinates: box(-0.027, 51.452, -0.022, 51.4545) },
        },
      ],
    },
    roads: {
      type: 'FeatureCollection',
      features: [
        line('major_road', 'Lewisham High Street', [
          [-0.0135, 51.4655],
          [-0.0147, 51.4577],
          [-0.016, 51.45],
        ]),
        line('major_road', 'Rushey Green', [
          [-0.016, 51.45],
          [-0.0185, 51.442],
        ]),
        line('minor_road', 'Ladywell Road', [
          [-0.0152, 51.4555],
          [-0.03, 51.4565],
        ]),
        line('minor_road', 'Courthill Road', [
          [-0.0142, 51.4605],
          [-0.002, 51.461],
        ]),
        line('minor_road', 'Heol Ŵyn', [
          [-0.0156, 51.452],
          [-0.028, 51.449],
        ]),
      ],
    },
    places: {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { kind: 'locality', name: TEST_PLACE, 'name:en': TEST_PLACE, min_zoom: 8, population_rank: 9 },
          geometry: { type: 'Point', coordinates: [-0.0105, 51.4635] },
        },
      ],
    },
  };
}
