// HTTP caching and compression of API answers (issue 16, "fixed costs per request").
//
// - `httpCache`: aggregate GETs (the routes of COALESCED in load.ts: their answer depends only on the data,
//   the URL, who asks and the date) carry `ETag: W/"…"`, a hash of the data version (api/data-version.ts,
//   read BEFORE the answer is computed), the asker (user id, role, area codes, session or token and its
//   scopes), the URL (query sorted) and today's date (default windows follow the clock). `If-None-Match`
//   with that tag answers 304 without computing anything; `Cache-Control: private, no-cache` makes browsers
//   ask every time. The last answers are also kept in memory under their tag (and its compressed forms),
//   bounded in bytes, so a repeat without the browser's copy costs two indexed reads (who asks, data
//   version). A tag is never shared between two users or two roles: a partner's answer cannot reach an
//   analyst, nor one officer's another's.
// - `compressJson`: every other JSON answer over 1 KiB is compressed (br, else gzip) when the client accepts
//   it. Streams (change feed) and downloads (Content-Disposition) are left alone.
import crypto from 'node:crypto';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './auth/middleware.js';
import type { Principal } from './auth/roles.js';
import { dataVersion } from './data-version.js';
import type { Db } from './db/index.js';
import { COALESCED } from './load.js';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

export const CACHE_CONTROL = 'private, no-cache';
/** Answers smaller than this are sent as they are. */
const MIN_COMPRESS = 1024;

type Encoding = 'br' | 'gzip';

/** The encoding to send for an Accept-Encoding header: br if accepted, else gzip, else none (q=0 refuses). */
export function chooseEncoding(accept: string | undefined): Encoding | null {
  if (!accept) return null;
  const q = new Map<string, number>();
  for (const part of accept.toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';');
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    q.set(name.trim(), qp ? Number(qp.slice(2)) || 0 : 1);
  }
  const ok = (e: string) => (q.get(e) ?? q.get('*') ?? 0) > 0;
  return ok('br') ? 'br' : ok('gzip') ? 'gzip' : null;
}

function encode(body: Buffer, enc: Encoding, quality: 'fast' | 'small'): Promise<Buffer> {
  if (enc === 'br') {
    return brotli(body, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: quality === 'fast' ? 4 : 6,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length,
        [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
      },
    });
  }
  return gzip(body, { level: quality === 'fast' ? 4 : 6 });
}

const isJson = (type: string | null) => !!type && /^application\/json\b/i.test(type);

function addVary(h: Headers) {
  const v = h.get('vary');
  if (!v) h.set('vary', 'Accept-Encoding');
  else if (!/accept-encoding/i.test(v)) h.set('vary', `${v}, Accept-Encoding`);
}

/** Compress JSON answers (br or gzip, as accepted) that are not compressed yet. */
export function compressJson(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const res = c.res;
    if (!res.body || res.headers.has('content-encoding') || res.headers.has('content-disposition')) return;
    if (!isJson(res.headers.get('content-type'))) return;
    const enc = chooseEncoding(c.req.header('accept-encoding'));
    if (!enc) return;
    const body = Buffer.from(await res.arrayBuffer());
    const headers = new Headers(res.headers);
    addVary(headers);
    if (body.length < MIN_COMPRESS) {
      c.res = new Response(new Uint8Array(body), { status: res.status, headers });
      return;
    }
    const out = await encode(body, enc, 'fast');
    headers.set('content-encoding', enc);
    headers.set('content-length', String(out.length));
    c.res = new Response(new Uint8Array(out), { status: res.status, headers });
  };
}

/** Everything that decides what `p` may see: a tag never matches across users, roles, areas or scopes. */
function askerKey(p: Principal): string {
  return JSON.stringify([
    p.user.id,
    p.user.role,
    p.user.area_codes ?? null,
    p.via,
    p.tokenId ?? null,
    p.scopes ? [...p.scopes].sort() : null,
  ]);
}

/** Today's date as the default windows see it (api/aggregates/window.ts uses the local calendar). */
function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

export function etagFor(version: string, p: Principal, url: URL): string {
  const u = new URL(url);
  u.searchParams.sort();
  const h = crypto
    .createHash('sha256')
    .update(`${version}\u001f${askerKey(p)}\u001f${u.pathname}?${u.searchParams}\u001f${today()}`)
    .digest('base64url')
    .slice(0, 27);
  return `W/"${h}"`;
}

