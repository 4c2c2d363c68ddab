// The first hour (issue 13), played in Chromium against the real app started as `npm start` would on a
// fresh data directory: the setup link it prints -> one person's account (administrator + analyst in one
// step) -> the Lewisham wards, LSOAs (with the page's defaults), population and two crime files uploaded
// through the Import page -> the hotspot map of the violence data. The ward level must stay intact (19 wards)
// and no page may say "Not available". Prints its wall time; screenshots (390x844, 1366x768) in test-results/.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED } from '../helpers/db.js';
import { browserSkipReason, Chromium, ensureWebBuild, LONG_WAIT, TEST_TIMEOUT, type Screen } from './driver.js';

const FILES = {
  wards: 'lewisham_wards_2022.geojson',
  lsoas: 'lewisham_lsoa21.geojson',
  population: 'lewisham_lsoa21_population_census2021.csv',
  burglary: 'lewisham_burglary_street_2022-03_2025-02.csv',
  violence: 'lewisham_violence_robbery_street_api_2016-01_2018-06.csv',
};
const skipReason = browserSkipReason(Object.values(FILES));
if (skipReason) console.log(`Skipping the first-hour browser test: ${skipReason}`);

const DESKTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };
/** A whole file imported through the page (the violence file is ~20,000 rows), on a loaded machine. */
const IMPORT_WAIT = 240_000;

