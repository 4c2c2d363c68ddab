// The browser-test driver: the only file that imports Playwright or touches its Page. Specs speak in user
// actions and reads (open a screen signed in as someone, click, fill, choose a category, set the period,
// click on the map, draw on it, export with purpose and recipient, upload a file, read the legend or a
// table, take a screenshot) and never see a Page.
//
// Each spec gets its own world (`useBrowserApp`): a fresh in-memory PGlite database (not the run's shared
// one, so nothing another test file left behind is seen), the data it imports, its own app on a free
// port serving a private copy of the web build, and its own Chromium. A setup that fails or runs out of
// time makes every test of the spec fail with the reason; nothing is skipped silently.
//
// Waits are on states (a selector, the map's idle signal, a response, a download), never on fixed times.
// Their limits (WAIT, LONG_WAIT) are generous for a loaded 2-core machine, and every one of them fails
// with what it waited for.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { createApp } from '../../api/app.js';
import type { Role } from '../../api/auth/roles.js';
import { openDb, type Db } from '../../api/db/index.js';
import { importFile, type ImportOptions } from '../../api/imports/index.js';
import { clientFor, createAccount, type Client } from '../helpers/auth.js';
import { SHARED } from '../helpers/db.js';

/** Any wait for a state the page reaches by itself (a selector, a response, the map settling). */
export const WAIT = 60_000;
/** Waits on server-side work a page shows when done (imports of whole files, hotspot statistics, optimisers). */
export const LONG_WAIT = 180_000;
/**
 * One browser test (several screens, server-side statistics, each step with its own limit above): the
 * config's 120 s default is for API tests and timed out a harm-scheme test at load 15-18.
 */
export const TEST_TIMEOUT = 600_000;
/** The whole per-spec setup (web build, database, imports, app, browser). */
const SETUP_TIMEOUT = 540_000;

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.resolve('test-results');
/** Where `npm run build` puts the web app. */
export const WEB_ROOT = path.resolve('dist/web');

/** Why browser tests cannot run here (no Chromium, missing shared data files), or null. */
export function browserSkipReason(files: string[] = []): string | null {
  if (!fs.existsSync(CHROMIUM_PATH)) return `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`;
  const missing = files.map((f) => (path.isAbsolute(f) ? f : path.join(SHARED, f))).filter((f) => !fs.existsSync(f));
  return missing.length ? `no shared data (${missing.map((f) => path.basename(f)).join(', ')} not in ${SHARED})` : null;
}

/** A test id (`ranking-row`) or a CSS selector (anything with CSS punctuation). */
export type Target = string | { target: string; hasText?: string | RegExp };

/** The CSS selector of a test id. */
export const tid = (id: string) => `[data-testid="${id}"]`;
const css = (t: string) => (/^[\w-]+$/.test(t) ? tid(t) : t);

/** `expect.poll` with a limit a loaded machine keeps to (vitest's default is 1 s). */
export function eventually<T>(fn: () => T | Promise<T>, timeout = WAIT) {
  return expect.poll(fn, { timeout, interval: 100 });
}

export interface Credentials {
  email: string;
  password: string;
}

export interface Viewport {
  width: number;
  height: number;
}

/** Which controller publishes the page's map: window.__saferplaces (map, present), ...Journeys, ...Planning (planning, CHB). */
export type MapKind = 'map' | 'journeys' | 'planning';
const MAP_HOOK: Record<MapKind, string> = {
  map: '__saferplaces',
  journeys: '__saferplacesJourneys',
  planning: '__saferplacesPlanning',
};

export interface OpenOptions {
  viewport?: Viewport;
  /** Wait for this (test id or selector) after loading; if it never comes, fail saying so, with the page's errors and text. */
  ready?: string;
  /** Also wait for the map to report idle (attached is enough: at phone width the map may be scrolled away). */
  mapIdle?: boolean;
  map?: MapKind;
}

export interface Downloaded {
  filename: string;
  bytes: Buffer;
  text: string;
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

/** Collects `securitypolicyviolation` events from the first script on (an init script is not subject to the page's CSP). */
const RECORD_CSP = `window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber));`;

/** Debian's Chromium with WebGL (SwiftShader); every screen opens in a context of its own (its own cookies). */
export class Chromium {
  private constructor(private browser: Browser) {}

  static async launch(): Promise<Chromium> {
    return new Chromium(await chromium.launch({ executablePath: CHROMIUM_PATH, args: FLAGS, headless: true, timeout: WAIT }));
  }

