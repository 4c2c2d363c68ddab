// Kernel density surface (geodata/stats/kde.ts, web/src/map/prepare/kde.ts, layers/kde.ts) on real police.uk
// points (Lewisham and Hackney burglary): the bandwidth rule and the Gaussian surface against R's MASS
// (bandwidth.nrd, kde2d on the same grid), the quartic kernel's mass, the clip to the wards checked with
// Turf, the layer against the style spec. R comparisons are skipped when Rscript is missing.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { booleanPointInPolygon, centroid } from '@turf/turf';
import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import { describe, expect, it } from 'vitest';
import { bngToWgs84, wgs84ToBng } from '../geodata/crs.js';
import {
  bandwidthNrd,
  defaultCellSize,
  kdeOnGrid,
  kdeSurface,
  ruleOfThumbBandwidth,
  studyAreaBng,
} from '../geodata/stats/kde.js';
import { kdeFeatures } from '../web/src/map/prepare/kde.js';
import { kdeLayers, kdeSources } from '../web/src/map/layers/kde.js';
import { fallbackStyle } from '../web/src/map/base-style.js';

const DATA = path.resolve('../shared/data');
const RSCRIPT = ['/usr/bin/Rscript', '/usr/local/bin/Rscript'].find((p) => fs.existsSync(p));
if (!RSCRIPT) console.log('SKIPPED: KDE comparisons with R (Rscript not found)');

function points(file: string, month: string): [number, number][] {
  const rows = parse(fs.readFileSync(path.join(DATA, file)), { columns: true }) as Record<string, string>[];
  return rows.filter((r) => r.Month.startsWith(month) && r.Longitude).map((r) => [Number(r.Longitude), Number(r.Latitude)]);
}

const lewisham = points('lewisham_burglary_street_2022-03_2025-02.csv', '2024');
const hackney = points('hackney_burglary_street_2022-03_2025-02.csv', '2024');
const lewishamWards = JSON.parse(fs.readFileSync(path.join(DATA, 'lewisham_wards_2022.geojson'), 'utf8'));
// Hackney's wards are published in BNG: to WGS84 as the importer stores them.
const hackneyWards = JSON.parse(fs.readFileSync(path.join(DATA, 'hackney_wards_2024_bng.geojson'), 'utf8'));
for (const f of hackneyWards.features) {
  const polys = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
  for (const poly of polys) for (const ring of poly) for (const p of ring) p.splice(0, 2, ...bngToWgs84(p[0], p[1]));
}

function r(script: string, input: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kde-r-'));
  fs.writeFileSync(path.join(dir, 'in.txt'), input);
  fs.writeFileSync(path.join(dir, 'run.R'), script);
  return execFileSync(RSCRIPT!, [path.join(dir, 'run.R'), path.join(dir, 'in.txt')], { encoding: 'utf8' });
}

