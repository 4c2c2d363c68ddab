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
import { chromiumMissingReason, ensureWebBuild, launchBrowser, openPage, screenshot, waitForMapIdle, type Browser, type Page } from './browser.js';

const FILES = {
  wards: 'lewisham_wards_2022.geojson',
  lsoas: 'lewisham_lsoa21.geojson',
  population: 'lewisham_lsoa21_population_census2021.csv',
  burglary: 'lewisham_burglary_street_2022-03_2025-02.csv',
  violence: 'lewisham_violence_robbery_street_api_2016-01_2018-06.csv',
};
const skipReason = chromiumMissingReason() ?? (fs.existsSync(SHARED) ? null : `no shared data at ${SHARED}`);
if (skipReason) console.log(`Skipping the first-hour browser test: ${skipReason}`);

const DESKTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };

/** The app as `npm start` runs it (without the build step), on a fresh data directory; resolves once it printed the setup link. */
function startApp(dataDir: string): Promise<{ proc: ChildProcess; base: string; setupLink: string; out: () => string }> {
  const port = String(20000 + Math.floor(Math.random() * 20000));
  const proc = spawn(process.execPath, ['--import', 'tsx', 'api/main.ts'], { env: { ...process.env, DATA_DIR: dataDir, PORT: port, DATABASE_URL: '', HOST: '127.0.0.1' } });
  let out = '';
  return new Promise((resolve, reject) => {
    const seen = () => {
      const link = /(http:\/\/\S+\/setup#token=\S+)/.exec(out);
      const base = /Saferplaces running at (http:\/\/\S+?)\/\s/.exec(out);
      if (link && base) resolve({ proc, base: base[1], setupLink: link[1], out: () => out });
    };
    proc.stdout!.on('data', (b) => ((out += b), seen()));
    proc.stderr!.on('data', (b) => (out += b));
    proc.on('exit', (code) => reject(new Error(`the app exited (${code}) before printing the setup link:\n${out}`)));
  });
}

/** No page may be a dead end. */
async function expectNoDeadEnd(page: Page) {
  expect(await page.locator('[data-testid="not-allowed"]').count()).toBe(0);
  expect(await page.textContent('body')).not.toMatch(/Not available/);
}

/** Uploads one file through the Import page with its defaults and waits for its outcome. */
async function importThroughPage(page: Page, file: string, expectLevel?: string) {
  await page.setInputFiles('[data-testid="import-file"]', SHARED + file);
  if (expectLevel) {
    // The level follows the file's ONS code field (never a fixed "ward").
    await page.waitForFunction((lvl) => (document.querySelector('[data-testid="import-level"]') as HTMLInputElement | null)?.value === lvl, expectLevel, { timeout: 10_000 });
  }
  await page.click('[data-testid="import-submit"]');
  const job = page.locator('[data-testid="import-job"]', { hasText: file });
  await job.waitFor({ timeout: 30_000 });
  await page.waitForFunction(
    (name) => [...document.querySelectorAll('[data-testid="import-job"]')].some((el) => el.textContent?.includes(name) && ['committed', 'failed'].includes((el as HTMLElement).dataset.status ?? '')),
    file,
    { timeout: 240_000, polling: 250 },
  );
  expect(await job.getAttribute('data-status'), `${file}: ${await job.textContent()}`).toBe('committed');
  return job;
}

describe.skipIf(skipReason)('the first hour, in Chromium', () => {
  let browser: Browser;
  let app: Awaited<ReturnType<typeof startApp>> | undefined;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'saferplaces-first-hour-'));

  beforeAll(async () => {
    ensureWebBuild();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    if (app?.proc.exitCode === null) {
      const exited = new Promise((r) => app!.proc.once('exit', r));
      app.proc.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('goes from a fresh data directory to the hotspot map of the violence data with no dead ends and no data lost', async () => {
    const t0 = Date.now();
    app = await startApp(dataDir);
    const started = Date.now() - t0;

    // The setup link: one person, administrator and analyst in one step.
    const { page, errors } = await openPage(browser, app.setupLink, { viewport: DESKTOP, ready: { selector: '[data-testid="setup-form"]', what: 'the setup page' } });
    await page.fill('[data-testid="setup-name"]', 'Sam Analyst');
    await page.fill('[data-testid="setup-email"]', 'sam@council.example');
    expect(await page.isChecked('[data-testid="setup-also-analyst"]')).toBe(true);
    expect(await page.inputValue('[data-testid="setup-analyst-email"]')).toBe('sam+analyst@council.example');
    await page.fill('[data-testid="setup-password"]', 'a long first-hour password');
    await page.fill('[data-testid="setup-confirm"]', 'a long first-hour password');
    await screenshot(page, 'first-hour-1-setup-1366');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'first-hour-1-setup-390');
    await page.setViewportSize(DESKTOP);
    await page.click('[data-testid="setup-submit"]');

    // Straight to the Import page, which the analyst can use.
    await page.waitForSelector('[data-testid="import-form"]', { timeout: 20_000 });
    await expectNoDeadEnd(page);
    await importThroughPage(page, FILES.wards, 'ward');
    await importThroughPage(page, FILES.lsoas, 'lsoa');
    await screenshot(page, 'first-hour-2-import-lsoa-1366');
    await importThroughPage(page, FILES.population);
    await importThroughPage(page, FILES.burglary);
    const violence = await importThroughPage(page, FILES.violence);
    expect(await violence.textContent()).not.toMatch(/wards loaded|area km2|code field|true|false/);
    await page.setViewportSize(PHONE);
    await screenshot(page, 'first-hour-2-import-390');
    await page.setViewportSize(DESKTOP);

    // The ward level is intact: 19 wards, and the LSOAs beside them.
    const sets = await (await page.request.get(`${app.base}/api/area-sets`)).json();
    expect(Object.fromEntries(sets.sets.map((s: { level: string; count: number }) => [s.level, s.count]))).toEqual({ ward: 19, lsoa: 175 });

    // The map: it opens on the newest data and says where the violence data are, offering to go there.
    await page.click('[data-testid="nav-map"]');
    await waitForMapIdle(page);
    await expectNoDeadEnd(page);
    const elsewhere = page.locator('[data-testid="data-elsewhere"]');
    await elsewhere.first().waitFor({ timeout: 20_000 });
    expect(await elsewhere.first().textContent()).toMatch(/Robbery, Violence and sexual offences: data Jan 2016 – Jun 2018 only/);
    await page.click('[data-testid="data-elsewhere-jump"]');
    await waitForMapIdle(page);
    expect(new URL(page.url()).searchParams.get('from')).toBe('2017-07');

    // The hotspot map (Gi*) of the violence data.
    await page.click('[data-testid="mode-gi"]');
    await page.waitForSelector('[data-testid="hotspot-legend"]', { timeout: 60_000 });
    await waitForMapIdle(page, 120_000);
    await expectNoDeadEnd(page);
    expect(await page.textContent('[data-testid="hotspot-legend"]')).toMatch(/Gi\*/);
    // Credits from what is loaded, behind the compact "i" button.
    const attrib = page.locator('.maplibregl-ctrl-attrib');
    expect(await attrib.getAttribute('class')).toMatch(/maplibregl-compact(?!-show)/);
    expect(await attrib.textContent()).toMatch(/data\.police\.uk \(Metropolitan Police Service\)/);
    expect(await attrib.textContent()).not.toMatch(/Lewisham/);
    await screenshot(page, 'first-hour-3-hotspots-1366');
    await page.setViewportSize(PHONE);
    await waitForMapIdle(page, 120_000);
    await screenshot(page, 'first-hour-3-hotspots-390');
    await page.setViewportSize(DESKTOP);

    // The other pages the header offers: none is a dead end.
    for (const p of ['/journeys', '/planning', '/chb']) {
      await page.goto(`${app.base}${p}`);
      await page.waitForSelector('main .page-loading', { state: 'detached', timeout: 30_000 });
      await expectNoDeadEnd(page);
    }
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
    const wall = (Date.now() - t0) / 1000;
    console.log(`First hour: ${wall.toFixed(1)} s wall time (app start to setup link ${(started / 1000).toFixed(1)} s).`);
  });
});
