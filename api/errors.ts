// One error shape for the whole API: { error: { code, message, details? } }.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ZodError } from 'zod';
import { isDatabaseUnavailable } from './db/index.js';

export class ApiError extends Error {
  constructor(
    public status: ContentfulStatusCode,
    public code: string,
    message: string,
    public details?: unknown,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, details?: unknown) => new ApiError(400, 'bad_request', message, details);
export const notFound = (message: string) => new ApiError(404, 'not_found', message);

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

export function zodDetails(e: ZodError) {
  return e.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

/** Seconds a client is asked to wait (Retry-After) while the database is unavailable. */
export const DATABASE_RETRY_AFTER_S = 5;

export function handleError(err: Error, c: Context) {
  if (err instanceof ApiError) return c.json(errorBody(err.code, err.message, err.details), err.status);
  if (err instanceof ZodError) return c.json(errorBody('invalid_parameter', 'Invalid request parameters', zodDetails(err)), 400);
  if (isDatabaseUnavailable(err)) {
    // Down, restarting or refusing connections: say so, and when to try again (the pool reconnects by itself).
    c.header('retry-after', String(DATABASE_RETRY_AFTER_S));
    return c.json(errorBody('database_unavailable', 'The database is not available at the moment. Try again shortly.'), 503);
  }
  // Never leak stack traces or SQL to the client.
  console.error('unhandled error:', err);
  return c.json(errorBody('internal', 'Internal server error'), 500);
}
