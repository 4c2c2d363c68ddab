// Import API: POST /api/imports and friends.
import { Hono } from 'hono';
import type { Deps } from '../app.js';

export function importRoutes(_deps: Deps) {
  const r = new Hono();
  return r;
}