/** The app as `npm start` runs it (without the build step), on a fresh data directory; resolves once it printed the setup link. */
function startApp(dataDir: string): Promise<{ proc: ChildProcess; base: string; setupLink: string; out: () => string }> {
  const port = String(20000 + Math.floor(Math.random() * 20000));
  const proc = spawn(process.execPath, ['--import', 'tsx', 'api/main.ts'], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: port, DATABASE_URL: '', HOST: '127.0.0.1' },
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the app printed no setup link in ${LONG_WAIT / 1000} s:\n${out}`)),
      LONG_WAIT,
    );
    const seen = () => {
      const link = /(http:\/\/\S+\/setup#token=\S+)/.exec(out);
      const base = /Saferplaces running at (http:\/\/\S+?)\/\s/.exec(out);
      if (link && base) {
        clearTimeout(timer);
        resolve({ proc, base: base[1], setupLink: link[1], out: () => out });
      }
    };
    proc.stdout!.on('data', (b) => ((out += b), seen()));
    proc.stderr!.on('data', (b) => (out += b));
    proc.on('exit', (code) => reject(new Error(`the app exited (${code}) before printing the setup link:\n${out}`)));
  });
}

/** No page may be a dead end. */
async function expectNoDeadEnd(screen: Screen) {
  expect(await screen.count('not-allowed')).toBe(0);
  expect(await screen.pageText()).not.toMatch(/Not available/);
}

/** Uploads one file through the Import page with its defaults and waits for its outcome; the job's text. */
async function importThroughPage(screen: Screen, file: string, expectLevel?: string): Promise<string> {
  await screen.uploadFile('import-file', SHARED + file);
  if (expectLevel) {
    // The level follows the file's ONS code field (never a fixed "ward").
    await screen.waitUntil(({ sel, lvl }) => (document.querySelector(sel) as HTMLInputElement | null)?.value === lvl, {
      sel: '[data-testid="import-level"]',
      lvl: expectLevel,
    });
  }
  await screen.click('import-submit');
  const job = { target: 'import-job', hasText: file };
  await screen.waitFor(job);
  await screen.waitUntil(
    (name) =>
      [...document.querySelectorAll('[data-testid="import-job"]')].some(
        (el) => el.textContent?.includes(name) && ['committed', 'failed'].includes((el as HTMLElement).dataset.status ?? ''),
      ),
    file,
    IMPORT_WAIT,
  );
  const text = await screen.text(job);
  expect(await screen.attr(job, 'data-status'), `${file}: ${text}`).toBe('committed');
  return text;
}

describe.skipIf(skipReason)('the first hour, in Chromium', { timeout: TEST_TIMEOUT }, () => {
  let chromium: Chromium | undefined;
  let app: Awaited<ReturnType<typeof startApp>> | undefined;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'saferplaces-first-hour-'));

  /** A setup that fails makes the test fail with the reason (not skip it). */
  let setupError: Error | undefined;

  beforeAll(async () => {
    try {
      ensureWebBuild();
      chromium = await Chromium.launch();
    } catch (e) {
      setupError = e as Error;
    }
  }, 600_000);
  afterAll(async () => {
    await chromium?.close();
    if (app?.proc.exitCode === null) {
      const exited = new Promise((r) => app!.proc.once('exit', r));
      app.proc.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('goes from a fresh data directory to the hotspot map of the violence data with no dead ends and no data lost', async () => {
    if (setupError || !chromium)
      throw new Error(`the first-hour setup failed: ${setupError?.message ?? 'no browser'}`, { cause: setupError });
    const t0 = Date.now();
    app = await startApp(dataDir);
    const started = Date.now() - t0;

    // The setup link: one person, administrator and analyst in one step.
    const screen = await chromium.open(app.setupLink, { viewport: DESKTOP, ready: 'setup-form' });
    await screen.fill('setup-name', 'Sam Analyst');
    await screen.fill('setup-email', 'sam@council.example');
    expect(await screen.isTicked('setup-also-analyst')).toBe(true);
    expect(await screen.value('setup-analyst-email')).toBe('sam+analyst@council.example');
    await screen.fill('setup-password', 'a long first-hour password');
    await screen.fill('setup-confirm', 'a long first-hour password');
    await screen.screenshot('first-hour-1-setup-1366');
    await screen.screenshot('first-hour-1-setup-390', { viewport: PHONE });
    await screen.resize(DESKTOP);
    await screen.click('setup-submit');

    // Straight to the Import page, which the analyst can use.
    await screen.waitFor('import-form');
    await expectNoDeadEnd(screen);
    await importThroughPage(screen, FILES.wards, 'ward');
    await importThroughPage(screen, FILES.lsoas, 'lsoa');
    await screen.screenshot('first-hour-2-import-lsoa-1366');
    await importThroughPage(screen, FILES.population);
    await importThroughPage(screen, FILES.burglary);
    const violence = await importThroughPage(screen, FILES.violence);
    expect(violence).not.toMatch(/wards loaded|area km2|code field|true|false/);
    await screen.screenshot('first-hour-2-import-390', { viewport: PHONE });
    await screen.resize(DESKTOP);

    // The ward level is intact: 19 wards, and the LSOAs beside them.
    const sets = (await screen.api('/api/area-sets')).body;
    expect(Object.fromEntries(sets.sets.map((s: { level: string; count: number }) => [s.level, s.count]))).toEqual({
      ward: 19,
      lsoa: 175,
    });

    // The map: it opens on the newest data and says where the violence data are, offering to go there.
    await screen.click('nav-map');
    await screen.waitForMapIdle();
    await expectNoDeadEnd(screen);
    await screen.waitFor('data-elsewhere');
    expect(await screen.text('data-elsewhere')).toMatch(/Robbery, Violence and sexual offences: data Jan 2016 – Jun 2018 only/);
    await screen.click('data-elsewhere-jump');
    await screen.waitForMapIdle();
    expect(screen.url().searchParams.get('from')).toBe('2017-07');

    // The hotspot map (Gi*) of the violence data.
    await screen.click('mode-gi');
    await screen.waitFor('hotspot-legend', { timeout: LONG_WAIT });
    await screen.waitForMapIdle();
    await expectNoDeadEnd(screen);
    expect(await screen.text('hotspot-legend')).toMatch(/Gi\*/);
    // Credits from what is loaded, behind the compact "i" button.
    expect(await screen.attr('.maplibregl-ctrl-attrib', 'class')).toMatch(/maplibregl-compact(?!-show)/);
    expect(await screen.text('.maplibregl-ctrl-attrib')).toMatch(/data\.police\.uk \(Metropolitan Police Service\)/);
    expect(await screen.text('.maplibregl-ctrl-attrib')).not.toMatch(/Lewisham/);
    await screen.screenshot('first-hour-3-hotspots-1366');
    await screen.resize(PHONE);
    await screen.waitForMapIdle();
    await screen.screenshot('first-hour-3-hotspots-390');
    await screen.resize(DESKTOP);

    // The other pages the header offers: none is a dead end.
    for (const p of ['/journeys', '/planning', '/chb']) {
      await screen.goto(p);
      await screen.waitFor('main .page-loading', { state: 'detached' });
      await expectNoDeadEnd(screen);
    }
    expect(screen.errors.filter((e) => !/favicon/.test(e))).toEqual([]);
    const wall = (Date.now() - t0) / 1000;
    console.log(`First hour: ${wall.toFixed(1)} s wall time (app start to setup link ${(started / 1000).toFixed(1)} s).`);
    await screen.close();
  });
});
