// Validate, don't cast: every request input passes a zod schema; failures become 400 invalid_parameter.
import type { Context } from 'hono';
import type { z } from 'zod';
import { ApiError, zodDetails } from './errors.js';

/** `raw` checked by `schema`, or a 400 `code` listing every problem (each path through `label`). */
function check<S extends z.ZodType>(schema: S, raw: unknown, code: string, label: (path: string) => string): z.infer<S> {
  const r = schema.safeParse(raw);
  if (!r.success) {
    const d = zodDetails(r.error);
    throw new ApiError(400, code, d.map((x) => `${label(x.path)}: ${x.message}`).join('; '), d);
  }
  return r.data;
}

export function parseQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return check(schema, c.req.query(), 'invalid_parameter', (p) => p || 'query');
}

/** An export's `filters`: the same strings as the matching GET endpoint's query, checked by the same schema. */
export function parseFilters<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  return check(schema, raw, 'invalid_parameter', (p) => `filters.${p}`);
}

/** A JSON request body (Content-Type application/json required), validated by `schema`. */
export async function parseBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(type))
    throw new ApiError(415, 'unsupported_media_type', 'Send the body as application/json.');
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw new ApiError(400, 'bad_json', 'The body is not valid JSON.');
  }
  return check(schema, raw, 'invalid_body', (p) => p || 'body');
}

/** A positive integer id from the path. */
export function idParam(c: Context, name = 'id'): number {
  const s = c.req.param(name) ?? '';
  if (!/^[1-9]\d{0,9}$/.test(s) || Number(s) > 2 ** 31 - 1)
    throw new ApiError(400, 'invalid_parameter', `${name} must be a positive integer`);
  return Number(s);
}
