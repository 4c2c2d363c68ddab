// The only file that imports Playwright: launch Debian's Chromium with WebGL (SwiftShader), open pages
// (optionally signed in: POST /api/session through the page's own cookie jar), record Content-Security-
// Policy violations, wait for the map's idle signal, take screenshots; also what every browser test
// needs around that: a web build, the app on a free port, code run against a page's map.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServerType } from '@hono/node-server';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Download, type Page } from 'playwright-core';

export type { Browser, Download, Page };

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.resolve('test-results');

export function chromiumMissingReason(): string | null {
  return fs.existsSync(CHROMIUM_PATH) ? null : `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`;
}

/** Flags measured to give WebGL on this machine (see STACK-NOTES.md). */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--use-gl=angle',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: FLAGS, headless: true });
}

export interface OpenedPage {
  page: Page;
  /** Console errors and uncaught exceptions seen so far. */
  errors: string[];
}

export interface Credentials {
  email: string;
  password: string;
}

/** Collects `securitypolicyviolation` events from the first script on (an init script is not subject to the page's CSP). */
const RECORD_CSP = `window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber));`;

/**
 * A page in a fresh browser context (its own cookies). With `signIn`, the context signs in first
 * through POST /api/session on the app at the URL's origin, so the httpOnly session cookie is in the
 * context's jar when the page loads.
 */
export async function openPage(
  browser: Browser,
  url: string,
  opts: {
    viewport?: { width: number; height: number };
    signIn?: Credentials;
    /** Wait for this selector (20 s); if it never comes, fail saying what did not render, with the page's errors and text. */
    ready?: { selector: string; what: string };
  } = {},
): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1440, height: 900 }, acceptDownloads: true });
  await context.addInitScript({ content: RECORD_CSP });
  if (opts.signIn) {
    const res = await context.request.post(`${new URL(url).origin}/api/session`, { data: opts.signIn });
    if (!res.ok()) throw new Error(`sign-in as ${opts.signIn.email} failed: ${res.status()} ${await res.text()}`);
  }
  const page = await context.newPage();
  page.on('close', () => context.close().catch(() => undefined));
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  if (opts.ready) {
    try {
      await page.waitForSelector(opts.ready.selector, { timeout: 20_000 });
    } catch (e) {
      throw new Error(`${opts.ready.what} did not render: ${(e as Error).message}\npage errors: ${errors.join('\n')}\npage text: ${(await page.textContent('body'))?.slice(0, 500)}`);
    }
  }
  return { page, errors };
}

/** Waits until the map container reports idle with every source and request settled. */
export async function waitForMapIdle(page: Page, timeout = 60_000) {
  await page.waitForSelector('[data-testid="map"][data-map-idle="true"]', { timeout });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Content-Security-Policy violations the page has reported so far. */
export function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations ?? []);
}

/** Where `npm run build` puts the web app. */
export const WEB_ROOT = path.resolve('dist/web');

/** Newest modification time of the files under `dir`. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Builds the web app when dist/web is missing or (unless `onlyIfMissing`) older than web/, the vite
 * config or package.json.
 */
export function ensureWebBuild(opts: { onlyIfMissing?: boolean } = {}) {
  const index = path.join(WEB_ROOT, 'index.html');
  if (fs.existsSync(index)) {
    if (opts.onlyIfMissing) return;
    const sources = Math.max(newestSource(path.resolve('web')), fs.statSync('vite.config.ts').mtimeMs, fs.statSync('package.json').mtimeMs);
    if (fs.statSync(index).mtimeMs >= sources) return;
  }
  execFileSync(process.execPath, [path.resolve('node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
}

/**
 * A private copy of the web build: other work may rebuild dist/web while a test runs, and a page
 * whose index.html names assets that were just replaced loads nothing. Retries until the copy's
 * index.html and the assets it names belong together.
 */
export async function snapshotWebBuild(prefix: string): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    fs.cpSync(WEB_ROOT, dir, { recursive: true });
    const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
    const assets = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]);
    if (assets.length && assets.every((a) => fs.existsSync(path.join(dir, a)))) return dir;
    fs.rmSync(dir, { recursive: true, force: true });
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error('dist/web keeps changing: no consistent web build to test');
}

/** The base URL of a server started on 127.0.0.1, once it listens. */
export async function listen(server: ServerType | http.Server): Promise<string> {
  if (!server.listening) await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export const closeServer = (s: ServerType | http.Server | undefined) => new Promise((resolve) => (s ? s.close(resolve) : resolve(undefined)));

/**
 * `onMap(page, fn, arg)` runs `fn(map, arg)` in the page against the map a controller publishes as
 * `window[hook].map` (`__saferplaces`, `__saferplacesJourneys`, `__saferplacesPlanning`).
 */
export function mapRunner(hook: string) {
  return <T, A = undefined>(page: Page, fn: (map: any, arg: A) => T, arg?: A): Promise<T> =>
    page.evaluate(
      ({ hook, src, arg }) => {
        const map = (window as any)[hook]?.map;
        if (!map) throw new Error(`window.${hook}.map is not set`);
        // eslint-disable-next-line no-new-func
        return new Function('map', 'arg', `return (${src})(map, arg);`)(map, arg);
      },
      { hook, src: fn.toString(), arg },
    ) as Promise<T>;
}