  /**
   * A screen at `url` in a fresh context. With `signIn`, the context signs in first through POST /api/session
   * on the app at the URL's origin, so the httpOnly session cookie is in its jar when the page loads.
   */
  async open(url: string, opts: OpenOptions & { signIn?: Credentials | null } = {}): Promise<Screen> {
    const context = await this.browser.newContext({
      viewport: opts.viewport ?? { width: 1440, height: 900 },
      acceptDownloads: true,
    });
    context.setDefaultTimeout(WAIT);
    await context.addInitScript({ content: RECORD_CSP });
    if (opts.signIn) {
      const res = await context.request.post(`${new URL(url).origin}/api/session`, { data: opts.signIn, timeout: WAIT });
      if (!res.ok()) throw new Error(`sign-in as ${opts.signIn.email} failed: ${res.status()} ${await res.text()}`);
    }
    const screen = new Screen(context, await context.newPage(), MAP_HOOK[opts.map ?? 'map']);
    await screen.goto(url, opts);
    return screen;
  }

  close() {
    return this.browser.close();
  }
}

/** One browser tab as a user sees it. */
export class Screen {
  /** Console errors and uncaught exceptions seen so far. */
  readonly errors: string[] = [];

  constructor(
    private context: BrowserContext,
    private page: Page,
    private mapHook: string,
  ) {
    page.on('console', (m) => {
      if (m.type() === 'error') this.errors.push(m.text());
    });
    page.on('pageerror', (e) => this.errors.push(String(e)));
  }

  private loc(t: Target): Locator {
    if (typeof t === 'string') return this.page.locator(css(t));
    return this.page.locator(css(t.target), t.hasText === undefined ? {} : { hasText: t.hasText });
  }

  // ---- where the user is

  /** Loads a URL (absolute, or a path on the current origin) and waits for `ready` / the map, as asked. */
  async goto(url: string, opts: OpenOptions = {}) {
    await this.page.goto(url.startsWith('/') ? new URL(url, this.page.url()).href : url, { timeout: WAIT });
    await this.settle(opts);
  }

  async reload(opts: OpenOptions = {}) {
    await this.page.reload({ timeout: WAIT });
    await this.settle(opts);
  }

  private async settle(opts: OpenOptions) {
    if (opts.ready) {
      try {
        await this.page.locator(css(opts.ready)).first().waitFor({ state: 'attached', timeout: WAIT });
      } catch (e) {
        throw new Error(
          `${opts.ready} did not render: ${(e as Error).message}\npage errors: ${this.errors.join('\n')}\npage text: ${(await this.pageText()).slice(0, 500)}`,
        );
      }
    }
    if (opts.mapIdle) await this.waitForMapIdle();
  }

  url(): URL {
    return new URL(this.page.url());
  }

  /** The URL's query as an object. */
  query(): Record<string, string> {
    return Object.fromEntries(this.url().searchParams);
  }

  async resize(viewport: Viewport) {
    await this.page.setViewportSize(viewport);
  }

  async close() {
    await this.page.close();
    await this.context.close().catch(() => undefined);
  }

  // ---- waiting for states

  /** Waits until `t` is attached (or `state`), failing after `timeout` with what it waited for. */
  async waitFor(t: Target, opts: { state?: 'attached' | 'detached' | 'visible' | 'hidden'; timeout?: number } = {}) {
    const state = opts.state ?? 'attached';
    try {
      await this.loc(t)
        .first()
        .waitFor({ state, timeout: opts.timeout ?? WAIT });
    } catch (e) {
      throw new Error(
        `waited for ${JSON.stringify(t)} to be ${state}: ${(e as Error).message.split('\n')[0]}\npage errors: ${this.errors.join('\n')}`,
      );
    }
  }

  /** Waits until the map container reports idle with every source and request settled. */
  async waitForMapIdle(timeout = LONG_WAIT) {
    await this.waitFor('[data-testid="map"][data-map-idle="true"]', { timeout });
  }

  /** Waits until the page's live feed (/api/live) is subscribed. */
  async waitForLiveFeed() {
    await this.waitFor('html[data-live-feed="open"]');
  }

  /** Waits until `t`'s text contains `text`. */
  async waitForText(t: Target, text: string, timeout = WAIT) {
    await this.page.waitForFunction(
      ({ sel, text }) => document.querySelector(sel)?.textContent?.includes(text),
      { sel: css(typeof t === 'string' ? t : t.target), text },
      { timeout },
    );
  }

  /** Waits until `t`'s text is no longer `was`. */
  async waitForTextChange(t: string, was: string | null, timeout = WAIT) {
    await this.page.waitForFunction(
      ({ sel, was }) => document.querySelector(sel)?.textContent !== was,
      { sel: css(t), was },
      { timeout },
    );
  }

  /** Waits until `fn(arg)` is truthy in the page (`fn` must be self-contained: the page's CSP forbids eval). */
  async waitUntil<A>(fn: (arg: A) => unknown, arg: A, timeout = WAIT) {
    await this.page.waitForFunction(fn as any, arg, { timeout, polling: 100 });
  }

