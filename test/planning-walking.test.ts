// Walking distances for planning coverage and outreach (geodata/network/) on a hand-checked
// network: an L-shaped street where straight-line distance says "within 400 m" and the walk does not.
//
//   (0,300) ·            C (300,300)
//                        |
//        L (250,250) ·   |  ← L's nearest network point is (300,250), 50 m away
//                        |
//   S (0,0) A────────────B (300,0)        S is at A; the street is A→B→C (two lines sharing B)
//
// Straight line S→L = √(250² + 250²) = 353.6 m (within 400). Walk S→L = 300 (A→B) + 250 (B→(300,250))
// + 50 (the leg to L) = 600 m (not within 400).
import { describe, expect, it } from 'vitest';
import { bngToLonLat, distanceTo, lonLatToBng, withinDistance, type GridShape, type XY } from '../geodata/planning/geometry.js';
import { coverShares } from '../geodata/planning/coverage.js';
import { buildNetwork, snapToNetwork, walkingCoverSets, walkingDistances } from '../geodata/network/index.js';
import { coverSets } from '../api/planning/outreach.js';
import { Rng } from '../geodata/stats/prng.js';

const base = lonLatToBng(-0.02, 51.45);
const at = (dx: number, dy: number): XY => [base[0] + dx, base[1] + dy];
/** A line through grid offsets, as WGS84 vertices (as a network file holds it). */
const line = (...pts: Array<[number, number]>) => pts.map(([dx, dy]) => bngToLonLat(...at(dx, dy)));
const point = (dx: number, dy: number): GridShape[] => [{ kind: 'point', xy: at(dx, dy) }];
const square = (x0: number, y0: number, s: number): GridShape[] => [
  { kind: 'polygon', rings: [[at(x0, y0), at(x0 + s, y0), at(x0 + s, y0 + s), at(x0, y0 + s), at(x0, y0)]] },
];

// The projection round trip (grid → WGS84 → grid) moves vertices by well under a millimetre.
const CM = 2;

describe('walking network graph', () => {
  const g = buildNetwork([line([0, 0], [300, 0]), line([300, 0], [300, 300]), line([1000, 1000], [1100, 1000])]);

  it('joins lines at shared vertices and measures edges on the grid', () => {
    expect(g.nodeCount).toBe(5); // A, B, C and the separate line's two ends
    expect(Array.from(g.edgeLen, (l) => Math.round(l * 1000) / 1000)).toEqual([300, 300, 100]);
  });

  it('snaps to the nearest point of the nearest edge, not the nearest vertex', () => {
    const s = snapToNetwork(g, at(250, 250), 400)!;
    expect(s.edge).toBe(1);
    expect(s.gap).toBeCloseTo(50, CM);
    expect(s.along).toBeCloseTo(250, CM);
    expect(snapToNetwork(g, at(-500, -500), 400)).toBeNull(); // nothing within 400 m
  });

  it('L-shaped street: straight line says within 400 m, the walk (600 m) says not', () => {
    const L = at(250, 250);
    expect(distanceTo(L, point(0, 0))).toBeCloseTo(353.553, 2);
    expect(withinDistance([L], [point(0, 0)], 400)).toEqual([true]);
    const [w] = walkingDistances(g, [L], [point(0, 0)], Infinity);
    expect(w).toBeCloseTo(600, CM);
    expect(Array.from(walkingDistances(g, [L], [point(0, 0)], 400))).toEqual([Infinity]);
    expect(walkingDistances(g, [L], [point(0, 0)], 600.01)[0]).toBeCloseTo(600, CM);
  });

  it('a site and a place on the same edge walk straight along it', () => {
    // S' (100, 20) snaps to (100, 0); M (150, -10) to (150, 0): 20 + 50 + 10 = 80 m.
    expect(walkingDistances(g, [at(150, -10)], [point(100, 20)], 400)[0]).toBeCloseTo(80, CM);
    // Across the corner B: (200, 10) → (200, 0), 100 m to B, 100 m up, 5 m across to (305, 100): 215 m.
    expect(walkingDistances(g, [at(305, 100)], [point(200, 10)], 400)[0]).toBeCloseTo(215, CM);
  });

  it('a polygon site: 0 inside, walking from the vertices inside it', () => {
    // A 40 m square round C contains the vertex C; L walks 50 m down from C... along the edge and 50 m across.
    const site = square(280, 280, 40);
    expect(walkingDistances(g, [at(300, 300), at(290, 310)], [site], 400)[0]).toBe(0);
    expect(walkingDistances(g, [at(250, 250)], [site], 400)[0]).toBeCloseTo(100, CM);
  });

  it('does not reach a place on a part of the network not connected to the site', () => {
    // (1050, 1005) snaps 5 m to the separate line; nothing joins it to the L.
    expect(walkingDistances(g, [at(1050, 1005)], [point(0, 0)], Infinity)[0]).toBe(Infinity);
    // From a site on that line it is 5 + 50 + 5 = 60 m.
    expect(walkingDistances(g, [at(1050, 1005)], [point(1000, 995)], 400)[0]).toBeCloseTo(60, CM);
  });

  it('the nearest of several sites wins', () => {
    const d = walkingDistances(g, [at(250, 250)], [point(0, 0), point(310, 200)], 400)[0];
    expect(d).toBeCloseTo(10 + 50 + 50, CM); // (310,200) → (300,200) → (300,250) → L
  });
});

