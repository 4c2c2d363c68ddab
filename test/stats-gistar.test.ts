// Gi*, neighbour lists and study-area cells: hand-checked fixtures, and a comparison with R spdep::localG
// and spdep::poly2nb on real Lewisham data (skipped, with a message, when Rscript is not installed).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import * as turf from '@turf/turf';
import { cellToBoundary, gridDisk, gridDistance, latLngToCell } from 'h3-js';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { giStar } from '../geodata/stats/gistar.js';
import { h3Neighbours, queenNeighbours, studyArea, studyAreaCells, withoutSelf } from '../geodata/stats/neighbours.js';
import { SHARED } from './helpers/shared.js';

const RSCRIPT = ['/usr/bin/Rscript', '/usr/local/bin/Rscript'].find((p) => fs.existsSync(p));
const haveShared = fs.existsSync(SHARED);
if (!RSCRIPT) console.log('SKIPPED: comparisons with R spdep (Rscript not found; apt-get install r-cran-spdep)');

function rscript(script: string, args: string[]) {
  execFileSync(RSCRIPT!, [path.join('test/r', script), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}
const nbLines = (nb: number[][]) =>
  withoutSelf(nb)
    .map((l) => l.map((j) => j + 1).join(' '))
    .join('\n') + '\n';

/** Gi* of spdep::localG(x, nb2listw(include.self(nb), style = "B")) for our lists (self dropped here, re-added in R). */
function rLocalG(values: number[], nb: number[][]): number[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gistar-'));
  try {
    fs.writeFileSync(path.join(dir, 'x.txt'), values.map((v) => String(v)).join('\n') + '\n');
    fs.writeFileSync(path.join(dir, 'nb.txt'), nbLines(nb));
    rscript('localg.R', [path.join(dir, 'x.txt'), path.join(dir, 'nb.txt'), path.join(dir, 'z.txt')]);
    return fs.readFileSync(path.join(dir, 'z.txt'), 'utf8').trim().split('\n').map(Number);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('giStar (hand-checked)', () => {
  // Path 0-1-2-3, binary weights with self. x = [1, 2, 3, 10]: mean 4, population variance
  // (9 + 4 + 1 + 36) / 4 = 12.5. Unit 0: W = 2 (self + 1), lag = 3, numerator 3 − 8 = −5,
  // denominator sqrt(12.5) · sqrt((4·2 − 4)/3) = sqrt(12.5 · 4/3), z = −5 / sqrt(50/3).
  const nb = [
    [0, 1],
    [0, 1, 2],
    [1, 2, 3],
    [2, 3],
  ];
  const x = [1, 2, 3, 10];
  it('matches the formula worked by hand', () => {
    const r = giStar(x, nb);
    expect(r.z[0]).toBeCloseTo(-5 / Math.sqrt(50 / 3), 14);
    // Unit 1: W = 3, lag = 6, numerator 6 − 12 = −6, (4·3 − 9)/3 = 1 → z = −6 / sqrt(12.5).
    expect(r.z[1]).toBeCloseTo(-6 / Math.sqrt(12.5), 14);
    // Unit 3: W = 2, lag 13, numerator 5 → z = 5 / sqrt(50/3).
    expect(r.z[3]).toBeCloseTo(5 / Math.sqrt(50 / 3), 14);
    expect(r.p[3]).toBeCloseTo(0.2206713619, 9); // 2·(1 − Φ(1.2247449))
    expect(r.undefinedAt).toEqual([]);
  });
  it('refuses lists without self, bad indices and mismatched lengths', () => {
    expect(() => giStar(x, [[1], [0, 1, 2], [1, 2, 3], [2, 3]])).toThrow(/include the unit itself/);
    expect(() => giStar(x, [[0, 4], [1], [2], [3]])).toThrow(/out of range/);
    expect(() => giStar(x, nb.slice(1))).toThrow(/4 values but 3/);
  });
  it('reports undefined units (no variation, or a neighbourhood covering everything) as z 0, p 1', () => {
    expect(
      giStar(
        [2, 2, 2],
        [
          [0, 1],
          [0, 1, 2],
          [1, 2],
        ],
      ).undefinedAt,
    ).toEqual([0, 1, 2]);
    const r = giStar(
      [1, 2, 9],
      [
        [0, 1],
        [0, 1, 2],
        [1, 2],
      ],
    );
    expect(r.undefinedAt).toEqual([1]);
    expect([r.z[1], r.p[1]]).toEqual([0, 1]);
  });
});

describe('neighbour lists (hand-checked)', () => {
  it('h3Neighbours: k = 1 ring restricted to the set, self included', () => {
    const c = latLngToCell(51.45, -0.02, 9);
    const far = latLngToCell(51.6, -0.3, 9);
    expect(h3Neighbours([c, far], 1)).toEqual([[0], [1]]);
    // c, two of its six ring-1 cells, and a ring-2 cell: c touches 0,1,2; the ring-2 cell touches only itself
    // and whichever of the two ring-1 cells are adjacent to it.
    const ring1 = gridDisk(c, 1).filter((d) => d !== c);
    const ring2 = gridDisk(c, 2).filter((d) => gridDistance(c, d) === 2 && gridDistance(ring1[0], d) === 1)[0];
    const nb = h3Neighbours([c, ring1[0], ring1[3], ring2], 1);
    expect(nb[0]).toEqual([0, 1, 2]);
    expect(nb[1]).toEqual([0, 1, 3]);
    expect(nb[2]).toEqual([0, 2]); // ring1[3] is opposite ring1[0]
    expect(nb[3]).toEqual([1, 3]);
  });
  it('queenNeighbours: squares in a 2x2 block all touch (corner counts), a detached one touches none', () => {
    const sq = (x: number, y: number): Polygon => ({
      type: 'Polygon',
      coordinates: [
        [
          [x, y],
          [x + 1, y],
          [x + 1, y + 1],
          [x, y + 1],
          [x, y],
        ],
      ],
    });
    const nb = queenNeighbours([sq(0, 0), sq(1, 0), sq(0, 1), sq(1, 1), sq(5, 5)]);
    expect(nb).toEqual([[0, 1, 2, 3], [0, 1, 2, 3], [0, 1, 2, 3], [0, 1, 2, 3], [4]]);
  });
  it('studyAreaCells: every cell overlapping the polygons (Turf), once each, and no other nearby cell', () => {
    const box = turf.bboxPolygon([-0.03, 51.44, -0.01, 51.45]).geometry;
    const cells = studyAreaCells([box, box], 9);
    expect(cells.length).toBeGreaterThan(10);
    expect(new Set(cells).size).toBe(cells.length);
    const hex = (c: string) => turf.polygon([cellToBoundary(c, true)]);
    for (const c of cells) expect(turf.booleanIntersects(hex(c), box), c).toBe(true);
    // The ring just beyond: cells meeting the box are in, the others out.
    const ring = new Set(cells.flatMap((c) => gridDisk(c, 1)));
    for (const c of ring) if (!cells.includes(c)) expect(turf.booleanIntersects(hex(c), box), c).toBe(false);
  });

  it('studyArea: partial = not wholly inside the union (a cell astride two adjacent polygons is whole)', () => {
    const west = turf.bboxPolygon([-0.03, 51.44, -0.02, 51.45]).geometry;
    const east = turf.bboxPolygon([-0.02, 51.44, -0.01, 51.45]).geometry;
    const both = turf.bboxPolygon([-0.03, 51.44, -0.01, 51.45]);
    const { cells, partial } = studyArea([west, east], 9);
    expect(cells).toEqual(studyAreaCells([west, east], 9));
    cells.forEach((c, i) => expect(partial[i], c).toBe(!turf.booleanWithin(turf.polygon([cellToBoundary(c, true)]), both)));
    expect(partial.some((p) => p)).toBe(true);
    // Some whole cells straddle the shared edge at lon -0.02: whole in the union, in neither box alone.
    const astride = cells.filter(
      (c, i) =>
        !partial[i] && cellToBoundary(c, true).some(([x]) => x < -0.02) && cellToBoundary(c, true).some(([x]) => x > -0.02),
    );
    expect(astride.length).toBeGreaterThan(0);
  });
});

describe.runIf(haveShared)('Gi* on real Lewisham data against R spdep', () => {
  const wards = JSON.parse(fs.readFileSync(path.join(SHARED, 'lewisham_wards_2022.geojson'), 'utf8')) as FeatureCollection<
    Polygon | MultiPolygon
  >;
  const rows = parse(fs.readFileSync(path.join(SHARED, 'lewisham_violence_robbery_street_api_2016-01_2018-06.csv')), {
    columns: true,
  }) as Array<Record<string, string>>;
  const pts = rows.map((r) => [Number(r.longitude), Number(r.latitude)] as [number, number]);

  it.runIf(!!RSCRIPT)('H3 res 9, k = 1: same z as spdep::localG to 1e-6', () => {
    const cells = studyAreaCells(wards, 9);
    const index = new Map(cells.map((c, i) => [c, i]));
    const x = new Array<number>(cells.length).fill(0);
    for (const [lon, lat] of pts) {
      const i = index.get(latLngToCell(lat, lon, 9));
      if (i !== undefined) x[i]++;
    }
    expect(cells.length).toBeGreaterThan(300); // Lewisham ~35 km², res-9 cells ~0.1 km²
    expect(x.reduce((a, b) => a + b)).toBeGreaterThan(15_000);
    const nb = h3Neighbours(cells, 1);
    const ours = giStar(x, nb);
    const theirs = rLocalG(x, nb);
    expect(theirs).toHaveLength(cells.length);
    let worst = 0;
    for (let i = 0; i < cells.length; i++) worst = Math.max(worst, Math.abs(ours.z[i] - theirs[i]));
    expect(worst).toBeLessThan(1e-6);
    expect(Math.max(...ours.z)).toBeGreaterThan(3); // there are real hot spots
  });

  it.runIf(!!RSCRIPT)('wards, queen contiguity: same lists as spdep::poly2nb and same z as localG', () => {
    const nb = queenNeighbours(wards);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'poly2nb-'));
    let rNb: number[][];
    try {
      rscript('poly2nb.R', [path.join(SHARED, 'lewisham_wards_2022.geojson'), path.join(dir, 'nb.txt')]);
      rNb = fs
        .readFileSync(path.join(dir, 'nb.txt'), 'utf8')
        .replace(/\n$/, '')
        .split('\n')
        .map((l) =>
          l.trim()
            ? l
                .trim()
                .split(' ')
                .map((v) => Number(v) - 1)
            : [],
        );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(withoutSelf(nb)).toEqual(rNb);
    const boxes = wards.features.map((f: Feature<Polygon | MultiPolygon>) => ({ f, bbox: turf.bbox(f) }));
    const x = new Array<number>(wards.features.length).fill(0);
    for (const p of pts) {
      const k = boxes.findIndex(
        ({ f, bbox }) =>
          p[0] >= bbox[0] && p[0] <= bbox[2] && p[1] >= bbox[1] && p[1] <= bbox[3] && turf.booleanPointInPolygon(p, f),
      );
      if (k >= 0) x[k]++;
    }
    const ours = giStar(x, nb);
    const theirs = rLocalG(x, nb);
    for (let i = 0; i < x.length; i++) expect(Math.abs(ours.z[i] - theirs[i])).toBeLessThan(1e-6);
  });
});
