// Harm schemes: the shipped files are complete and internally consistent; the user CSV parser.
import { describe, expect, it } from 'vitest';
import { parseSchemeCsv, SchemeCsvError } from '../geodata/harm/parse-csv.js';
import { CATEGORY_SLUGS, SHIPPED_SCHEME_NAMES, shippedScheme, shippedSchemeFile, weightOf } from '../geodata/harm/schemes.js';

const CATEGORY_FILES = ['count', 'cambridge-chi'] as const;

describe('shipped schemes', () => {
  it.each(CATEGORY_FILES)('%s covers the 14 police.uk categories and cites a source', (name) => {
    const s = shippedScheme(name);
    expect(Object.keys(s.weights).sort()).toEqual([...CATEGORY_SLUGS].sort());
    expect(s.source.length).toBeGreaterThan(10);
    expect(s.version).toBeTruthy();
  });
  it.each(SHIPPED_SCHEME_NAMES)('%s cites a source and a version', (name) => {
    expect(shippedScheme(name).source.length).toBeGreaterThan(10);
    expect(shippedScheme(name).version).toBeTruthy();
  });
  it.each(CATEGORY_FILES)('%s: every weight follows from its components as its derivation says', (name) => {
    for (const w of shippedSchemeFile(name).weights) {
      const c = w.components;
      if (c.length === 0) continue;
      if (c.every((x) => x.count !== undefined)) {
        const n = c.reduce((a, x) => a + x.count!, 0);
        expect(w.weight, w.category).toBeCloseTo(c.reduce((a, x) => a + x.count! * x.weight, 0) / n, 3);
        expect(w.derivation).toMatch(/count-weighted/);
      } else if (c.length === 1) {
        expect(w.weight, w.category).toBe(c[0].weight);
      } else {
        const v = c.map((x) => x.weight).sort((a, b) => a - b);
        const mid = v.length >> 1;
        expect(w.weight, w.category).toBeCloseTo(v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2, 3);
        expect(w.derivation).toMatch(/median/);
      }
    }
  });
  it('weights as published in the sources the files cite', () => {
    const chi = shippedScheme('cambridge-chi');
    expect(weightOf(chi, 'robbery')).toBe(365);
    expect(weightOf(chi, 'shoplifting')).toBe(1);
    expect(weightOf(chi, 'violent-crime')).toBeCloseTo(218.939, 3);
    expect(weightOf(chi, 'anti-social-behaviour')).toBe(0);
    expect(weightOf(shippedScheme('count'), 'drugs')).toBe(1);
    // ONS List of weights, edition current in late 2020 (issue 18; was 993.55 from a mixed-edition source).
    expect(weightOf(shippedScheme('ons-css'), 'robbery')).toBeCloseTo(799.6288702, 7);
    expect(weightOf(chi, 'no-such-category', null, 7)).toBe(7);
    expect(shippedSchemeFile('cambridge-chi').notes[0]).toMatch(/^DERIVED/);
    expect(shippedScheme('cambridge-chi').source).toMatch(/isthisben\/cbl-realcrime.*data\/cchi_weights\.csv/);
  });
});

describe('parseSchemeCsv', () => {
  it('reads slugs and labels, BOM, blank lines', () => {
    const s = parseSchemeCsv('\uFEFFcategory,weight\nrobbery,10\n\nViolence and sexual offences,2.5\nburglary,0\n', {
      name: 'mine',
    });
    expect(s.weights).toEqual({ robbery: 10, 'violent-crime': 2.5, burglary: 0 });
    expect(s.name).toBe('mine');
    expect(s.source).toBe('user-supplied CSV');
  });
  it('reports every bad row with its line number', () => {
    const text = 'category,weight\nrobbery,1\nmurder,5\nrobbery,2\nburglary,-1\ndrugs,lots\n\nshoplifting,\nbicycle-theft,1,2\n';
    try {
      parseSchemeCsv(text, { name: 'x' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SchemeCsvError);
      const p = (e as SchemeCsvError).problems;
      expect(p[0]).toMatch(/^line 3: unknown category "murder"/);
      expect(p[1]).toBe('line 4: duplicate category "robbery" (first on line 2)');
      expect(p[2]).toBe('line 5: negative weight "-1"');
      expect(p[3]).toBe('line 6: weight "lots" is not a number');
      expect(p[4]).toBe('line 8: weight "" is not a number');
      expect(p[5]).toBe('line 9: expected 2 fields (category,weight), found 3');
      expect(p).toHaveLength(6);
    }
  });
  it('refuses a wrong header and an empty file', () => {
    expect(() => parseSchemeCsv('crime,score\nrobbery,1\n', { name: 'x' })).toThrow(/header must be "category,weight"/);
    expect(() => parseSchemeCsv('', { name: 'x' })).toThrow(/empty/);
    expect(() => parseSchemeCsv('category,weight\n', { name: 'x' })).toThrow(/no weights/);
    expect(() => parseSchemeCsv('category,weight\nrobbery,1\n', { name: '' })).toThrow();
  });
});
