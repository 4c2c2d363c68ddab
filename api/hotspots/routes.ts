// Hotspot API (issue 4): harm schemes, Gi* hot spots (H3 cells and areas), top-N and its export, change,
// emerging hot spots, time profile and the Knox near-repeat test. Every route has its role guard and a
// strict query schema (400 invalid_parameter naming the parameter); partners get counts through the
// disclosure rule (partner.ts); the Knox test reads record-level points (analysts and officers, officers
// within their wards) and is audited, as are scheme uploads (change) and exports.
import { Hono } from 'hono';
import { stringify } from 'csv-stringify/sync';
import { cellToBoundary } from 'h3-js';
import type { Deps } from '../app.js';
import { audit } from '../auth/audit.js';
import { minCount, suppressRows, suppressTotal } from '../auth/disclosure.js';
import { allow, principal, type AppEnv } from '../auth/middleware.js';
import { ALL_ROLES, RECORD_LEVEL_ROLES, type Principal } from '../auth/roles.js';
import { recordScope } from '../aggregates/routes.js';
import { ApiError } from '../errors.js';
import { parseBody, parseFilters, parseQuery } from '../validate.js';
import { SchemeCsvError } from '../../geodata/harm/parse-csv.js';
import { userSchemeFromCsv } from '../../geodata/harm/user-schemes.js';
import * as h from './handlers.js';
import { changeQuery, DEFAULT_SCHEME, emergingQuery, exportBody, exportFilters, hotspotsQuery, knoxQuery, profileQuery, schemePostQuery, schemesQuery, topQuery } from './params.js';
import { disclosureMeta, emergingWithoutScores, maskChangeRows, maskHotspotMeta, maskHotspotRows, maskMatrix, maskTotals, SCORES_WITHHELD, withoutScores } from './partner.js';
import { profile } from './profile.js';
import { listSchemes, resolveScheme, saveScheme, schemeMeta } from './schemes.js';
import { unitsFor } from './units.js';
import type { Queryable } from '../db/index.js';

const isPartner = (p: Principal) => p.user.role === 'partner';
const MAX_SCHEME_BYTES = 100_000;
type Meta = Awaited<ReturnType<typeof h.hotspots>>['meta'];
type ShownRow = Omit<h.HotspotRow, 'count' | 'value'> & { count: number | null; value: number | null; suppressed?: boolean };
interface Shown {
  kind: 'h3' | 'area';
  rows: ShownRow[];
  meta: Pick<Meta, 'method' | 'window' | 'neighbourhood' | 'correction' | 'scheme'> & Record<string, unknown>;
}

/** Gi* for the caller: partners get counts and values masked (over every unit, before any top-N cut). */
async function hotspotsFor(db: Queryable, p: Principal, q: Parameters<typeof h.hotspots>[1]): Promise<Shown> {
  const body = await h.hotspots(db, q);
  if (!isPartner(p)) return body;
  const min = await minCount(db);
  const m = maskHotspotRows(body.rows, body.meta.outside_study_area, min);
  const meta = { ...maskHotspotMeta(body.meta, min), mean: null, sd: null, scores_withheld: SCORES_WITHHELD, outside_study_area: m.outside, disclosure: disclosureMeta(min) };
  return { kind: body.kind, rows: m.rows, meta };
}

/** Rows as the caller may see them: partners get classes without z-scores and p-values (partner.ts). */
const scored = <T extends object>(p: Principal, rows: T[]): T[] => (isPartner(p) ? (withoutScores(rows as never[]) as T[]) : rows);

