// The partnership's serious-violence definition on the planning and CHB pages (issue 18): what the
// planning tools send when it is chosen, what the outreach body accepts, and the words every legend and
// definition note gives (categories, the narrowing applied, what it cannot narrow, the approximation).
import { describe, expect, it } from 'vitest';
import { outreachBody } from '../contract/planning.js';
import { DEFAULT_WINDOW, windowCategories, windowParams } from '../web/src/pages/planning/AnalysisWindow.js';
import { describeCategorySet } from '../web/src/map/prepare/hotspots.js';
import { APPROXIMATION_NOTE, DEFAULT_DEFINITION, definitionMeta } from '../api/definitions/serious-violence.js';

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