  /**
   * The time (the page's clock: the machine's, as Node's) when `t`'s leading number first equals `n`, seen
   * by a MutationObserver in the page: the moment the page showed it, not when this busy process got round
   * to noticing. Rejects after `ms`.
   */
  numberShownAt(t: string, n: number, ms = WAIT): Promise<number> {
    const seen = this.page.evaluate(
      ({ sel, n }) =>
        new Promise<number>((resolve) => {
          const count = () => Number(document.querySelector(sel)?.textContent?.split(' ')[0].replace(/,/g, ''));
          const check = () => {
            if (count() !== n) return;
            obs.disconnect();
            resolve(Date.now());
          };
          const obs = new MutationObserver(check);
          obs.observe(document.body, { subtree: true, childList: true, characterData: true });
          check();
        }),
      { sel: css(t), n },
    );
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`the page never showed ${n} in ${t} in ${ms} ms`)), ms).unref(),
    );
    return Promise.race([seen, timeout]);
  }

  // ---- reading what is on screen

  /** The first match's text ('' if it has none); waits for it to be attached. */
  async text(t: Target): Promise<string> {
    return (await this.loc(t).first().textContent()) ?? '';
  }

  /** Every match's text. */
  texts(t: Target): Promise<string[]> {
    return this.loc(t).allTextContents();
  }

  /** How many elements match now (no waiting). */
  count(t: Target): Promise<number> {
    return this.loc(t).count();
  }

  attr(t: Target, name: string): Promise<string | null> {
    return this.loc(t).first().getAttribute(name);
  }

  /** The attribute `name` of every match. */
  attrs(t: Target, name: string): Promise<(string | null)[]> {
    return this.loc(t).evaluateAll((els, n) => els.map((e) => e.getAttribute(n)), name);
  }

  /** The value of an input or select. */
  value(t: Target): Promise<string> {
    return this.loc(t).first().inputValue();
  }

  isTicked(t: Target): Promise<boolean> {
    return this.loc(t).first().isChecked();
  }

  isDisabled(t: Target): Promise<boolean> {
    return this.loc(t).first().isDisabled();
  }

  isEnabled(t: Target): Promise<boolean> {
    return this.loc(t).first().isEnabled();
  }

  isVisible(t: Target): Promise<boolean> {
    return this.loc(t).first().isVisible();
  }

  box(t: Target) {
    return this.loc(t).first().boundingBox();
  }

  /** The whole page's text. */
  async pageText(): Promise<string> {
    return (await this.page.textContent('body').catch(() => '')) ?? '';
  }

  /** The rows matching `rows` as the text of each of their cells (children). */
  readTable(rows: Target): Promise<string[][]> {
    return this.loc(rows).evaluateAll((els) => els.map((r) => [...r.children].map((c) => c.textContent ?? '')));
  }

  readLegend(): Promise<string> {
    return this.text('legend');
  }

  /** The ranking table's total, as shown. */
  rankingTotal(): Promise<string> {
    return this.text('ranking-total');
  }

  /** Content-Security-Policy violations the page has reported so far. */
  cspViolations(): Promise<string[]> {
    return this.page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations ?? []);
  }

  // ---- acting as a user

  async click(t: Target) {
    await this.loc(t).first().click();
  }

  async hover(t: Target) {
    await this.loc(t).first().hover();
  }

  async fill(t: Target, value: string) {
    await this.loc(t).first().fill(value);
  }

  async tick(t: Target) {
    await this.loc(t).first().check();
  }

  async untick(t: Target) {
    await this.loc(t).first().uncheck();
  }

  /** Chooses an option of a select. */
  async choose(t: Target, option: string) {
    await this.loc(t).first().selectOption(option);
  }

  /** Opens a <details> disclosure by clicking its summary. */
  async expand(t: string) {
    await this.click(`${css(t)} summary`);
  }

  /** Makes sure a <details> element is open (without toggling one that already is). */
  async keepOpen(t: string) {
    await this.loc(t)
      .first()
      .evaluate((d) => ((d as HTMLDetailsElement).open = true));
  }

  async scrollTo(t: Target) {
    await this.loc(t).first().scrollIntoViewIfNeeded();
  }

  /** Picks a file for a file input: a path, or a named in-memory file. */
  async uploadFile(t: Target, file: string | { name: string; mimeType: string; buffer: Buffer }) {
    await this.loc(t).first().setInputFiles(file);
  }

  /** Clicks `trigger` and waits for the download it starts. */
  async download(trigger: Target): Promise<Downloaded> {
    const [d] = await Promise.all([this.page.waitForEvent('download', { timeout: LONG_WAIT }), this.click(trigger)]);
    const file = await d.path();
    const bytes = fs.readFileSync(file!);
    return { filename: d.suggestedFilename(), bytes, text: bytes.toString('utf8') };
  }

  /** In the open export dialog: purpose, recipient (and format, "in view"), then export and wait for the file. */
  async exportWith(o: { purpose: string; recipient: string; format?: string; inView?: boolean }): Promise<Downloaded> {
    await this.fill('export-purpose', o.purpose);
    await this.fill('export-recipient', o.recipient);
    if (o.format) await this.choose('export-format', o.format);
    if (o.inView) await this.tick('export-in-view');
    return this.download('export-submit');
  }

  /** Runs `action` and returns the JSON of the first response whose URL contains `urlPart`. */
  async responseDuring(urlPart: string, action: () => Promise<unknown>): Promise<any> {
    const response = this.page.waitForResponse((r) => r.url().includes(urlPart), { timeout: LONG_WAIT });
    await action();
    return (await response).json();
  }

  /** Runs `action` and returns the URL of the first request whose URL contains every part. */
  async requestDuring(urlParts: string[], action: () => Promise<unknown>): Promise<URL> {
    const request = this.page.waitForRequest((r) => urlParts.every((p) => r.url().includes(p)), { timeout: LONG_WAIT });
    await action();
    return new URL((await request).url());
  }

  /** Every request from now on whose URL contains `urlPart` (the array fills as they go). */
  recordRequests(urlPart: string): string[] {
    const seen: string[] = [];
    this.page.on('request', (r) => void (r.url().includes(urlPart) && seen.push(r.url())));
    return seen;
  }

  /** GET an API path with this screen's session (what the signed-in user may see): status and JSON body. */
  async api(apiPath: string): Promise<{ status: number; body: any }> {
    const res = await this.page.request.get(new URL(apiPath, this.page.url()).href, { timeout: LONG_WAIT });
    return { status: res.status(), body: await res.json() };
  }

  // ---- screens

  /** The sign-in form: fills it in, submits, and waits for the server's answer and the form to settle. Returns the status. */
  async signInWithForm(email: string, password: string): Promise<number> {
    await this.fill('sign-in-email', email);
    await this.fill('sign-in-password', password);
    const response = this.page.waitForResponse((r) => r.url().endsWith('/api/session') && r.request().method() === 'POST', {
      timeout: LONG_WAIT,
    });
    await this.click('sign-in-submit');
    const status = (await response).status();
    // The form is usable again (a refusal) or gone (signed in).
    await this.waitUntil(
      (sel) => !document.querySelector(sel) || !(document.querySelector(sel) as HTMLButtonElement).disabled,
      tid('sign-in-submit'),
    );
    return status;
  }

  /** Map page: picks one crime category in the category picker. */
  async chooseCategory(slug: string) {
    await this.expand('category-picker');
    await this.tick(`category-${slug}`);
  }

  /** Map page: the period's first month, and (when given) its last, as YYYY-MM. */
  async setPeriod(from: string, to?: string) {
    await this.fill('filter-from', from);
    if (to) await this.fill('filter-to', to);
  }

  /** Map page: selects an area by clicking its row in the ranking table (the first row, or the one with `code`). */
  async selectArea(code?: string) {
    await this.click(code ? `[data-testid="ranking-row"][data-code="${code}"]` : 'ranking-row');
  }

  // ---- the map

  /** Runs `fn(map, arg)` in the page against the map its controller publishes (window[hook].map). */
  onMap<T, A = undefined>(fn: (map: any, arg: A) => T, arg?: A): Promise<Awaited<T>> {
    return this.page.evaluate(
      ({ hook, src, arg }) => {
        const map = (window as any)[hook]?.map;
        if (!map) throw new Error(`window.${hook}.map is not set`);
        // eslint-disable-next-line no-new-func
        return new Function('map', 'arg', `return (${src})(map, arg);`)(map, arg);
      },
      { hook: this.mapHook, src: fn.toString(), arg },
    ) as Promise<Awaited<T>>;
  }

  /** Runs `fn(arg)` in the page (for state a map's controller publishes beside the map). */
  inPage<T, A>(fn: (arg: A) => T, arg: A): Promise<Awaited<T>> {
    return this.page.evaluate(fn as any, arg) as Promise<Awaited<T>>;
  }

  /**
   * Moves the camera (no animation), waits for the map's own `idle` event after the move (so a stale "idle"
   * from before it cannot pass), then for the controller's idle signal (data it fetched for the new view).
   */
  async jumpTo(center: [number, number], zoom: number) {
    await this.onMap((map, a) => new Promise((resolve) => (map.once('idle', resolve), map.jumpTo(a), map.triggerRepaint())), {
      center,
      zoom,
    });
    await this.waitForMapIdle();
  }

  /** Fits the camera to [[west, south], [east, north]] (no animation) and waits as `jumpTo` does. */
  async fitBounds(bounds: [[number, number], [number, number]], padding = 40) {
    await this.onMap(
      (map, a) =>
        new Promise(
          (resolve) => (
            map.once('idle', resolve), map.fitBounds(a.bounds, { padding: a.padding, duration: 0 }), map.triggerRepaint()
          ),
        ),
      { bounds, padding },
    );
    await this.waitForMapIdle();
  }

  /** Waits for a camera move in progress to end, then for the map to settle. */
  async waitForMapMoved() {
    await this.onMap((map) => new Promise((resolve) => (map.isMoving() ? map.once('moveend', resolve) : resolve(null))));
    await this.waitForMapIdle();
  }

  /** The canvas pixel of a longitude/latitude. */
  project(lngLat: [number, number]): Promise<{ x: number; y: number }> {
    return this.onMap((map, p) => map.project(p), lngLat) as Promise<{ x: number; y: number }>;
  }

  /** The longitude/latitude under a canvas pixel. */
  unproject(px: { x: number; y: number }): Promise<[number, number]> {
    return this.onMap((map, p) => map.unproject([p.x, p.y]).toArray(), px) as Promise<[number, number]>;
  }

  private async canvasBox() {
    const box = await this.loc('[data-testid="map"] canvas').first().boundingBox();
    if (!box) throw new Error('the map canvas is not on screen');
    return box;
  }

  /**
   * Clicks the map at a longitude/latitude. `approach` moves the mouse there first (from 5 px up-left), as a
   * hand does: terra-draw places its points on move-then-click.
   */
  async clickOnMap(lngLat: [number, number], opts: { approach?: boolean } = {}) {
    const [box, p] = await Promise.all([this.canvasBox(), this.project(lngLat)]);
    if (opts.approach) await this.page.mouse.move(box.x + p.x - 5, box.y + p.y - 5);
    await this.page.mouse.click(box.x + p.x, box.y + p.y);
  }

  /** Draws with the active drawing tool: clicks each point (approaching it), then `finish`: the first again (a polygon) or the last again (a line). */
  async drawOnMap(points: [number, number][], finish: 'close' | 'repeat-last') {
    const box = await this.canvasBox();
    const px = await Promise.all(points.map((p) => this.project(p)));
    const clicks = finish === 'close' ? [...px, px[0]] : px;
    for (const p of clicks) {
      await this.page.mouse.move(box.x + p.x - 5, box.y + p.y - 5);
      await this.page.mouse.click(box.x + p.x, box.y + p.y);
    }
    if (finish === 'repeat-last') {
      const last = px[px.length - 1];
      await this.page.mouse.click(box.x + last.x, box.y + last.y);
    }
  }

  /** Presses the mouse on the map at `from` and lets go at `to` (longitude/latitude), moving in steps. */
  async dragOnMap(from: [number, number], to: [number, number]) {
    const [box, a, b] = await Promise.all([this.canvasBox(), this.project(from), this.project(to)]);
    await this.page.mouse.move(box.x + a.x, box.y + a.y);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x + b.x, box.y + b.y, { steps: 12 });
    await this.page.mouse.up();
  }

  // ---- screenshots and print

  /** A PNG of the screen in test-results/ (or `dir`), at `viewport` when given (the screen keeps that size). */
  async screenshot(name: string, opts: { viewport?: Viewport; dir?: string } = {}): Promise<string> {
    if (opts.viewport) await this.resize(opts.viewport);
    const dir = opts.dir ?? SCREENSHOT_DIR;
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${name}.png`);
    await this.page.screenshot({ path: file, timeout: WAIT });
    return file;
  }

  /** Renders as a printer would (`print`) or as on screen. */
  async media(media: 'print' | 'screen') {
    await this.page.emulateMedia({ media });
  }

  /** Prints the page to an A4 PDF (use `media('print')` first to print as a user does). */
  pdf(): Promise<Buffer> {
    return this.page.pdf({ format: 'A4', printBackground: true });
  }
}

// ---- the app each spec runs against

/** Newest modification time of the files under `dir`. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds the web app when dist/web is missing or older than web/, the vite config or package.json. */
export function ensureWebBuild() {
  const index = path.join(WEB_ROOT, 'index.html');
  if (fs.existsSync(index)) {
    const sources = Math.max(
      newestSource(path.resolve('web')),
      fs.statSync('vite.config.ts').mtimeMs,
      fs.statSync('package.json').mtimeMs,
    );
    if (fs.statSync(index).mtimeMs >= sources) return;
  }
  // The production build users get: under vitest NODE_ENV is 'test', and Vite then bundles React's
  // development build, whose StrictMode runs every effect twice (each request sent, aborted and sent again).
  execFileSync(process.execPath, [path.resolve('node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
}

/**
 * A private copy of the web build: other work may rebuild dist/web while a test runs, and a page whose
 * index.html names assets that were just replaced loads nothing. Copies again until the copy's index.html
 * and the assets it names belong together.
 */
async function snapshotWebBuild(prefix: string): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    fs.cpSync(WEB_ROOT, dir, { recursive: true });
    const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
    const assets = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]);
    if (assets.length && assets.every((a) => fs.existsSync(path.join(dir, a)))) return dir;
    fs.rmSync(dir, { recursive: true, force: true });
    // A rebuild is in progress: look again once it has had a moment to finish writing.
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error('dist/web keeps changing: no consistent web build to test');
}

/** The base URL of a server on 127.0.0.1, once it listens. */
export async function listen(server: ServerType | http.Server): Promise<string> {
  if (!server.listening) await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const closeServer = (s: ServerType | http.Server) => new Promise((resolve) => s.close(resolve));

export interface AppOptions {
  /** Names temp directories (saferplaces-<name>-...). */
  name: string;
  /** Files imported with the real importer before the app starts (names under ../shared/data, or paths). */
  imports?: ReadonlyArray<readonly [string, ImportOptions?]>;
  /** More database state before the app starts. */
  seed?: (db: Db) => Promise<void>;
  /** A PostGIS server database instead of a new embedded PGlite (its data are the seed's to clear). */
  databaseUrl?: string;
}

export type As = Credentials | Role | null;

/** A spec's own world: database, app, browser. */
export class BrowserApp {
  private servers: (ServerType | http.Server)[] = [];
  private clients = new Map<Role, Promise<Client>>();
  /** The analyst screens are signed in as unless told otherwise. */
  analyst!: Credentials;
  base!: string;
  private app!: ReturnType<typeof createApp>;
  private webRoot!: string;

  private constructor(
    readonly db: Db,
    private chromium: Chromium,
    private name: string,
  ) {}

  static async start(opts: AppOptions, step: (s: string) => void): Promise<BrowserApp> {
    step('web build');
    ensureWebBuild();
    const webRoot = await snapshotWebBuild(`saferplaces-${opts.name}-web-`);
    step('fresh database');
    const db = await openDb(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {});
    for (const [file, o] of opts.imports ?? []) {
      step(`import ${path.basename(file)}`);
      const r = await importFile(db, path.isAbsolute(file) ? file : path.join(SHARED, file), o ?? {});
      if (r.status !== 'committed') throw new Error(`setup: ${file} did not import: ${r.status} ${r.error?.message ?? ''}`);
    }
    step('seed');
    await opts.seed?.(db);
    step('browser');
    const app = new BrowserApp(db, await Chromium.launch(), opts.name);
    app.webRoot = webRoot;
    step('app');
    const started = await app.startAnother();
    app.app = started.app;
    app.base = started.base;
    app.analyst = await app.account('analyst');
    return app;
  }

  /** Another app on the same database (its own data directory; a basemap style URL if given; more `config`). */
  async startAnother(
    basemap?: string,
    config: Partial<Parameters<typeof createApp>[0]['config']> = {},
  ): Promise<{ base: string; app: ReturnType<typeof createApp> }> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `saferplaces-${this.name}-`));
    const app = createApp(
      { db: this.db, config: { dataDir, MAX_UPLOAD_MB: 50, BASEMAP_STYLE_URL: basemap, ...config } },
      { webRoot: this.webRoot },
    );
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    this.servers.push(server);
    return { base: await listen(server), app };
  }

  /** Serves `server` for the spec's lifetime (closed with the app). */
  async serveAlongside(server: http.Server): Promise<string> {
    this.servers.push(server);
    if (!server.listening) server.listen(0, '127.0.0.1');
    return listen(server);
  }

  /** A new account with `role` (password TEST_PASSWORD); officers may be limited to `areaCodes`. */
  account(role: Role, areaCodes: string[] | null = null): Promise<Credentials> {
    return createAccount(this.db, role, areaCodes);
  }

  /** A signed-in API client with `role` (one per role), for the values a page must show. */
  api(role: Role = 'analyst'): Promise<Client> {
    let c = this.clients.get(role);
    if (!c) this.clients.set(role, (c = clientFor(this.app, this.db, role)));
    return c;
  }

  /** GET (or send) an API path as `role`; throws unless 2xx. */
  async json<T = any>(url: string, init?: RequestInit, role: Role = 'analyst'): Promise<T> {
    const res = await (await this.api(role)).request(url, init);
    if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  /** Imports a file now (names under ../shared/data, or paths). */
  async importFile(file: string, opts: ImportOptions = {}) {
    const r = await importFile(this.db, path.isAbsolute(file) ? file : path.join(SHARED, file), opts);
    if (r.status !== 'committed') throw new Error(`${file} did not import: ${r.status} ${r.error?.message ?? ''}`);
    return r;
  }

  /**
   * A screen on `url` (a path on this app, or a full URL), signed in `as` someone: credentials, a role
   * (a new account with it), or null (signed out). Default: the spec's analyst.
   */
  async open(url: string, opts: OpenOptions & { as?: As } = {}): Promise<Screen> {
    const as = opts.as === undefined ? this.analyst : typeof opts.as === 'string' ? await this.account(opts.as) : opts.as;
    return this.chromium.open(url.startsWith('/') ? `${this.base}${url}` : url, { ...opts, signIn: as });
  }

  async close() {
    await this.chromium.close().catch(() => undefined);
    for (const s of this.servers) await closeServer(s);
    await this.db.close().catch(() => undefined);
  }
}

/**
 * Registers the spec's setup (beforeAll) and teardown (afterAll) and returns the app's accessor. A setup
 * that fails or takes longer than SETUP_TIMEOUT does not skip the spec's tests: each of them fails with
 * the reason (and the step it stopped at).
 */
export function useBrowserApp(opts: AppOptions): () => BrowserApp {
  let app: BrowserApp | undefined;
  let failure: Error | undefined;
  let current = 'start';
  beforeAll(async () => {
    const t0 = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`setup did not finish in ${SETUP_TIMEOUT / 1000} s (at: ${current})`)),
        SETUP_TIMEOUT,
      );
    });
    const starting = BrowserApp.start(opts, (s) => (current = s));
    try {
      app = await Promise.race([starting, deadline]);
      console.log(`${opts.name}: setup ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    } catch (e) {
      failure = e as Error;
      // A setup that finishes after all is closed again.
      starting.then(
        (a) => a.close(),
        () => undefined,
      );
    } finally {
      clearTimeout(timer);
    }
  }, SETUP_TIMEOUT + 60_000);
  afterAll(async () => {
    await app?.close();
  }, WAIT);
  return () => {
    if (failure) throw new Error(`the ${opts.name} browser test's setup failed: ${failure.message}`, { cause: failure });
    if (!app) throw new Error(`the ${opts.name} browser test's setup has not run`);
    return app;
  };
}

