// H3 cells -> GeoJSON hexagons, resolution by zoom, fetch extents.
import { describe, expect, it } from 'vitest';
import { latLngToCell } from 'h3-js';
import { booleanClockwise } from '@turf/turf';
import {
  bboxContains,
  cellsToFeatureCollection,
  hexResolutionForZoom,
  needsRefetch,
  padBbox,
} from '../web/src/map/prepare/hexes';

describe('cellsToFeatureCollection', () => {
  // A cell over Lewisham town centre.
  const lewisham = latLngToCell(51.4613, -0.0119, 9);

  it('builds closed hexagons in [lng, lat] order', () => {
    const fc = cellsToFeatureCollection([{ h3: lewisham, count: 42 }]);
    expect(fc.features).toHaveLength(1);
    const f = fc.features[0];
    expect(f.properties).toEqual({ h3: lewisham, count: 42, res: 9 });
    const ring = f.geometry.coordinates[0];
    expect(ring).toHaveLength(7);
    expect(ring[6]).toEqual(ring[0]);
    for (const [lng, lat] of ring) {
      expect(lng).toBeGreaterThan(-0.03);
      expect(lng).toBeLessThan(0.01);
      expect(lat).toBeGreaterThan(51.45);
      expect(lat).toBeLessThan(51.47);
    }
    // GeoJSON (RFC 7946) exterior rings are counter-clockwise.
    expect(booleanClockwise(ring)).toBe(false);
  });

  it('skips ids that are not valid cells', () => {
    const fc = cellsToFeatureCollection([
      { h3: 'nonsense', count: 1 },
      { h3: lewisham, count: 2 },
    ]);
    expect(fc.features.map((f) => f.properties.h3)).toEqual([lewisham]);
  });

  it('keeps neighbouring hexagons sharing edges (same vertices)', () => {
    const a = latLngToCell(51.45, -0.02, 8);
    const b = latLngToCell(51.455, -0.02, 8);
    const fc = cellsToFeatureCollection([
      { h3: a, count: 1 },
      { h3: b, count: 1 },
    ]);
    const key = (p: number[]) => p.map((x) => x.toFixed(9)).join(',');
    const va = new Set(fc.features[0].geometry.coordinates[0].map(key));
    const shared = fc.features[1].geometry.coordinates[0].slice(0, 6).filter((p) => va.has(key(p)));
    if (a !== b) expect(shared.length).toBe(2);
  });
});

describe('hexResolutionForZoom', () => {
  it.each([
    [9, 7],
    [11, 8],
    [11.99, 8],
    [12, 9],
    [13.5, 9],
    [13.6, 10],
    [17, 10],
  ])('zoom %s -> res %s', (z, res) => expect(hexResolutionForZoom(z)).toBe(res));
});

describe('fetch extents', () => {
  const view: [number, number, number, number] = [-0.05, 51.43, 0.01, 51.47];
  it('pads a bbox on every side', () => {
    const p = padBbox(view, 0.5);
    expect(p[0]).toBeCloseTo(-0.08);
    expect(p[2]).toBeCloseTo(0.04);
    expect(p[1]).toBeCloseTo(51.41);
    expect(p[3]).toBeCloseTo(51.49);
    expect(bboxContains(p, view)).toBe(true);
    expect(bboxContains(view, p)).toBe(false);
  });
  it('refetches on a new key or when the view leaves the fetched extent', () => {
    const last = { key: 'k', bbox: padBbox(view, 0.5) };
    expect(needsRefetch(null, 'k', view)).toBe(true);
    expect(needsRefetch(last, 'k', view)).toBe(false);
    expect(needsRefetch(last, 'other', view)).toBe(true);
    expect(needsRefetch(last, 'k', [0.0, 51.43, 0.06, 51.47])).toBe(true);
  });
});