describe('KDE on real police.uk points', () => {
  it('has the data it needs', () => {
    expect(lewisham.length).toBeGreaterThan(1000);
    expect(hackney.length).toBeGreaterThan(1000);
  });

  it.skipIf(!RSCRIPT)('bandwidth.nrd and a Gaussian surface equal MASS::bandwidth.nrd and MASS::kde2d on the same grid', () => {
    for (const [name, pts] of [
      ['lewisham', lewisham],
      ['hackney', hackney],
    ] as const) {
      const bng = pts.map(([lon, lat]) => {
        const [x, y] = wgs84ToBng(lon, lat);
        return { x, y };
      });
      const h = ruleOfThumbBandwidth(bng);
      const grid = {
        x0: Math.min(...bng.map((p) => p.x)) - 500,
        y0: Math.min(...bng.map((p) => p.y)) - 500,
        cell: 200,
        nx: 45,
        ny: 50,
      };
      const ours = kdeOnGrid(bng, grid, { kernel: 'gaussian', bandwidth: h });
      const out = r(
        `library(MASS)
d <- read.table(commandArgs(trailingOnly = TRUE)[1], header = TRUE)
h <- ${h}
x0 <- ${grid.x0}; y0 <- ${grid.y0}; cs <- ${grid.cell}; nx <- ${grid.nx}; ny <- ${grid.ny}
k <- kde2d(d$x, d$y, h = c(h, h), n = c(nx, ny), lims = c(x0 + cs / 2, x0 + (nx - 0.5) * cs, y0 + cs / 2, y0 + (ny - 0.5) * cs))
cat(formatC(c(bandwidth.nrd(d$x), bandwidth.nrd(d$y)), digits = 17, format = "g"), "\\n")
cat(formatC(as.vector(k$z), digits = 17, format = "g"), "\\n")
`,
        `x y\n${bng.map((p) => `${p.x} ${p.y}`).join('\n')}\n`,
      );
      const [bwLine, zLine] = out.trim().split('\n');
      const [bx, by] = bwLine.trim().split(/\s+/).map(Number);
      expect(bandwidthNrd(bng.map((p) => p.x)) / bx, name).toBeCloseTo(1, 12);
      expect(bandwidthNrd(bng.map((p) => p.y)) / by, name).toBeCloseTo(1, 12);
      expect(h).toBeCloseTo((bx + by) / 2, 9);
      // kde2d's z is column-major (x fastest within a column of y) and integrates to 1; ours is per km² and
      // integrates to n: ours = z · n · 10⁶.
      const z = zLine.trim().split(/\s+/).map(Number);
      expect(z).toHaveLength(grid.nx * grid.ny);
      const peak = Math.max(...z);
      let compared = 0;
      for (let j = 0; j < grid.ny; j++)
        for (let i = 0; i < grid.nx; i++) {
          const ref = z[j * grid.nx + i] * bng.length * 1e6;
          if (z[j * grid.nx + i] < peak * 1e-6) continue;
          expect(Math.abs(ours.density[j * grid.nx + i] - ref) / ref, `${name} cell ${i},${j}`).toBeLessThan(1e-9);
          compared++;
        }
      expect(compared).toBeGreaterThan(grid.nx * grid.ny * 0.5);
    }
  });

  it('the quartic kernel spreads each incident over one incident (mass = n on a grid that holds every kernel)', () => {
    const bng = lewisham.slice(0, 500).map(([lon, lat]) => {
      const [x, y] = wgs84ToBng(lon, lat);
      return { x, y };
    });
    const h = 600;
    const cell = 20;
    const x0 = Math.min(...bng.map((p) => p.x)) - h - cell;
    const y0 = Math.min(...bng.map((p) => p.y)) - h - cell;
    const nx = Math.ceil((Math.max(...bng.map((p) => p.x)) + h + cell - x0) / cell);
    const ny = Math.ceil((Math.max(...bng.map((p) => p.y)) + h + cell - y0) / cell);
    const g = kdeOnGrid(bng, { x0, y0, cell, nx, ny }, { kernel: 'quartic', bandwidth: h });
    const mass = (g.density.reduce((a, b) => a + b, 0) * cell * cell) / 1e6;
    expect(mass / bng.length).toBeCloseTo(1, 2);
    // No density beyond h of every point.
    const far = { x: x0 + cell / 2, y: y0 + cell / 2 };
    expect(bng.every((p) => Math.hypot(p.x - far.x, p.y - far.y) > h)).toBe(true);
    expect(g.density[0]).toBe(0);
  });

  it('default cell size: 50 cells on the shorter side, rounded down to 1, 2 or 5 × 10^k m', () => {
    expect(defaultCellSize(9000, 12_000)).toBe(100); // 180 → 100
    expect(defaultCellSize(12_000, 30_000)).toBe(200); // 240 → 200
    expect(defaultCellSize(30_000, 26_000)).toBe(500); // 520 → 500
  });

  for (const [name, pts, wards] of [
    ['Lewisham', lewisham, lewishamWards],
    ['Hackney', hackney, hackneyWards],
  ] as const) {
    it(`${name}: the surface is clipped to the wards (each square's centre inside a ward by Turf, no square left out)`, () => {
      const area = studyAreaBng(wards.features.map((f: any) => f.geometry));
      const t0 = performance.now();
      const s = kdeSurface(pts, area)!;
      const { fc, max } = kdeFeatures(s);
      const ms = performance.now() - t0;
      console.log(
        `${name}: ${pts.length} points, bandwidth ${s.bandwidth.toFixed(0)} m, ${s.grid.cell} m cells (${s.grid.nx}×${s.grid.ny}), ${fc.features.length} squares, ${ms.toFixed(0)} ms`,
      );
      expect(s.bandwidthRule).toBe('rule_of_thumb');
      expect(max).toBeGreaterThan(0);
      expect(fc.features.length).toBeGreaterThan(500);
      const inWard = (pt: any) => wards.features.some((w: any) => booleanPointInPolygon(pt, w));
      for (const f of fc.features) expect(inWard(centroid(f))).toBe(true);
      // Every grid cell whose centre Turf puts in a ward is among the inside cells.
      const inside = new Set(s.inside);
      const { x0, y0, cell, nx, ny } = s.grid;
      let checked = 0;
      for (let j = 0; j < ny; j += 3)
        for (let i = 0; i < nx; i += 3) {
          const c = bngToWgs84(x0 + (i + 0.5) * cell, y0 + (j + 0.5) * cell);
          expect(inside.has(j * nx + i), `${i},${j}`).toBe(inWard({ type: 'Point', coordinates: c }));
          checked++;
        }
      expect(checked).toBeGreaterThan(400);
      // A chosen bandwidth is used and reported as chosen.
      expect(kdeSurface(pts, area, { bandwidth: 400 })).toMatchObject({ bandwidth: 400, bandwidthRule: 'chosen' });
    });
  }

  it('the layer is a valid MapLibre style', () => {
    const style = {
      ...fallbackStyle(),
      sources: kdeSources(),
      layers: [...fallbackStyle().layers, ...kdeLayers({ visible: true, max: 120 })],
    };
    expect(validateStyleMin(style as any)).toEqual([]);
  });
});
