// Response hardening: security headers with a strict Content-Security-Policy that MapLibre works under
// (its worker is a same-origin module file; tiles, glyphs and sprites come from the configured basemap).
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { bodyLimit } from 'hono/body-limit';
import { ApiError } from './errors.js';

/** Origins the basemap style may load from: the style URL's origin plus any extra configured ones. */
export function basemapOrigins(styleUrl?: string, extra?: string): string[] {
  const out = new Set<string>();
  if (styleUrl) out.add(new URL(styleUrl).origin);
  for (const o of (extra ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean))
    out.add(new URL(o).origin);
  return [...out];
}

export function securityHeaders(origins: string[]): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:', 'blob:', ...origins],
      fontSrc: ["'self'", ...origins],
      connectSrc: ["'self'", ...origins],
      workerSrc: ["'self'", 'blob:'],
      childSrc: ["'self'", 'blob:'],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    strictTransportSecurity: 'max-age=31536000; includeSubDomains',
    referrerPolicy: 'no-referrer',
    crossOriginResourcePolicy: 'same-origin',
    crossOriginOpenerPolicy: 'same-origin',
    xFrameOptions: 'DENY',
    permissionsPolicy: { camera: [], microphone: [], geolocation: ['self'] },
  });
}

export const JSON_BODY_LIMIT = 1024 * 1024;
/** Machine ingest (POST /api/incidents, up to 5,000 incidents per request). */
export const INGEST_BODY_LIMIT = 16 * 1024 * 1024;

const limitOf = (maxSize: number) =>
  bodyLimit({
    maxSize,
    onError: () => {
      throw new ApiError(413, 'too_large', `Request bodies here are limited to ${maxSize / 1024 / 1024} MB.`);
    },
  });

/** JSON/API bodies are limited to 1 MB, ingest batches and walking networks to 16 MB; file uploads have their own streaming limit (MAX_UPLOAD_MB). */
export function apiBodyLimit(): MiddlewareHandler {
  const json = limitOf(JSON_BODY_LIMIT);
  const ingest = limitOf(INGEST_BODY_LIMIT);
  return (c, next) => {
    if (c.req.path === '/api/planning/network') return ingest(c, next); // a walking network (PUT) can be several MB
    if (c.req.method !== 'POST') return json(c, next);
    if (c.req.path === '/api/imports') return next();
    return (c.req.path === '/api/incidents' ? ingest : json)(c, next);
  };
}