describe('coverage shares and outreach cover sets, walking vs straight line', () => {
  const g = buildNetwork([line([0, 0], [300, 0]), line([300, 0], [300, 300])]);
  const places = [
    { xy: at(250, 250), harm: 5, count: 1, group: 'W1', cell: 'c1', hot: true }, // L: 354 m straight, 600 m walk
    { xy: at(200, 30), harm: 3, count: 1, group: 'W1', cell: 'c2', hot: true }, // M: 202 m straight, 230 m walk
  ];
  const walk = (pts: ReadonlyArray<XY>, sites: ReadonlyArray<ReadonlyArray<GridShape>>, d: number) =>
    Array.from(walkingDistances(g, pts, sites, d), (w) => w <= d);

  it('coverage: straight line covers both, walking only M', () => {
    expect(coverShares(places, [point(0, 0)], 400).total).toMatchObject({ hotspot_harm: 8, covered_harm: 8, share: 1 });
    expect(coverShares(places, [point(0, 0)], 400, walk).total).toMatchObject({
      hotspot_harm: 8,
      covered_harm: 3,
      share: 3 / 8,
      covered_incidents: 1,
    });
    expect(coverShares(places, [point(0, 0)], 400, walk).cell('c1').covered).toBe(0);
  });

  it('outreach: the candidate at S reaches L only in a straight line', () => {
    const demand = places.map((p) => p.xy);
    expect(coverSets([at(0, 0)], demand, 400)).toEqual([[0, 1]]);
    expect(walkingCoverSets(g, [at(0, 0)], demand, 400)).toEqual([[1]]);
    // A candidate at (300, 240) reaches L (10 + 50 m... snapped on the same edge) and M (60 + 100 + 30).
    expect(walkingCoverSets(g, [at(300, 240)], demand, 400)).toEqual([[0, 1]]);
    // A candidate more than the distance from the network reaches nothing.
    expect(walkingCoverSets(g, [at(-450, 0)], demand, 400)).toEqual([[]]);
  });

  it('on a random street grid, walking never reaches more than the straight line, and reaches what the walk allows', () => {
    // A 100 m street grid with some streets missing (seeded), random places and sites.
    const rng = new Rng(42);
    const unit = () => rng.u32() / 4294967296;
    const lines: ReturnType<typeof line>[] = [];
    for (let i = 0; i <= 10; i++)
      for (let j = 0; j < 10; j++) {
        if (unit() < 0.8) lines.push(line([i * 100, j * 100], [i * 100, (j + 1) * 100]));
        if (unit() < 0.8) lines.push(line([j * 100, i * 100], [(j + 1) * 100, i * 100]));
      }
    const grid = buildNetwork(lines);
    const pts = Array.from({ length: 400 }, () => at(unit() * 1000, unit() * 1000));
    const cands = Array.from({ length: 30 }, () => at(unit() * 1000, unit() * 1000));
    const straight = coverSets(cands, pts, 300);
    const walking = walkingCoverSets(grid, cands, pts, 300);
    let fewer = 0;
    walking.forEach((w, j) => {
      const s = new Set(straight[j]);
      expect(w.every((i) => s.has(i))).toBe(true);
      fewer += straight[j].length - w.length;
      // The same walks from the one-site search.
      const d = walkingDistances(grid, pts, [[{ kind: 'point', xy: cands[j] }]], 300);
      expect(w).toEqual(pts.map((_, i) => i).filter((i) => d[i] <= 300));
    });
    expect(fewer).toBeGreaterThan(0); // the grid's detours bite somewhere
  });
});
