// "Draw an area" (issue 4, web): the drawn polygon made ready for /api/profile — rings closed, coordinates
// rounded to 1e-6, repeated points dropped, simplified to the API's 200 vertices with the shape kept, and
// the query parameter accepted by the API's own schema after URL encoding and decoding.
import { describe, expect, it } from 'vitest';
import type { Polygon, Position } from 'geojson';
import { closeRing, drawnPolygon, MAX_DRAWN_VERTICES, polygonParam, simplifyRing } from '../web/src/map/prepare/drawn';
import { queryString } from '../web/src/api/client';
import { MAX_POLYGON_VERTICES, polygonParam as apiPolygonParam } from '../contract/hotspots';

/** A circle of n points around Lewisham (open ring), with a little deterministic wobble. */
const circle = (n: number, r = 0.01): Position[] =>
  Array.from({ length: n }, (_, i) => {
    const a = (2 * Math.PI * i) / n;
    const w = 1 + 0.05 * Math.sin(7 * a);
    return [-0.015 + r * w * Math.cos(a), 51.455 + 0.6 * r * w * Math.sin(a)];
  });

/** Shoelace area of a closed ring (degrees²). */
const area = (ring: Position[]) => Math.abs(ring.slice(1).reduce((s, p, i) => s + ring[i][0] * p[1] - p[0] * ring[i][1], 0)) / 2;

describe('drawn polygon for the profile API', () => {
  it('closes an open ring, rounds to 1e-6 and drops repeated points', () => {
    expect(
      closeRing([
        [0.1234567, 51.1],
        [0.2, 51.1],
        [0.2, 51.1],
        [0.2, 51.2],
      ]),
    ).toEqual([
      [0.123457, 51.1],
      [0.2, 51.1],
      [0.2, 51.2],
      [0.123457, 51.1],
    ]);
    // Already closed (terra-draw's output): unchanged, not closed twice.
    const closed = [
      [0, 51],
      [0.1, 51],
      [0.1, 51.1],
      [0, 51],
    ];
    expect(closeRing(closed)).toEqual(closed);
    expect(closeRing([])).toEqual([]);
  });

  it('keeps rings within the limit as they are and simplifies longer ones to at most 200 positions', () => {
    const small = closeRing(circle(50));
    expect(simplifyRing(small)).toEqual(small);
    const big = closeRing(circle(1000));
    const s = simplifyRing(big);
    expect(s).toHaveLength(MAX_DRAWN_VERTICES);
    expect(s[0]).toEqual(s[s.length - 1]);
    // Every kept point is one of the originals, in the original order.
    const index = new Map(big.slice(0, -1).map((p, i) => [p.join(), i]));
    const at = s.slice(0, -1).map((p) => index.get(p.join()));
    expect(at.every((i) => i !== undefined)).toBe(true);
    expect(at).toEqual([...at].sort((a, b) => a! - b!));
    // The shape is kept: the area changes by well under 1%.
    expect(Math.abs(area(s) - area(big)) / area(big)).toBeLessThan(0.01);
    expect(simplifyRing(big, 10)).toHaveLength(10);
  });

  it('drops a degenerate drawing and matches the API limit', () => {
    expect(MAX_DRAWN_VERTICES).toBe(MAX_POLYGON_VERTICES);
    expect(
      drawnPolygon({
        type: 'Polygon',
        coordinates: [
          [
            [0, 51],
            [0.1, 51],
            [0, 51],
          ],
        ],
      }),
    ).toBeNull();
    expect(drawnPolygon({ type: 'Polygon', coordinates: [] })).toBeNull();
  });

  it('sends a parameter the API schema accepts after URL encoding (and the raw 1000-point drawing would be refused)', () => {
    const raw: Polygon = { type: 'Polygon', coordinates: [closeRing(circle(1000))] };
    expect(apiPolygonParam.safeParse(JSON.stringify(raw)).success).toBe(false);
    const p = drawnPolygon(raw)!;
    const qs = queryString({ polygon: polygonParam(p), from: '2017-01-01' });
    expect(qs).not.toContain('{');
    expect(qs).toContain('%7B%22type%22%3A%22Polygon%22');
    const back = new URLSearchParams(qs.slice(1)).get('polygon')!;
    const parsed = apiPolygonParam.safeParse(back);
    expect(parsed.success).toBe(true);
    expect(parsed.data).toEqual(p);
  });
});