// ---- places (branch places): typing into the search box key by key, pressing keys, the map's bounds ----

/** The Playwright locator of a target on the screen (Screen keeps it private to its methods). */
const locOf = (screen: Screen, t: Target) => (screen as unknown as { loc(t: Target): Locator }).loc(t);

/** Types `text` into a field key by key, as a user does (a combobox searches as the text changes). */
export async function typeInto(screen: Screen, t: Target, text: string) {
  await locOf(screen, t).pressSequentially(text, { delay: 25 });
}

/** Presses a key (ArrowDown, Enter, Escape, …) in a field. */
export async function pressKey(screen: Screen, t: Target, key: string) {
  await locOf(screen, t).first().press(key);
}

/** The map's visible extent [west, south, east, north]. */
export function mapBounds(screen: Screen): Promise<[number, number, number, number]> {
  return screen.onMap((map) => {
    const b = map.getBounds();
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()] as [number, number, number, number];
  });
}

// ---------- analyst branch: request log ----------

export interface LoggedRequest {
  url: string;
  /** 'ok' when a response arrived, else the failure (an aborted request says net::ERR_ABORTED). */
  outcome: string;
}

/** Every request of `screen` whose URL contains `urlPart` from now on, with how it ended (filled in as they end). */
export function requestLog(screen: Screen, urlPart: string): LoggedRequest[] {
  const page = (screen as unknown as { page: Page }).page;
  const log: LoggedRequest[] = [];
  const entries = new Map<unknown, LoggedRequest>();
  page.on('request', (r) => {
    if (!r.url().includes(urlPart)) return;
    const e = { url: r.url(), outcome: 'pending' };
    entries.set(r, e);
    log.push(e);
  });
  page.on('requestfinished', (r) => {
    const e = entries.get(r);
    if (e) e.outcome = 'ok';
  });
  page.on('requestfailed', (r) => {
    const e = entries.get(r);
    if (e) e.outcome = r.failure()?.errorText ?? 'failed';
  });
  return log;
}

