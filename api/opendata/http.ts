// HTTP for the open-data clients: a token-bucket rate limit, bounded retries with backoff (429 honours
// Retry-After, 5xx and network errors back off exponentially), a time limit per request, a size limit on
// every body, and a log of each request made (the provenance kept with the import batch).

export interface RequestRecord {
  url: string;
  method: 'GET' | 'POST';
  /** POST form fields (long values such as polygons shortened). */
  form?: Record<string, string>;
  status: number;
  fetched_at: string;
}

export class FetchError extends Error {
  constructor(
    public code: string,
    message: string,
    public status?: number,
  ) {
    super(message);
  }
}

/** Token bucket: `rate` requests a second, bursts of `burst`. */
export class RateLimiter {
  private tokens: number;
  private last = Date.now();
  constructor(
    private rate: number,
    private burst: number,
  ) {
    this.tokens = burst;
  }

  async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = Date.now();
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await sleep(Math.ceil(((1 - this.tokens) / this.rate) * 1000), signal);
    }
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface HttpOptions {
  limiter?: RateLimiter;
  /** Attempts per request (first try included). */
  attempts?: number;
  /** First backoff in ms (doubled on each retry, capped at 30 s). */
  backoffMs?: number;
  timeoutMs?: number;
  maxBytes?: number;
  signal?: AbortSignal;
  /** Every request made is appended here. */
  log?: RequestRecord[];
}

const MIN_429_PAUSE_MS = 250;
const DEFAULTS = { attempts: 6, backoffMs: 500, timeoutMs: 120_000, maxBytes: 512 * 1024 * 1024 };

/** Statuses the caller handles itself (not retried here). */
export interface Answer {
  status: number;
  body: string;
}

async function readLimited(res: Response, maxBytes: number): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > maxBytes)
    throw new FetchError('too_large', `The answer is ${declared} bytes, more than the ${maxBytes} allowed.`);
  if (!res.body) return '';
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.length;
    if (n > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new FetchError('too_large', `The answer is more than the ${maxBytes} bytes allowed.`);
    }
    parts.push(value);
  }
  return Buffer.concat(parts).toString('utf8');
}

function retryAfterMs(h: string | null): number | undefined {
  if (!h) return undefined;
  const s = Number(h);
  if (Number.isFinite(s) && s >= 0) return Math.min(s * 1000, 60_000);
  const d = Date.parse(h);
  return Number.isFinite(d) ? Math.min(Math.max(0, d - Date.now()), 60_000) : undefined;
}

/**
 * One request with retries. 429 and 5xx (except statuses in `pass`) and network errors are retried with
 * backoff up to `attempts` times; other statuses, and those in `pass`, are returned to the caller.
 */
export async function request(
  url: string,
  init: { method?: 'GET' | 'POST'; form?: Record<string, string>; pass?: number[] },
  o: HttpOptions = {},
): Promise<Answer> {
  const attempts = o.attempts ?? DEFAULTS.attempts;
  const method = init.method ?? 'GET';
  let wait = o.backoffMs ?? DEFAULTS.backoffMs;
  let lastProblem = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (o.signal?.aborted) throw o.signal.reason ?? new Error('aborted');
    await o.limiter?.take(o.signal);
    const signals = [AbortSignal.timeout(o.timeoutMs ?? DEFAULTS.timeoutMs), ...(o.signal ? [o.signal] : [])];
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        signal: AbortSignal.any(signals),
        headers: {
          accept: 'application/json, text/csv;q=0.9, */*;q=0.5',
          ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        body: init.form ? new URLSearchParams(init.form).toString() : undefined,
      });
    } catch (e) {
      if (o.signal?.aborted) throw o.signal.reason ?? e;
      lastProblem = `network error: ${(e as Error).message}`;
      if (attempt < attempts) await sleep(wait, o.signal);
      wait = Math.min(wait * 2, 30_000);
      continue;
    }
    o.log?.push({
      url,
      method,
      ...(init.form ? { form: shortForm(init.form) } : {}),
      status: res.status,
      fetched_at: new Date().toISOString(),
    });
    if (init.pass?.includes(res.status) || (res.status < 500 && res.status !== 429)) {
      return { status: res.status, body: await readLimited(res, o.maxBytes ?? DEFAULTS.maxBytes) };
    }
    await res.body?.cancel().catch(() => undefined);
    lastProblem = `HTTP ${res.status}`;
    // 429: at least the server's Retry-After, and never less than a quarter second (the bucket must refill).
    const pause = res.status === 429 ? Math.max(retryAfterMs(res.headers.get('retry-after')) ?? 0, wait, MIN_429_PAUSE_MS) : wait;
    if (attempt < attempts) await sleep(pause, o.signal);
    wait = Math.min(wait * 2, 30_000);
  }
  throw new FetchError('unavailable', `${url.split('?')[0]}: gave up after ${attempts} attempts (${lastProblem}).`);
}

function shortForm(f: Record<string, string>) {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(f)) out[k] = v.length > 200 ? `${v.slice(0, 200)}… (${v.length} characters)` : v;
  return out;
}

/** Parse JSON from a remote answer, or fail with the source named. */
export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new FetchError('bad_answer', `${what}: the answer is not JSON (starts "${text.slice(0, 60)}").`);
  }
}
