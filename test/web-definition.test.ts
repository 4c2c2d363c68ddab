// The partnership's serious-violence definition on the planning and CHB pages (issue 18): what the
// planning tools send when it is chosen, what the outreach body accepts, and the words every legend and
// definition note gives (categories, the narrowing applied, what it cannot narrow, the approximation).
import { describe, expect, it } from 'vitest';
import { outreachBody } from '../contract/planning.js';
import { DEFAULT_WINDOW, windowCategories, windowParams } from '../web/src/pages/planning/AnalysisWindow.js';
import { describeCategorySet } from '../web/src/map/prepare/hotspots.js';
import { APPROXIMATION_NOTE, DEFAULT_DEFINITION, definitionMeta } from '../api/definitions/serious-violence.js';
import { schemeMeta } from '../api/hotspots/schemes.js';
import { shippedScheme } from '../geodata/harm/schemes.js';
import { ONS_CSS_EDITION } from '../geodata/harm/ons-table.js';
import { statementLines } from '../web/src/components/DefinitionNote.js';
import { legendLines } from '../web/src/map/prepare/journeys.js';
import type { ExposureMeta } from '../contract/journeys.js';

describe('serious violence on the planning page', () => {
  it('sends the category set only when chosen, in the query and in the outreach body', () => {
    expect(windowParams(DEFAULT_WINDOW)).toEqual({ weights: 'count' });
    expect(windowCategories(DEFAULT_WINDOW)).toBeUndefined();
    const sv = { ...DEFAULT_WINDOW, from: '2018-01', to: '2018-07', seriousViolence: true };
    expect(windowParams(sv)).toEqual({ from: '2018-01', to: '2018-07', weights: 'count', category: '@serious-violence' });
    const body = outreachBody.parse({ ...windowParams(sv), category: windowCategories(sv) });
    expect(body.category).toEqual(['@serious-violence']);
    expect(() => outreachBody.parse({ category: ['@Serious violence'] })).toThrow();
  });

  it('states the definition: categories, what is applied, what cannot be narrowed, the approximation', () => {
    const base = { name: 'serious-violence', changed_at: '2026-12-07T12:00:00Z', changed_by: 'a@example.org' };
    const plain = describeCategorySet(definitionMeta({ ...base, version: 0, definition: DEFAULT_DEFINITION }));
    expect(plain).toEqual([
      `Categories: ${DEFAULT_DEFINITION.label} (version 0, built-in default): possession-of-weapons, robbery, violent-crime`,
      'Applied: category filter: possession-of-weapons, robbery, violent-crime',
      APPROXIMATION_NOTE,
    ]);
    const narrowed = describeCategorySet(
      definitionMeta({
        ...base,
        version: 3,
        definition: { ...DEFAULT_DEFINITION, offence_codes: ['5D'], victim_age: { max: 24 }, location_types: ['Street'] },
      }),
    );
    expect(narrowed[1]).toBe(
      'Applied: category filter: possession-of-weapons, robbery, violent-crime; narrowed to offence codes 5D; victim age 0–24 (bands wholly outside it left out); location types street',
    );
    expect(narrowed[2]).toMatch(/^Not narrowed: incidents that do not carry the field .* are kept$/);
  });
});

describe('what results state about the harm table and the definition (planning, CHB, journeys, pack)', () => {
  const base = { name: 'serious-violence', changed_at: '2026-12-07T12:00:00Z', changed_by: 'a@example.org' };
  const set = definitionMeta({
    ...base,
    version: 2,
    definition: { ...DEFAULT_DEFINITION, label: 'Lewisham SV', offence_codes: ['5D'], location_types: ['Street'] },
  });

  it('the ONS scheme states its edition and the categories whose composition is unknown, never a number for them', () => {
    const ons = schemeMeta(shippedScheme('ons-css'));
    const lines = statementLines(ons, null);
    expect(lines[0]).toBe(`Harm scheme: ${ons.label} (ons-css ${ons.version})`);
    expect(lines[0]).toContain('edition current in late 2020');
    expect(ONS_CSS_EDITION).toContain('edition current in late 2020');
    const none = Object.keys(ons.categories_without_weight);
    expect(none).toContain('violent-crime'); // bundles codes of different weights; no mix is shipped
    expect(lines.find((l) => l.startsWith('No weight'))).toBe(
      `No weight (composition unknown or not notifiable): ${none.join(', ')}`,
    );
    for (const c of none) expect(ons.category_weights?.[c]).toMatch(/composition unknown|not notifiable|no weight/);
    expect(lines.some((l) => l.startsWith('Categories:'))).toBe(false);
  });

  it('the Cambridge scheme is stated as derived, with its source', () => {
    const chi = schemeMeta(shippedScheme('cambridge-chi'));
    const lines = statementLines(chi, set);
    expect(lines).toContain(`Derived table: ${chi.derived}`);
    expect(chi.derived).toMatch(/isthisben\/cbl-realcrime.*data\/cchi_weights\.csv/);
    expect(lines.slice(-4)).toEqual([
      'Categories: Lewisham SV (version 2): possession-of-weapons, robbery, violent-crime',
      'Applied: category filter: possession-of-weapons, robbery, violent-crime; narrowed to offence codes 5D; location types street',
      expect.stringMatching(/^Not narrowed: /),
      APPROXIMATION_NOTE,
    ]);
    // Planning panels get a scheme of only name and label (contract/planning.ts SchemeMeta): the label stands alone.
    expect(statementLines({ name: 'x', label: 'My table' })).toEqual(['Harm scheme: My table']);
  });

  it('the journeys legend states the definition and, ranking by harm, the scheme with its unknown compositions', () => {
    const ons = schemeMeta(shippedScheme('ons-css'));
    const meta = {
      from: '2018-01-01',
      to: '2018-07-01',
      categories: set.categories,
      corridor_m: 100,
      windows: '07:30-09:30,14:30-17:00',
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      term_only: true,
      terms_in_window: 1,
      age_max: 17,
      weights: ons,
      rank_by: 'harm',
      window_hours: 1,
      rules: {},
      warnings: [],
      category_set: set,
    } as unknown as ExposureMeta;
    const lines = new Map(legendLines(meta, (s) => s).map((l) => [l.label, l.value]));
    expect(lines.get('Harm scheme')).toContain('edition current in late 2020');
    expect(lines.get('Harm scheme')).toContain('No weight (composition unknown or not notifiable)');
    expect(lines.get('Definition')).toMatch(/^Categories: Lewisham SV \(version 2\).*narrowed to offence codes 5D/);
    const plain = new Map(
      legendLines({ ...meta, rank_by: 'count', category_set: undefined }, (s) => s).map((l) => [l.label, l.value]),
    );
    expect(plain.has('Harm scheme')).toBe(false);
    expect(plain.has('Definition')).toBe(false);
  });
});