// ==== branch layout (issue 14): accessibility checks, history, downloads of images ====

/** An accessibility problem axe-core found: its rule, impact, help text and the elements (CSS selectors). */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

const AXE_SOURCE = path.resolve('node_modules/axe-core/axe.min.js');

const pageOf = (s: Screen) => (s as unknown as { page: Page }).page;

/** The critical and serious violations axe-core finds on the screen as it is now (WCAG 2.x A/AA and best-practice rules). */
export async function accessibilityViolations(screen: Screen): Promise<AxeViolation[]> {
  const page = pageOf(screen);
  // Evaluated through the DevTools protocol, so the page's CSP (no inline scripts) does not apply.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(fs.readFileSync(AXE_SOURCE, 'utf8'));
  const found = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: any }).axe;
    const r = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n: any) => n.target.join(' ')),
    }));
  })) as AxeViolation[];
  return found.filter((v) => v.impact === 'critical' || v.impact === 'serious');
}

/** The browser's Back button; then waits for `ready` (a test id or selector) when given. */
export async function goBack(screen: Screen, ready?: string) {
  await pageOf(screen).goBack({ timeout: WAIT });
  if (ready) await screen.waitFor(ready);
}

/** Presses a key on the focused element, e.g. 'Tab', 'Enter'. */
export async function pressKeyOnPage(screen: Screen, key: string) {
  await pageOf(screen).keyboard.press(key);
}

