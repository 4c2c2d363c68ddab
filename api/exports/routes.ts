// Exports: a file leaves the system, so the caller states a purpose and a recipient, and the export is
// written to the audit log with the filters and the number of records (DPA 2018 s62).
// Record-level incidents: analysts only. Area tables: every role, partners with small counts withheld.
import { Hono } from 'hono';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import type { Deps } from '../app.js';
import { audit } from '../auth/audit.js';
import { maskAreaStats, minCount } from '../auth/disclosure.js';
import { allow, principal, type AppEnv } from '../auth/middleware.js';
import { ALL_ROLES } from '../auth/roles.js';
import { ApiError } from '../errors.js';
import { exportStatement, parseBody, parseFilters } from '../validate.js';
import * as h from '../aggregates/handlers.js';
import { incidentsQuery, statsQuery } from '../aggregates/params.js';

/** Most rows one incident export may hold. */
export const MAX_EXPORT_ROWS = 250_000;

const incidentsBody = z.strictObject({ ...exportStatement, format: z.enum(['csv', 'geojson']).default('csv'), filters: z.record(z.string(), z.string()).default({}) });
const areasBody = z.strictObject({ ...exportStatement, format: z.enum(['csv', 'json']).default('csv'), filters: z.record(z.string(), z.string()) });

const attachment = (name: string) => `attachment; filename="${name}"`;
const stamp = () => new Date().toISOString().slice(0, 10);

export function exportRoutes({ db }: Deps) {
  const r = new Hono<AppEnv>();

  r.post('/exports/incidents', allow(['analyst']), async (c) => {
    const p = principal(c);
    const b = await parseBody(c, incidentsBody);
    const { limit: _ignored, ...q } = parseFilters(incidentsQuery, b.filters);
    const out = await h.incidents(db, { ...q, limit: MAX_EXPORT_ROWS });
    if (out.truncated) {
      throw new ApiError(413, 'too_many_records', `The export would hold ${out.total} records; the limit is ${MAX_EXPORT_ROWS}. Narrow the dates, categories or area.`);
    }
    await audit(db, p, c.get('ip'), { action: 'export', resource: `incidents.${b.format}`, query: q, recordCount: out.features.length, purpose: b.purpose, recipient: b.recipient });
    if (b.format === 'geojson') {
      return c.body(JSON.stringify(out), 200, { 'content-type': 'application/geo+json; charset=utf-8', 'content-disposition': attachment(`incidents-${stamp()}.geojson`) });
    }
    const cols = ['id', 'category', 'category_label', 'occurred_at', 'time_precision', 'lon', 'lat', 'location_precision', 'location_text', 'ward_code', 'outcome', 'age_band'] as const;
    const rows = out.features.map((f) => cols.map((k) => (k === 'lon' ? f.geometry.coordinates[0] : k === 'lat' ? f.geometry.coordinates[1] : (f.properties as Record<string, unknown>)[k])));
    return c.body(stringify(rows, { header: true, columns: [...cols] }), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': attachment(`incidents-${stamp()}.csv`) });
  });

  r.post('/exports/areas', allow(ALL_ROLES), async (c) => {
    const p = principal(c);
    const b = await parseBody(c, areasBody);
    const q = parseFilters(statsQuery, b.filters);
    const out = await h.areaStats(db, q);
    let areas = out.areas as unknown as Array<Record<string, unknown>>;
    let total: number | null = out.total;
    let outside: number | null = out.outside_study_area;
    const partner = p.user.role === 'partner';
    if (partner) {
      const min = await minCount(db);
      ({ areas, total, outside_study_area: outside } = maskAreaStats(out.areas, out, min));
    }
    await audit(db, p, c.get('ip'), { action: 'export', resource: `areas.${b.format}`, query: q, recordCount: areas.length, purpose: b.purpose, recipient: b.recipient });
    if (b.format === 'json') return c.json({ ...out, areas, total, outside_study_area: outside });
    const cols = ['code', 'name', 'count', 'population', 'population_rule', 'rate_per_1000', 'previous_count', 'change'] as const;
    // Missing data is said in words, never written as 0 (issue 11); partners' withheld counts likewise.
    const noData = { current: out.coverage.count_reason !== null, previous: out.coverage.previous_reason !== null };
    const cell = (k: (typeof cols)[number], v: unknown) => {
      if (v !== null) return v;
      if ((k === 'count' || k === 'rate_per_1000') && noData.current) return 'no data';
      if ((k === 'previous_count' || k === 'change') && (noData.previous || noData.current)) return 'no data';
      return partner && (k === 'count' || k === 'previous_count') ? 'withheld' : v;
    };
    const rows = areas.map((a) => cols.map((k) => cell(k, a[k])));
    const notes = [out.coverage.count_reason, out.coverage.count_note, out.coverage.previous_reason].filter((n): n is string => n !== null);
    const csv =
      stringify(rows, { header: true, columns: [...cols] }) +
      stringify([
        ['outside_study_area', '', noData.current ? 'no data' : (outside ?? 'withheld')],
        ['total', '', noData.current ? 'no data' : (total ?? 'withheld')],
        ...notes.map((n) => ['note', '', n]),
        ['coverage_rule', '', out.coverage.rule],
      ]);
    return c.body(csv, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': attachment(`${q.level}-${out.from}-${out.to}.csv`) });
  });

  return r;
}
