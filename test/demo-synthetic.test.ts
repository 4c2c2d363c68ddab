// The synthetic demo generator (geodata/synthetic.ts): deterministic, self-consistent, clearly
// labelled, and shaped like real police.uk data with hotspots that a hotspot map should show.
import { parse } from 'csv-parse/sync';
import {
  area,
  bbox as turfBbox,
  booleanPointInPolygon,
  booleanValid,
  distance,
  pointToLineDistance,
  polygonToLine,
  union,
} from '@turf/turf';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { describe, expect, it, vi } from 'vitest';
import {
  generateSyntheticDemo,
  mulberry32,
  POLICE_UK_CATEGORIES,
  POLICE_UK_HEADER,
  SYNTHETIC_CODE_PREFIX,
  toBoundariesGeoJson,
  toPoliceUkCsv,
  toPopulationCsv,
  type SyntheticDemo,
} from '../geodata/synthetic.js';

// One default run shared by the checks below (a second one is made for the determinism test).
const demo: SyntheticDemo = generateSyntheticDemo();

function wardLocator(fc: FeatureCollection<Polygon | MultiPolygon, { code: string }>) {
  const wards = fc.features.map((f) => ({ f, b: turfBbox(f) }));
  return (lon: number, lat: number) =>
    wards
      .filter(({ f, b }) => lon >= b[0] && lon <= b[2] && lat >= b[1] && lat <= b[3] && booleanPointInPolygon([lon, lat], f))
      .map(({ f }) => f.properties.code);
}