export function hotspotRoutes({ db }: Deps) {
  const r = new Hono<AppEnv>();
  const everyone = allow(ALL_ROLES);

  r.get('/harm-schemes', everyone, async (c) => {
    parseQuery(c, schemesQuery);
    return c.json({ schemes: await listSchemes(db), default: DEFAULT_SCHEME });
  });

  r.post('/harm-schemes', allow(['analyst']), async (c) => {
    const p = principal(c);
    const q = parseQuery(c, schemePostQuery);
    const type = c.req.header('content-type') ?? '';
    if (type && !/^(text\/csv|text\/plain|application\/octet-stream)\b/i.test(type))
      throw new ApiError(415, 'unsupported_media_type', 'Send the scheme as CSV (Content-Type text/csv): a header "category,weight", "offence_code,weight" or "offence_code,count" (an offence mix, with base=<scheme>).');
    const text = await c.req.text();
    if (text.length > MAX_SCHEME_BYTES) throw new ApiError(413, 'too_large', `A harm scheme CSV may hold at most ${MAX_SCHEME_BYTES} characters.`);
    if (q.base === q.name) throw new ApiError(400, 'invalid_parameter', 'base: a scheme cannot be its own base', [{ path: 'base', message: 'same as name' }]);
    const base = q.base ? await resolveScheme(db, q.base) : null;
    let made;
    try {
      made = userSchemeFromCsv(text, { name: q.name, label: q.label, version: q.version, source: q.source, mixName: q.mix_name }, base);
    } catch (e) {
      if (e instanceof SchemeCsvError) throw new ApiError(400, 'invalid_csv', e.message, { problems: e.problems });
      throw e;
    }
    const { scheme, kind, unknownCodes } = made;
    if (q.base && kind !== 'offence-mix') throw new ApiError(400, 'invalid_parameter', 'base: only an offence mix (offence_code,count) takes a base scheme', [{ path: 'base', message: 'not a mix' }]);
    await saveScheme(db, scheme, p.user.email);
    await audit(db, p, c.get('ip'), {
      action: 'change', resource: 'harm_schemes',
      query: { name: scheme.name, kind, base: q.base ?? null, version: scheme.version, source: scheme.source, weights: scheme.weights, codes: Object.keys(scheme.codeWeights ?? {}).length, mix: scheme.mix ? { name: scheme.mix.name, total: scheme.mix.total } : null },
    });
    return c.json({ scheme: { ...scheme, origin: 'user' }, kind, meta: schemeMeta(scheme), unknown_codes: unknownCodes }, 201);
  });

  r.get('/hotspots', everyone, async (c) => {
    const q = parseQuery(c, hotspotsQuery);
    const shown = await hotspotsFor(db, principal(c), q);
    return c.json(h.render({ ...shown, rows: scored(principal(c), shown.rows) }));
  });

  r.get('/hotspots/top', everyone, async (c) => {
    const { n, ...q } = parseQuery(c, topQuery);
    const { rows, meta } = await hotspotsFor(db, principal(c), q);
    return c.json({ top: scored(principal(c), h.topRows(rows, n)), meta: { ...meta, n, order: 'gi_z descending, then value' } });
  });

  r.post('/exports/hotspots', everyone, async (c) => {
    const p = principal(c);
    const b = await parseBody(c, exportBody);
    const filters = parseFilters(exportFilters, b.filters);
    const { n, ...q } = filters;
    const { rows, meta: m } = await hotspotsFor(db, p, q);
    const top = scored(p, h.topRows(rows, n));
    await audit(db, p, c.get('ip'), { action: 'export', resource: `hotspots.${b.format}`, query: filters, recordCount: top.length, purpose: b.purpose, recipient: b.recipient });
    const stamp = `${q.res !== undefined ? `h3-res${q.res}` : q.level}-${m.window.from}-${m.window.to}`;
    const disposition = (ext: string) => `attachment; filename="hotspots-${stamp}.${ext}"`;
    if (b.format === 'geojson') {
      const units = await unitsFor(db, q);
      const features = top.map((row) => {
        const { h3, code } = row as { h3?: string; code?: string };
        const id = h3 ?? code!;
        // Cells: the hexagon from h3-js (GeoJSON order, closed); areas: the stored polygon.
        const geometry = h3 ? { type: 'Polygon' as const, coordinates: [cellToBoundary(h3, true)] } : units.polygons![units.index.get(id)!];
        return { type: 'Feature' as const, id, geometry, properties: row };
      });
      const fc = { type: 'FeatureCollection' as const, meta: m, features };
      return c.body(JSON.stringify(fc), 200, { 'content-type': 'application/geo+json; charset=utf-8', 'content-disposition': disposition('geojson') });
    }
    const cols = [...(q.res !== undefined ? ['h3', 'partial'] : ['code', 'name']), 'rank', 'count', 'value', 'gi_z', 'p', 'p_adjusted', 'class'];
    const partner = isPartner(p);
    const csvRows = top.map((row) => cols.map((k) => {
      const v = (row as Record<string, unknown>)[k];
      return v === null && partner && (k === 'count' || k === 'value') ? 'withheld' : v;
    }));
    const mix = m.scheme.mix ? `, offence mix ${m.scheme.mix.name}` : '';
    const header = `# ${m.method}; ${JSON.stringify(m.neighbourhood)}; correction ${m.correction}; harm scheme ${m.scheme.name} ${m.scheme.version} (${m.scheme.label}${mix}); window ${m.window.from} to ${m.window.to}\n`;
    // Booleans (partial) as true/false: csv-stringify's default writes false as an empty field.
    return c.body(header + stringify(csvRows, { header: true, columns: cols, cast: { boolean: (v) => String(v) } }), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': disposition('csv') });
  });

  r.get('/change', everyone, async (c) => {
    const p = principal(c);
    const q = parseQuery(c, changeQuery);
    // Partners see every study-area cell, so which cells are listed does not reveal where incidents are.
    const body = await h.change(db, q, { allCells: isPartner(p) });
    if (!isPartner(p)) return c.json(h.render(body));
    const min = await minCount(db);
    const m = maskChangeRows(body.rows, body.meta.outside_study_area, min);
    return c.json(h.render({ kind: body.kind, rows: m.rows, meta: { ...body.meta, outside_study_area: m.outside, disclosure: disclosureMeta(min) } }));
  });

  r.get('/emerging', everyone, async (c) => {
    const p = principal(c);
    const body = await h.emerging(db, parseQuery(c, emergingQuery));
    if (!isPartner(p)) return c.json(h.render(body));
    // No counts in this response except the precision tally.
    const min = await minCount(db);
    return c.json(
      h.render({
        ...body,
        rows: emergingWithoutScores(body.rows),
        meta: { ...body.meta, z_range: null, time_precision: maskTotals(body.meta.time_precision as Record<string, number>, min), disclosure: disclosureMeta(min) },
      }),
    );
  });

  r.get('/profile', everyone, async (c) => {
    const p = principal(c);
    const body = await profile(db, parseQuery(c, profileQuery));
    if (!isPartner(p)) return c.json(body);
    const min = await minCount(db);
    return c.json({
      ...body,
      total: suppressTotal(body.total, min),
      months: suppressRows(body.months, 'count', min),
      day_of_week: body.day_of_week && suppressRows(body.day_of_week, 'count', min),
      hour_of_week: body.hour_of_week && maskMatrix(body.hour_of_week, min),
      time_precision: maskTotals(body.time_precision, min),
      disclosure: disclosureMeta(min),
    });
  });

  r.get('/knox', allow(RECORD_LEVEL_ROLES), async (c) => {
    const p = principal(c);
    const q = parseQuery(c, knoxQuery);
    const body = await h.knox(db, { ...q, wardCodes: recordScope(p) });
    await audit(db, p, c.get('ip'), { action: 'view_records', resource: 'knox', query: { ...q, ward_scope: recordScope(p) }, recordCount: body.meta.events });
    return c.json(body);
  });

  return r;
}
