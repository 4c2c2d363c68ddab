// Requests to the Saferplaces API (contract routes go through `call`, call.ts). Errors come back as ApiError carrying the server's code and message.
// Every request goes through `request`: it sends the session's CSRF token on state-changing requests and
// switches the app to the sign-in screen when the API answers 401.
import { csrfToken, sessionExpired } from './session-store';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The filters every aggregate endpoint takes. `to` is exclusive. */
export interface Filters {
  from?: string;
  to?: string;
  categories?: string[];
}

/** Filters with the time window resolved (what the map page queries with). */
export interface ResolvedFilters extends Filters {
  from: string;
  to: string;
  categories: string[];
}

export type Bbox = [west: number, south: number, east: number, north: number];

type QueryValue = string | number | boolean | null | undefined;

/** Builds `?a=1&b=2`, leaving out empty values; arrays are joined with commas. */
export function queryString(params: Record<string, QueryValue | QueryValue[]>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (Array.isArray(v)) {
      const parts = v.filter((x) => x !== undefined && x !== null && x !== '');
      if (parts.length) q.set(k, parts.join(','));
    } else if (v !== undefined && v !== null && v !== '') {
      q.set(k, String(v));
    }
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export function filterParams(f: Filters): Record<string, QueryValue | QueryValue[]> {
  return { from: f.from, to: f.to, category: f.categories?.length ? f.categories : undefined };
}

/** Filters as a contract route's query (`category` comma-separated, as the API reads it). */
export function filterQuery(f: Filters): { from?: string; to?: string; category?: string } {
  return { from: f.from, to: f.to, category: f.categories?.length ? f.categories.join(',') : undefined };
}

export function bboxParam(b: Bbox): string {
  return b.map((x) => x.toFixed(5)).join(',');
}

/** Turns a non-2xx response into an ApiError, using the `{error:{code,message}}` body when there is one. */
export async function errorFromResponse(res: Response): Promise<ApiError> {
  let code = `http_${res.status}`;
  let message = `${res.status} ${res.statusText || 'error'}`;
  let details: unknown;
  try {
    const body = await res.json();
    if (body && typeof body === 'object' && body.error) {
      code = body.error.code ?? code;
      message = body.error.message ?? message;
      details = body.error.details;
    }
  } catch {
    // Not JSON: keep the status line.
  }
  return new ApiError(res.status, code, message, details);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Headers every request from the app sends: JSON accepted, and the CSRF token on non-GET requests. */
export function requestHeaders(method: string, extra: Record<string, string> = {}): Record<string, string> {
  const h: Record<string, string> = { accept: 'application/json', ...extra };
  const csrf = csrfToken();
  if (!SAFE_METHODS.has(method.toUpperCase()) && csrf) h['x-csrf-token'] = csrf;
  return h;
}

/**
 * fetch with the app's headers. A 401 ends the session in the UI (sign-in screen) unless `authFlow`
 * (sign-in and setup answer 401 for a wrong password, which is not an ended session).
 */
export async function request(
  path: string,
  init: { method?: string; body?: unknown; signal?: AbortSignal; authFlow?: boolean } = {},
): Promise<Response> {
  const method = init.method ?? 'GET';
  const json = init.body !== undefined;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      signal: init.signal,
      credentials: 'same-origin',
      headers: requestHeaders(method, json ? { 'content-type': 'application/json' } : {}),
      body: json ? JSON.stringify(init.body) : undefined,
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'network', `Cannot reach the Saferplaces server (${(e as Error).message})`);
  }
  if (res.status === 401 && !init.authFlow) sessionExpired();
  if (!res.ok) throw await errorFromResponse(res);
  return res;
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return (await (await request(path, { signal })).json()) as T;
}

/** A JSON request that changes something (POST, PUT, PATCH, DELETE). */
export async function sendJson<T>(
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
  opts: { authFlow?: boolean } = {},
): Promise<T> {
  return (await (await request(path, { method, body, authFlow: opts.authFlow })).json()) as T;
}

/** The file name from a Content-Disposition header, or the fallback. */
export function attachmentName(disposition: string | null, fallback: string): string {
  const m = /filename="?([^";]+)"?/i.exec(disposition ?? '');
  return m ? m[1] : fallback;
}

/** POSTs a JSON body and saves the response as a file (blob + object URL + a download link). Returns the file name. */
export async function downloadFile(path: string, body: unknown, fallbackName: string): Promise<string> {
  const res = await request(path, { method: 'POST', body });
  const blob = await res.blob();
  const name = attachmentName(res.headers.get('content-disposition'), fallbackName);
  saveBlob(blob, name);
  return name;
}

/** Saves a blob as a file named `name` (object URL + a download link). */
export function saveBlob(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // Give the browser time to start the download before the URL goes.
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function isAbort(e: unknown): boolean {
  return (e as Error)?.name === 'AbortError';
}

export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}