describe('synthetic demo generator', () => {
  it('mulberry32 repeats for a seed, differs between seeds and stays in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const xs = Array.from({ length: 10_000 }, () => a());
    expect(Array.from({ length: 10_000 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 10 }, () => c())).not.toEqual(xs.slice(0, 10));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.reduce((s, x) => s + x, 0) / xs.length).toBeCloseTo(0.5, 1);
  });

  it('is deterministic: the same seed gives byte-identical files, and never calls Math.random', () => {
    const spy = vi.spyOn(Math, 'random');
    try {
      const again = generateSyntheticDemo();
      expect(spy).not.toHaveBeenCalled();
      expect(toPoliceUkCsv(again)).toBe(toPoliceUkCsv(demo));
      expect(toBoundariesGeoJson(again)).toBe(toBoundariesGeoJson(demo));
      expect(toPopulationCsv(again)).toBe(toPopulationCsv(demo));
    } finally {
      spy.mockRestore();
    }
    const other = generateSyntheticDemo({ seed: 7 });
    expect(toPoliceUkCsv(other)).not.toBe(toPoliceUkCsv(demo));
    expect(toBoundariesGeoJson(other)).not.toBe(toBoundariesGeoJson(demo));
  });

  it('draws ~12 valid, non-overlapping, clearly synthetic wards', () => {
    const wards = demo.boundaries.features;
    expect(wards).toHaveLength(12);
    for (const w of wards) {
      expect(booleanValid(w)).toBe(true);
      expect(w.properties.name).toMatch(/^Synthetic ward [A-Z]$/);
      expect(w.properties.code.startsWith(SYNTHETIC_CODE_PREFIX)).toBe(true);
      // Coordinates are truncated to 1e-6 degrees.
      const [lon, lat] = (
        w.geometry.type === 'Polygon' ? w.geometry.coordinates[0][0] : w.geometry.coordinates[0][0][0]
      ) as number[];
      expect(Math.round(lon * 1e6) / 1e6).toBe(lon);
      expect(Math.round(lat * 1e6) / 1e6).toBe(lat);
    }
    expect(new Set(wards.map((w) => w.properties.code)).size).toBe(12);
    // No overlaps and no holes: the wards' areas add up to the area of their union, one polygon.
    const sum = wards.reduce((s, w) => s + area(w), 0);
    const u = union(demo.boundaries as FeatureCollection<Polygon | MultiPolygon>)!;
    expect(u.geometry.type).toBe('Polygon');
    expect(Math.abs(sum - area(u)) / sum).toBeLessThan(1e-4);
    // About the size of a London borough (Lewisham is 35 km2).
    expect(sum / 1e6).toBeGreaterThan(20);
    expect(sum / 1e6).toBeLessThan(60);
  });

  it('gives each ward a plausible population', () => {
    expect(demo.population.map((p) => p.code).sort()).toEqual(demo.boundaries.features.map((w) => w.properties.code).sort());
    for (const p of demo.population) {
      expect(Number.isInteger(p.population)).toBe(true);
      expect(p.population).toBeGreaterThan(3_000);
      expect(p.population).toBeLessThan(60_000);
    }
    expect(toPopulationCsv(demo).split('\n')[0]).toBe('code,population');
  });

  it('puts every incident inside the wards, except a known small share just outside', () => {
    const locate = wardLocator(demo.boundaries);
    const outside = demo.incidents.filter((i) => i.outside);
    for (const i of demo.incidents) expect(locate(i.lon, i.lat).length > 0).toBe(!i.outside);
    const share = outside.length / demo.incidents.length;
    expect(share).toBeGreaterThan(0.001);
    expect(share).toBeLessThan(0.02);
    // "Just outside", as snapped police.uk points near a boundary are: within 60 m of the edge.
    const edge = polygonToLine(union(demo.boundaries as FeatureCollection<Polygon | MultiPolygon>)!.geometry as Polygon);
    for (const o of outside) expect(pointToLineDistance([o.lon, o.lat], edge as any, { units: 'meters' })).toBeLessThan(60);
  });

  it('has ~20,000 police.uk-shaped records over 24 consecutive months in all 14 categories', () => {
    const n = demo.incidents.length;
    expect(n).toBeGreaterThan(19_000);
    expect(n).toBeLessThan(21_000);
    const months = [...new Set(demo.incidents.map((i) => i.month))].sort();
    expect(months).toHaveLength(24);
    for (let k = 1; k < months.length; k++) {
      const [y, m] = months[k - 1].split('-').map(Number);
      expect(months[k]).toBe(m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`);
    }
    expect(new Set(demo.incidents.map((i) => i.category)).size).toBe(14);

    const rows = parse(toPoliceUkCsv(demo), { relax_column_count: false }) as string[][];
    expect(rows[0].join(',')).toBe(POLICE_UK_HEADER);
    expect(rows).toHaveLength(n + 1);
    const labels = new Set(POLICE_UK_CATEGORIES.map((c) => c.label));
    for (const r of rows.slice(1)) {
      expect(r).toHaveLength(12);
      expect(labels.has(r[9])).toBe(true);
      expect(r[1]).toMatch(/^\d{4}-\d{2}$/);
      expect(r[4]).toMatch(/^-?\d+\.\d{6}$/);
      expect(r[5]).toMatch(/^\d+\.\d{6}$/);
      expect(r[2]).toMatch(/Synthetic/);
      if (r[9] === 'Anti-social behaviour') {
        // As on police.uk: no crime id and no outcome for ASB.
        expect(r[0]).toBe('');
        expect(r[10]).toBe('');
      } else {
        expect(r[0]).toMatch(/^[0-9a-f]{64}$/);
        expect(r[10]).not.toBe('');
      }
    }
  });

  it('plants hotspots a map would show, one growing and one fading', () => {
    const near = (h: (typeof demo.hotspots)[number], cats: string[], months: (m: string) => boolean) =>
      demo.incidents.filter(
        (i) =>
          cats.includes(i.category) &&
          months(i.month) &&
          distance([h.lon, h.lat], [i.lon, i.lat], { units: 'meters' }) <= h.sigmaMetres,
      ).length;
    const boroughKm2 = demo.boundaries.features.reduce((s, w) => s + area(w), 0) / 1e6;
    const all = () => true;
    for (const h of demo.hotspots) {
      const cats = Object.keys(h.perMonth);
      const discKm2 = Math.PI * (h.sigmaMetres / 1000) ** 2;
      const density = near(h, cats, all) / discKm2;
      const average = demo.incidents.filter((i) => cats.includes(i.category)).length / boroughKm2;
      expect(density / average, h.name).toBeGreaterThan(3);
    }
    const months = [...new Set(demo.incidents.map((i) => i.month))].sort();
    const firstYear = (m: string) => m < months[12];
    const secondYear = (m: string) => m >= months[12];
    const growing = demo.hotspots.find((h) => /grows/.test(h.name))!;
    expect(near(growing, Object.keys(growing.perMonth), secondYear)).toBeGreaterThan(
      2 * near(growing, Object.keys(growing.perMonth), firstYear),
    );
    const fading = demo.hotspots.find((h) => /fades/.test(h.name))!;
    expect(near(fading, ['burglary'], firstYear)).toBeGreaterThan(1.5 * near(fading, ['burglary'], secondYear));
  });
});