/** The test id (or tag and text) of the focused element. */
export function focusedElement(screen: Screen): Promise<string> {
  return pageOf(screen).evaluate(() => {
    const el = document.activeElement;
    if (!el) return '';
    return el.getAttribute('data-testid') ?? `${el.tagName.toLowerCase()}:${(el.textContent ?? '').trim().slice(0, 40)}`;
  });
}

/** The map canvas's drawing-buffer size in pixels. */
export function mapCanvasSize(screen: Screen): Promise<{ width: number; height: number }> {
  return pageOf(screen).evaluate(() => {
    const c = document.querySelector('[data-testid="map"] canvas') as HTMLCanvasElement | null;
    if (!c) throw new Error('no map canvas');
    return { width: c.width, height: c.height };
  });
}

// ==== branch ux (issue 14): what a screen shows cut off ====

/**
 * The visible elements matching `selector` that are not shown whole, each as "<test id or tag>: why": a box
 * reaching outside the window; a box cut by an ancestor that clips its overflow (scrolling containers
 * included: a table wider than its scroller shows only part at a time); `axis: 'x'` checks only left and
 * right (for content the page scrolls to vertically); for selects, a chosen option whose
 * text is wider than the box shows it (measured in the select's own font, less its padding and arrow).
 */
export function cutOff(screen: Screen, selector: string, axis: 'x' | 'both' = 'both'): Promise<string[]> {
  return pageOf(screen).evaluate(
    ([sel, axis]) => {
      const out: string[] = [];
      const ctx = document.createElement('canvas').getContext('2d')!;
      const name = (el: Element) =>
        el.getAttribute('data-testid') ??
        `${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).split(' ')[0]}` : ''}`;
      for (const el of document.querySelectorAll(sel)) {
        const r = el.getBoundingClientRect();
        const cs = getComputedStyle(el);
        if (r.width === 0 || r.height === 0 || cs.visibility === 'hidden') continue;
        const px = (n: number) => Math.round(n);
        const outY = axis === 'both' && (r.top < -0.5 || r.bottom > innerHeight + 0.5);
        if (r.left < -0.5 || r.right > innerWidth + 0.5 || outY)
          out.push(
            `${name(el)}: outside the ${innerWidth}x${innerHeight} window (${px(r.left)},${px(r.top)} to ${px(r.right)},${px(r.bottom)})`,
          );
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
          const ps = getComputedStyle(p);
          if (ps.overflowX === 'visible' && ps.overflowY === 'visible') continue;
          const b = p.getBoundingClientRect();
          const cutX = ps.overflowX !== 'visible' && (r.left < b.left - 0.5 || r.right > b.right + 0.5);
          const cutY = axis === 'both' && ps.overflowY !== 'visible' && (r.top < b.top - 0.5 || r.bottom > b.bottom + 0.5);
          if (cutX || cutY)
            out.push(
              `${name(el)}: cut by ${name(p)} (${px(r.left)}..${px(r.right)} x ${px(r.top)}..${px(r.bottom)} in ${px(b.left)}..${px(b.right)} x ${px(b.top)}..${px(b.bottom)})`,
            );
        }
        if (el instanceof HTMLSelectElement && el.selectedIndex >= 0) {
          const text = el.options[el.selectedIndex].text;
          ctx.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
          const room = el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 20;
          const need = ctx.measureText(text).width;
          if (need > room) out.push(`${name(el)}: "${text}" needs ${px(need)} px, shows ${px(room)}`);
        }
      }
      return out;
    },
    [selector, axis] as const,
  );
}

/** The elements at the centre of each visible match of `selector` (what a click there would reach), as test ids or tags. */
export function topmostAt(screen: Screen, selector: string): Promise<{ covered: boolean; by: string }[]> {
  return pageOf(screen).evaluate((sel) => {
    return [...document.querySelectorAll(sel)]
      .filter((el) => el.getBoundingClientRect().width > 0)
      .map((el) => {
        const r = el.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        const by = hit
          ? (hit.getAttribute('data-testid') ?? `${hit.tagName.toLowerCase()}.${String(hit.className).split(' ')[0]}`)
          : 'nothing';
        return { covered: !hit || !(el === hit || el.contains(hit)), by };
      });
  }, selector);
}
