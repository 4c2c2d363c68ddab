// The partnership's serious-violence definition chosen on the Planning and CHB pages in Chromium (issue 18),
// against the real app on real Lewisham data (2022 wards; police.uk 2018 rows of every category through the
// real importer). The definition is a saved version (label, categories, an offence-code narrowing that
// police.uk rows cannot carry); choosing it sends category=@serious-violence, and the result's own legend
// states the version it used, what was applied and what could not be narrowed, beside the harm scheme.
// Screenshots go to test-results/definitions-*.png.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { saveDefinition } from '../../api/definitions/serious-violence.js';
import { SHARED } from '../helpers/db.js';
import { tmpFile } from '../helpers/files.js';
import { browserSkipReason, eventually, LONG_WAIT, TEST_TIMEOUT, useBrowserApp } from './driver.js';

const WARDS = 'lewisham_wards_2022.geojson';
const ALL = 'lewisham_street_all_api_2016-01_2018-06.csv';
const skipReason = browserSkipReason([WARDS, ALL]);
if (skipReason) console.log(`Skipping the definitions browser test: ${skipReason}`);

const DEFINITION = {
  label: 'Lewisham SV (browser test)',
  categories: ['robbery', 'violent-crime'],
  offence_codes: ['8N', '34B'],
  victim_age: null,
  location_types: [],
  note: 'Saved by the browser test',
};
const APPLIED = 'Applied: category filter: robbery, violent-crime; narrowed to offence codes 8N, 34B';

/** Police.uk rows of 2018, every category, as the file gives them. */
function rows2018(): string {
  if (skipReason) return '';
  const lines = fs.readFileSync(`${SHARED}/${ALL}`, 'utf8').split('\n');
  return tmpFile(
    'definitions-all-2018.csv',
    `${[lines[0], ...lines.slice(1).filter((l) => l.startsWith('2018-'))].join('\n')}\n`,
  );
}

