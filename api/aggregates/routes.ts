// Aggregation API (areas, stats, hexes, incidents, categories, series, summary, config).
import { Hono } from 'hono';
import type { Deps } from '../app.js';

export function aggregateRoutes(_deps: Deps) {
  const r = new Hono();
  return r;
}
