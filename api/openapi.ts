// GET /api/openapi.json: the OpenAPI 3.1 document generated from the contract (contract/*.ts), and
// GET /api/docs: a readable reference page built from it (served by the app, so it works air-gapped).
import { OpenAPIHono } from '@hono/zod-openapi';
import { Hono } from 'hono';
import { ROUTES } from '../contract/index.js';
import { CAPABILITIES } from '../contract/capabilities.js';
import type { AppEnv } from './auth/middleware.js';

type Doc = ReturnType<OpenAPIHono['getOpenAPI31Document']>;

let cached: Doc | undefined;

/** The document: every contract route, with `x-access` (capability, roles, partner disclosure). */
export function openApiDocument(): Doc {
  if (cached) return cached;
  const gen = new OpenAPIHono();
  for (const route of ROUTES) {
    const access = route['x-access'];
    const roles = access.capability === 'public' ? 'public' : CAPABILITIES[access.capability];
    gen.openapi({ ...route, path: route.path, 'x-access': { ...access, roles } } as typeof route, (c) => c.body(null));
  }
  cached = gen.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Saferplaces API',
      version: '1',
      description:
        'Every route is under /api. Sign in with POST /api/session (cookie + CSRF token for state-changing requests) or send an API token as `Authorization: Bearer …`. Errors are `{ error: { code, message, details? } }`. `x-access` says who may call each route and what partners get.',
    },
    servers: [{ url: '/api' }],
  });
  return cached;
}

const esc = (s: unknown) =>
  String(s ?? '').replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]!);

/** A plain reference page: one section per route, its access, parameters and answer schema. */
export function referencePage(doc: Doc): string {
  const sections: string[] = [];
  for (const [path, ops] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(ops as Record<string, Record<string, unknown>>)) {
      const access = op['x-access'] as {
        capability: string;
        roles: unknown;
        partner?: { kind: string; rule?: string; reason?: string };
      };
      const params =
        (op.parameters as Array<{ name: string; in: string; required?: boolean; schema?: unknown }> | undefined) ?? [];
      const body = (op.requestBody as { content?: Record<string, { schema: unknown }> } | undefined)?.content;
      const responses = op.responses as Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
      sections.push(`<section id="${esc(`${method}-${path}`)}">
<h2><code>${esc(method.toUpperCase())} /api${esc(path)}</code></h2>
<p>${esc(op.summary)}</p>
<p><strong>Who:</strong> ${esc(access.capability)} (${esc(Array.isArray(access.roles) ? access.roles.join(', ') : access.roles)})${access.partner ? ` · <strong>partners:</strong> ${esc(access.partner.kind)} — ${esc(access.partner.rule ?? access.partner.reason)}` : ''}</p>
${params.length ? `<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th></tr>${params.map((p) => `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td>${p.required ? 'yes' : 'no'}</td><td><code>${esc(JSON.stringify(p.schema))}</code></td></tr>`).join('')}</table>` : ''}
${body ? `<details><summary>Body</summary><pre>${esc(JSON.stringify(Object.values(body)[0]?.schema, null, 2))}</pre></details>` : ''}
${Object.entries(responses)
  .map(
    ([status, r]) =>
      `<details><summary>${esc(status)}: ${esc(r.description)} ${r.content ? `(${esc(Object.keys(r.content).join(', '))})` : ''}</summary><pre>${esc(JSON.stringify(r.content ? Object.values(r.content)[0]?.schema : null, null, 2))}</pre></details>`,
  )
  .join('\n')}
</section>`);
    }
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Saferplaces API reference</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:70rem;margin:0 auto;padding:1rem}code,pre{font-family:ui-monospace,monospace}pre{background:#f4f4f4;padding:.5rem;overflow:auto;max-height:30rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}section{border-top:1px solid #ddd;margin-top:1.5rem}</style>
</head><body><h1>Saferplaces API reference</h1><p>${esc(doc.info.description)}</p><p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).</p>
${sections.join('\n')}</body></html>`;
}

/** Public: the API's shape is not a secret (what each route returns still needs the route's role). */
export function openApiRoutes() {
  const r = new Hono<AppEnv>();
  r.get('/openapi.json', (c) => c.json(openApiDocument()));
  r.get('/docs', (c) => c.html(referencePage(openApiDocument())));
  return r;
}