describe.skipIf(skipReason)('the serious-violence definition on the Planning and CHB pages', { timeout: TEST_TIMEOUT }, () => {
  const app = useBrowserApp({
    name: 'definitions',
    imports: [
      [WARDS, { kind: 'boundaries', level: 'ward' }],
      [rows2018(), { dataset: 'definitions browser test' }],
    ],
    seed: async (db) => {
      await saveDefinition(db, DEFINITION, 'csp-analyst@example.org');
    },
  });

  it('planning: choosing serious violence sends the set, and the patrol result states the version used and the harm scheme', async () => {
    const screen = await app().open('/planning?tab=patrol', { map: 'planning', mapIdle: true });
    await screen.fill('plan-from', '2018-01');
    await screen.fill('plan-to', '2018-07');
    expect(await screen.count('definition-note')).toBe(0);
    await screen.tick('plan-serious-violence');
    // The definition as it stands, beside the choice.
    await screen.waitFor('definition-note');
    const note = await screen.text('definition-note');
    expect(note).toContain(`Categories: ${DEFINITION.label} (version 1): robbery, violent-crime`);
    expect(note).toContain(APPLIED);
    expect(note).toMatch(/Not narrowed: incidents that do not carry the field/);
    // The coverage strip reads the set as the categories the server expanded it to (not as a slug with no data).
    await eventually(() => screen.text('coverage-strip')).toMatch(/Data Jan 2018 – Jun 2018/);

    const sent = await screen.requestDuring(['/api/planning/patrol'], () => screen.click('patrol-run'));
    expect(sent.searchParams.get('category')).toBe('@serious-violence');
    await screen.waitFor('patrol-results', { timeout: LONG_WAIT });
    // The result's own legend: the version it used and the harm scheme it was weighed by.
    const stated = await screen.text('patrol-statement');
    expect(stated).toContain(`Categories: ${DEFINITION.label} (version 1): robbery, violent-crime`);
    expect(stated).toContain(APPLIED);
    expect(stated).toMatch(/Harm scheme: .+/);
    // The boxes are the API's for the same set.
    const api = await app().json<{ meta: { n_found: number; category_set: { version: number } } }>(
      `/api/planning/patrol?from=2018-01&to=2018-07&category=@serious-violence&weights=count`,
    );
    expect(api.meta.category_set.version).toBe(1);
    expect(Number(await screen.text('patrol-count'))).toBe(api.meta.n_found);
    await screen.screenshot('definitions-planning');
  });

  it('CHB: ticking serious violence re-evaluates with the set, and the dashboard legend states it', async () => {
    const wards = JSON.parse(fs.readFileSync(`${SHARED}/${WARDS}`, 'utf8')).features.map(
      (f: { properties: { WD22CD: string } }) => f.properties.WD22CD,
    ) as string[];
    const client = await app().api();
    const made = await client.request('/api/chb', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'SV definition CHB',
        area: { wards: [wards[0]] },
        control: { wards: [wards[5]] },
        clear_start: '2018-03-01',
        hold_start: '2018-04-01',
        build_start: '2018-05-01',
        build_end: '2018-07-01',
        baseline: { from: '2018-01-01', to: '2018-03-01' },
      }),
    });
    expect(made.status).toBe(201);
    const id = ((await made.json()) as { id: number }).id;

    const screen = await app().open(`/chb?id=${id}`, { ready: 'chb-dashboard', map: 'planning' });
    await screen.waitFor('chb-statement', { timeout: LONG_WAIT });
    expect(await screen.text('chb-statement')).not.toContain('Categories:'); // all categories: no set stated
    const ev = await screen.responseDuring('/evaluation?', () => screen.tick('chb-serious-violence'));
    expect(ev.meta.category_set).toMatchObject({ version: 1, label: DEFINITION.label });
    await eventually(() => screen.text('chb-statement'), LONG_WAIT).toContain(
      `Categories: ${DEFINITION.label} (version 1): robbery, violent-crime`,
    );
    const stated = await screen.text('chb-statement');
    expect(stated).toContain(APPLIED);
    expect(stated).toMatch(/Harm scheme: .+/);
    expect(await screen.text('definition-note')).toContain(DEFINITION.label);
    // The figures are the API's for the set (a strict subset of all categories).
    const viaApi = await app().json<{ phases: Array<{ regions: Array<{ region: string; phase_count: number | null }> }> }>(
      `/api/chb/${id}/evaluation?weights=count&category=@serious-violence`,
    );
    const all = await app().json<typeof viaApi>(`/api/chb/${id}/evaluation?weights=count`);
    expect(ev.phases).toEqual(viaApi.phases);
    const area = (e: typeof viaApi) => e.phases[0].regions.find((r) => r.region === 'area')!.phase_count!;
    expect(area(viaApi)).toBeLessThan(area(all));
    await screen.screenshot('definitions-chb');
  });

  it('map and pack: with the set chosen, the map legend and the pack state the definition; the pack its harm scheme', async () => {
    const q = 'cat=@serious-violence&from=2018-01&to=2018-07';
    const map = await app().open(`/?${q}&layers=choropleth,outlines,labels`, { mapIdle: true });
    await map.waitFor('legend-category-set', { timeout: LONG_WAIT });
    const legend = await map.text('legend-category-set');
    expect(legend).toContain(`Categories: ${DEFINITION.label} (version 1): robbery, violent-crime`);
    expect(legend).toContain(APPLIED);
    await map.screenshot('definitions-map');

    const pack = await app().open(`/pack?${q}`, { ready: 'pack-page' });
    await pack.waitFor('pack-category-set', { timeout: LONG_WAIT });
    expect(await pack.text('pack-category-set')).toContain(`Categories: ${DEFINITION.label} (version 1)`);
    expect(await pack.text('pack-period')).toContain('categories: robbery, violent-crime');
    await pack.waitFor('pack-patrol-scheme', { timeout: LONG_WAIT });
    expect(await pack.text('pack-patrol-scheme')).toMatch(/^Harm scheme: .+/);
  });
});
