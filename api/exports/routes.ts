// Exports: a file leaves the system, so the caller states a purpose and a recipient, and the export is
// written to the audit log with the filters and the number of records (DPA 2018 s62). The routes and
// their bodies are declared in contract/exports.ts.
// Record-level incidents: analysts only. Area tables: every role, partners with small counts withheld.
import { stringify } from 'csv-stringify/sync';
import type { AreaStats } from '../../contract/aggregates.js';
import * as contract from '../../contract/exports.js';
import type { Deps } from '../deps.js';
import { audit } from '../auth/audit.js';
import { holdsSynthetic, SYNTHETIC_PREFIX } from './synthetic-label.js';
import { areaStatsSources, exportSources, incidentBatches, sourceFooter } from './provenance.js';
import { ApiError } from '../errors.js';
import { contractRouter, dataMask, disclosed, principal, register } from '../routing.js';
import * as h from '../aggregates/handlers.js';
import { partnerAreaStats } from '../aggregates/routes.js';
import { partnerRequestRules, runAsPartner, stripCellKeys } from '../auth/disclosure.js';
import { categorySetLine, categorySetsUsed } from '../definitions/context.js';

/** Most rows one incident export may hold. */
export const MAX_EXPORT_ROWS = 250_000;

const attachment = (name: string) => `attachment; filename="${name}"`;
const stamp = () => new Date().toISOString().slice(0, 10);

export function exportRoutes({ db }: Deps) {
  const r = contractRouter();

  register(r, db, contract.exportIncidents, async (c) => {
    const p = principal(c);
    const b = c.req.valid('json');
    const { limit: _ignored, ...q } = b.filters;
    const out = await h.incidents(db, { ...q, limit: MAX_EXPORT_ROWS });
    if (out.truncated) {
      throw new ApiError(
        413,
        'too_many_records',
        `The export would hold ${out.total ?? `more than ${out.total_cap}`} records; the limit is ${MAX_EXPORT_ROWS}. Narrow the dates, categories or area.`,
      );
    }
    await audit(db, p, c.get('ip'), {
      action: 'export',
      resource: `incidents.${b.format}`,
      query: q,
      recordCount: out.features.length,
      purpose: b.purpose,
      recipient: b.recipient,
    });
    // Provenance (issue 17): the batches the exported incidents came from, with source, request and time fetched.
    const sources = await exportSources(db, [
      [
        'incidents',
        await incidentBatches(
          db,
          out.features.map((f) => Number(f.properties.id)),
        ),
      ],
    ]);
    if (b.format === 'geojson') {
      // A category set the filters chose is stated in the file (a CSV of records has no place for it: the
      // X-Saferplaces-Category-Set header states it, definitions/context.ts).
      const sets = categorySetsUsed();
      const body = sets.length ? { ...out, category_set: sets.length === 1 ? sets[0] : sets, sources } : { ...out, sources };
      return c.body(JSON.stringify(body), 200, {
        'content-type': 'application/geo+json; charset=utf-8',
        'content-disposition': attachment(`incidents-${stamp()}.geojson`),
      });
    }
    const cols = [
      'id',
      'category',
      'category_label',
      'occurred_at',
      'time_precision',
      'lon',
      'lat',
      'location_precision',
      'location_text',
      'ward_code',
      'outcome',
      'age_band',
    ] as const;
    const rows = out.features.map((f) =>
      cols.map((k) => (k === 'lon' ? f.geometry.coordinates[0] : k === 'lat' ? f.geometry.coordinates[1] : f.properties[k])),
    );
    // One `source` line per batch after the rows (as the areas CSV's footer).
    return c.body(stringify(rows, { header: true, columns: [...cols] }) + sourceFooter(sources), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': attachment(`incidents-${stamp()}.csv`),
    });
  });

  register(
    r,
    db,
    contract.exportAreas,
    async (c) => {
      const p = principal(c);
      const b = c.req.valid('json');
      const q = b.filters;
      // Partners: whole months and published geographies only, as on GET /stats/areas, and the same mask,
      // applied to the data before it becomes a file (cell keys removed for everyone else).
      const partner = p.user.role === 'partner';
      if (partner) partnerRequestRules((k) => (q as Record<string, unknown>)[k]);
      const stats = partner ? await runAsPartner(() => h.areaStats(db, q)) : await h.areaStats(db, q);
      const out = stripCellKeys(disclosed<AreaStats>(c)(stats));
      await audit(db, p, c.get('ip'), {
        action: 'export',
        resource: `areas.${b.format}`,
        query: q,
        recordCount: out.areas.length,
        purpose: b.purpose,
        recipient: b.recipient,
      });
      const sources = await areaStatsSources(db, { level: q.level, from: out.from, to: out.to, categories: out.categories });
      if (b.format === 'json') return c.json({ ...out, sources }, 200);
      const cols = [
        'code',
        'name',
        'count',
        'population',
        'population_rule',
        'rate_per_1000',
        'previous_count',
        'change',
      ] as const;
      // Missing data is said in words, never written as 0 (issue 11); withheld counts likewise.
      const noData = { current: out.coverage.count_reason !== null, previous: out.coverage.previous_reason !== null };
      const cell = (k: (typeof cols)[number], a: (typeof out.areas)[number]) => {
        const v = a[k];
        if (v !== null) return v;
        if ((k === 'count' || k === 'rate_per_1000') && noData.current) return 'no data';
        if ((k === 'previous_count' || k === 'change') && (noData.previous || noData.current)) return 'no data';
        if (k === 'count' && a.suppressed) return 'withheld';
        if (k === 'previous_count' && a.previous_suppressed) return 'withheld';
        return v;
      };
      const rows = out.areas.map((a) => cols.map((k) => cell(k, a)));
      const notes = [out.coverage.count_reason, out.coverage.count_note, out.coverage.previous_reason].filter(
        (n): n is string => n !== null,
      );
      const csv =
        stringify(rows, { header: true, columns: [...cols] }) +
        stringify([
          ['outside_study_area', '', noData.current ? 'no data' : (out.outside_study_area ?? 'withheld')],
          ['total', '', noData.current ? 'no data' : (out.total ?? 'withheld')],
          ...notes.map((n) => ['note', '', n]),
          ['coverage_rule', '', out.coverage.rule],
          // The partnership's definition, when the filters chose it (issue 18): stated in the file itself.
          ...categorySetsUsed().map((s) => ['category_set', '', categorySetLine(s)]),
        ]) +
        sourceFooter(sources);
      return c.body(csv, 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': attachment(`${q.level}-${out.from}-${out.to}.csv`),
      });
    },
    { partnerData: dataMask<AreaStats>(partnerAreaStats) },
  );

  // A map image is drawn in the browser; what leaves is recorded like every other export.
  register(r, db, contract.recordMapImage, async (c) => {
    const b = c.req.valid('json');
    await audit(db, principal(c), c.get('ip'), {
      action: 'export',
      resource: 'map-image.png',
      query: { page: b.page, title: b.title, period: b.period, view: b.view, width: b.width, height: b.height },
      recordCount: null,
      purpose: b.purpose,
      recipient: b.recipient,
    });
    // Named like every attachment (synthetic-label.ts): the browser saves it under this name.
    const prefix = (await holdsSynthetic(db)) ? SYNTHETIC_PREFIX : '';
    return c.json({ file_name: `${prefix}map-${b.page}-${stamp()}.png` }, 200);
  });

  return r;
}