/** True if an If-None-Match header lists `etag` (weak comparison) or is `*`. */
export function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const strip = (t: string) => t.trim().replace(/^W\//, '');
  const want = strip(etag);
  return ifNoneMatch.split(',').some((t) => t.trim() === '*' || strip(t) === want);
}

interface Entry {
  status: number;
  headers: [string, string][];
  body: Buffer;
  encoded: Partial<Record<Encoding, Promise<Buffer>>>;
  bytes: number;
}

export interface HttpCacheOptions {
  /** Bytes of answers kept in memory (uncompressed plus compressed forms); 0 keeps none. */
  maxBytes?: number;
}

export interface HttpCacheStats {
  hits: number;
  notModified: number;
  misses: number;
  entries: number;
  bytes: number;
}

export function httpCache(
  db: Db,
  opts: HttpCacheOptions = {},
): { middleware: MiddlewareHandler<AppEnv>; stats: () => HttpCacheStats } {
  const maxBytes = opts.maxBytes ?? 64 * 1024 * 1024;
  const entries = new Map<string, Entry>(); // insertion order = least recently used first
  let bytes = 0;
  let seenVersion = '';
  const counts = { hits: 0, notModified: 0, misses: 0 };

  const drop = (key: string) => {
    const e = entries.get(key);
    if (!e) return;
    entries.delete(key);
    bytes -= e.bytes;
  };
  const store = (key: string, e: Entry) => {
    if (e.bytes > maxBytes / 4) return;
    drop(key);
    entries.set(key, e);
    bytes += e.bytes;
    for (const k of entries.keys()) {
      if (bytes <= maxBytes) break;
      drop(k);
    }
  };

  const send = async (e: Entry, etag: string, accept: string | undefined) => {
    const headers = new Headers(e.headers);
    headers.set('etag', etag);
    headers.set('cache-control', CACHE_CONTROL);
    addVary(headers);
    const enc = e.body.length >= MIN_COMPRESS ? chooseEncoding(accept) : null;
    if (!enc) {
      headers.set('content-length', String(e.body.length));
      return new Response(new Uint8Array(e.body), { status: e.status, headers });
    }
    let p = e.encoded[enc];
    if (!p) {
      p = encode(e.body, enc, 'small');
      e.encoded[enc] = p;
      p.then((b) => {
        if (entries.get(etag) === e) {
          e.bytes += b.length;
          bytes += b.length;
        }
      }).catch(() => undefined);
    }
    const out = await p;
    headers.set('content-encoding', enc);
    headers.set('content-length', String(out.length));
    return new Response(new Uint8Array(out), { status: e.status, headers });
  };

  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (c.req.method !== 'GET' || !COALESCED.test(c.req.path)) return next();
    const p = c.get('principal');
    if (!p) return next();
    const version = await dataVersion(db); // before the answer: see data-version.ts
    if (version !== seenVersion) {
      seenVersion = version;
      entries.clear();
      bytes = 0;
    }
    const etag = etagFor(version, p, new URL(c.req.url));
    if (matches(c.req.header('if-none-match'), etag)) {
      counts.notModified++;
      return new Response(null, { status: 304, headers: { etag, 'cache-control': CACHE_CONTROL, vary: 'Accept-Encoding' } });
    }
    const accept = c.req.header('accept-encoding');
    const hit = entries.get(etag);
    if (hit) {
      counts.hits++;
      entries.delete(etag); // most recently used: to the end
      entries.set(etag, hit);
      return send(hit, etag, accept);
    }
    counts.misses++;
    await next();
    const res = c.res;
    if (res.status !== 200 || !isJson(res.headers.get('content-type')) || res.headers.has('content-encoding')) return;
    const body = Buffer.from(await res.arrayBuffer());
    const headers = [...res.headers].filter(([k]) => !['set-cookie', 'content-length'].includes(k.toLowerCase()));
    const e: Entry = { status: res.status, headers, body, encoded: {}, bytes: body.length };
    if (maxBytes > 0) store(etag, e);
    c.res = await send(e, etag, accept);
  };
  return { middleware, stats: () => ({ ...counts, entries: entries.size, bytes }) };
}
