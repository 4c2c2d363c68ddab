// Hotspot API (issue 4): harm schemes, Gi* hot spots (H3 cells and areas), top-N and its export, change,
// emerging hot spots, time profile and the Knox near-repeat test. The routes, their query schemas and
// answers are declared in contract/hotspots.ts; partners get counts through the disclosure rule, each
// route's mask (partner.ts) applied by `register`. The Knox test reads record-level points (analysts and
// officers, officers within their wards) and is audited, as are scheme uploads (change) and exports.
import { stringify } from 'csv-stringify/sync';
import { cellToBoundary } from 'h3-js';
import * as contract from '../../contract/hotspots.js';
import type { Deps } from '../deps.js';
import { audit } from '../auth/audit.js';
import { recordScope } from '../auth/roles.js';
import { ApiError } from '../errors.js';
import { categorySetLine, categorySetsUsed } from '../definitions/context.js';
import { requestScoped } from '../request-scope.js';
import { contractRouter, dataMask, disclosed, principal, register } from '../routing.js';
import { parseFilters } from '../validate.js';
import { SchemeCsvError } from '../../geodata/harm/parse-csv.js';
import { userSchemeFromCsv } from '../../geodata/harm/user-schemes.js';
import * as h from './handlers.js';
import { maskChange, maskEmerging, maskHotspots, maskProfile, maskTop } from './partner.js';
import { keyedFor, stripCellKeys } from '../auth/disclosure.js';
import { profile } from './profile.js';
import { listSchemes, resolveScheme, saveScheme, schemeMeta } from './schemes.js';
import { unitsFor } from './units.js';
import { nameCellRows } from '../places/names.js';

const isPartner = (c: Parameters<typeof principal>[0]) => principal(c).user.role === 'partner';

/** The top list and every unit's Gi* row (its partner mask masks over all units before the cut). */
type TopData = { full: contract.TopResponse; rows: h.HotspotRow[] };

/** Every unit's Gi* row, for the top list's partner mask (it masks over all units before the cut). */
const allUnits = requestScoped<h.HotspotRow[]>();

export function hotspotRoutes({ db }: Deps) {
  const r = contractRouter();
  /** Cells' rows with their place names (api/places/names.ts; partners: ward-level names), areas as they are. */
  const named = <T extends object>(c: Parameters<typeof principal>[0], rows: T[], res: number | undefined) =>
    nameCellRows(db, rows, res, { wardOnly: isPartner(c) });
  const withNames = async <B extends { kind: string; rows: object[]; meta: object }>(
    c: Parameters<typeof principal>[0],
    b: B,
  ): Promise<B> => (b.kind === 'h3' ? { ...b, rows: await named(c, b.rows, (b.meta as { res?: number }).res ?? undefined) } : b);

  register(r, db, contract.getHarmSchemes, async (c) =>
    c.json({ schemes: await listSchemes(db), default: contract.DEFAULT_SCHEME }, 200),
  );

  register(r, db, contract.postHarmScheme, async (c) => {
    const p = principal(c);
    const q = c.req.valid('query');
    const type = c.req.header('content-type') ?? '';
    if (type && !/^(text\/csv|text\/plain|application\/octet-stream)\b/i.test(type))
      throw new ApiError(
        415,
        'unsupported_media_type',
        'Send the scheme as CSV (Content-Type text/csv): a header "category,weight", "offence_code,weight" or "offence_code,count" (an offence mix, with base=<scheme>).',
      );
    const text = await c.req.text();
    if (text.length > contract.MAX_SCHEME_CHARS)
      throw new ApiError(413, 'too_large', `A harm scheme CSV may hold at most ${contract.MAX_SCHEME_CHARS} characters.`);
    if (q.base === q.name)
      throw new ApiError(400, 'invalid_parameter', 'base: a scheme cannot be its own base', [
        { path: 'base', message: 'same as name' },
      ]);
    const base = q.base ? await resolveScheme(db, q.base) : null;
    let made;
    try {
      made = userSchemeFromCsv(
        text,
        { name: q.name, label: q.label, version: q.version, source: q.source, mixName: q.mix_name },
        base,
      );
    } catch (e) {
      if (e instanceof SchemeCsvError) throw new ApiError(400, 'invalid_csv', e.message, { problems: e.problems });
      throw e;
    }
    const { scheme, kind, unknownCodes } = made;
    if (q.base && kind !== 'offence-mix')
      throw new ApiError(400, 'invalid_parameter', 'base: only an offence mix (offence_code,count) takes a base scheme', [
        { path: 'base', message: 'not a mix' },
      ]);
    await saveScheme(db, scheme, p.user.email);
    await audit(db, p, c.get('ip'), {
      action: 'change',
      resource: 'harm_schemes',
      query: {
        name: scheme.name,
        kind,
        base: q.base ?? null,
        version: scheme.version,
        source: scheme.source,
        weights: scheme.weights,
        codes: Object.keys(scheme.codeWeights ?? {}).length,
        mix: scheme.mix ? { name: scheme.mix.name, total: scheme.mix.total } : null,
      },
    });
    return c.json(
      { scheme: { ...scheme, origin: 'user' as const }, kind, meta: schemeMeta(scheme), unknown_codes: unknownCodes },
      201,
    );
  });

  register(
    r,
    db,
    contract.getHotspots,
    async (c) => c.json(keyedFor(c, h.render(await withNames(c, await h.hotspots(db, c.req.valid('query'))))), 200),
    {
      partner: maskHotspots,
    },
  );

  register(
    r,
    db,
    contract.getHotspotsTop,
    async (c) => {
      const { n, ...q } = c.req.valid('query');
      const { rows: all, meta } = await h.hotspots(db, q);
      // Partners' top list is rebuilt from every unit by its mask: every unit is named (ward level, cheap).
      const rows = isPartner(c) ? await named(c, all, q.res) : all;
      allUnits.set(c, rows);
      const top = h.topRows(rows, n);
      return c.json(
        keyedFor(c, {
          top: isPartner(c) ? top : await named(c, top, q.res),
          meta: { ...meta, n, order: 'gi_z descending, then value' },
        }),
        200,
      );
    },
    { partner: (out, { min, c }) => maskTop(out, allUnits.get(c), min) },
  );

  register(
    r,
    db,
    contract.exportHotspots,
    async (c) => {
      const p = principal(c);
      const b = c.req.valid('json');
      const filters = parseFilters(contract.exportFilters, b.filters);
      const { n, ...q } = filters;
      const { rows: all, meta } = await h.hotspots(db, q);
      const rows = isPartner(c) ? await named(c, all, q.res) : all;
      const cut = h.topRows(rows, n);
      const full = {
        top: isPartner(c) ? cut : await named(c, cut, q.res),
        meta: { ...meta, n: n ?? rows.length, order: 'gi_z descending, then value' },
      };
      // A file, not JSON: the list is masked (for partners) before it is written, with the top list's own mask.
      const shown = stripCellKeys(disclosed<TopData>(c)({ full, rows }).full);
      const { top, meta: m } = shown;
      await audit(db, p, c.get('ip'), {
        action: 'export',
        resource: `hotspots.${b.format}`,
        query: filters,
        recordCount: top.length,
        purpose: b.purpose,
        recipient: b.recipient,
      });
      const stamp = `${q.res !== undefined ? `h3-res${q.res}` : q.level}-${m.window.from}-${m.window.to}`;
      const disposition = (ext: string) => `attachment; filename="hotspots-${stamp}.${ext}"`;
      if (b.format === 'geojson') {
        const units = await unitsFor(db, q);
        const features = top.map((row) => {
          const id = row.h3 ?? row.code!;
          // Cells: the hexagon from h3-js (GeoJSON order, closed); areas: the stored polygon.
          const geometry = row.h3
            ? { type: 'Polygon' as const, coordinates: [cellToBoundary(row.h3, true)] }
            : units.polygons![units.index.get(id)!];
          return { type: 'Feature' as const, id, geometry, properties: row };
        });
        const { n: _n, order: _o, ...fileMeta } = m;
        const sets = categorySetsUsed();
        const fc = {
          type: 'FeatureCollection' as const,
          meta: { ...fileMeta, ...(sets.length ? { category_set: sets.length === 1 ? sets[0] : sets } : {}) },
          features,
        };
        return c.body(JSON.stringify(fc), 200, {
          'content-type': 'application/geo+json; charset=utf-8',
          'content-disposition': disposition('geojson'),
        });
      }
      const cols = [
        ...(q.res !== undefined ? ['name', 'name_basis', 'h3', 'partial'] : ['code', 'name']),
        'rank',
        'count',
        'value',
        'gi_z',
        'p',
        'p_adjusted',
        'class',
      ];
      const csvRows = top.map((row) =>
        cols.map((k) => {
          const place = (row as { place?: { name: string | null; basis: string } }).place;
          if (q.res !== undefined && k === 'name') return place?.name ?? '';
          if (k === 'name_basis') return place?.basis ?? '';
          const v = (row as Record<string, unknown>)[k];
          return v === null && (row as { suppressed?: boolean }).suppressed && (k === 'count' || k === 'value') ? 'withheld' : v;
        }),
      );
      const mix = m.scheme.mix ? `, offence mix ${m.scheme.mix.name}` : '';
      const header = `# ${m.method}; ${JSON.stringify(m.neighbourhood)}; correction ${m.correction}; harm scheme ${m.scheme.name} ${m.scheme.version} (${m.scheme.label}${mix}); window ${m.window.from} to ${m.window.to}\n${categorySetsUsed()
        .map((s) => `# ${categorySetLine(s)}\n`)
        .join('')}`;
      // Booleans (partial) as true/false: csv-stringify's default writes false as an empty field.
      return c.body(header + stringify(csvRows, { header: true, columns: cols, cast: { boolean: (v) => String(v) } }), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': disposition('csv'),
      });
    },
    // Partners: the list through maskTop (the GET /hotspots/top mask); counts below the threshold are written "withheld".
    { partnerData: dataMask<TopData>((d, { min }) => ({ ...d, full: maskTop(d.full, d.rows, min) })) },
  );

  register(
    r,
    db,
    contract.getChange,
    async (c) => {
      // Partners see every study-area cell, so which cells are listed does not reveal where incidents are.
      const body = await h.change(db, c.req.valid('query'), { allCells: isPartner(c) });
      return c.json(keyedFor(c, h.render(await withNames(c, body))), 200);
    },
    { partner: maskChange },
  );

  register(
    r,
    db,
    contract.getEmerging,
    async (c) => c.json(keyedFor(c, h.render(await withNames(c, await h.emerging(db, c.req.valid('query'))))), 200),
    {
      partner: maskEmerging,
    },
  );

  register(r, db, contract.getProfile, async (c) => c.json(keyedFor(c, await profile(db, c.req.valid('query'))), 200), {
    partner: maskProfile,
  });

  register(r, db, contract.getKnox, async (c) => {
    const p = principal(c);
    const q = c.req.valid('query');
    const body = await h.knox(db, { ...q, wardCodes: recordScope(p) });
    await audit(db, p, c.get('ip'), {
      action: 'view_records',
      resource: 'knox',
      query: { ...q, ward_scope: recordScope(p) },
      recordCount: body.meta.events,
    });
    return c.json(body, 200);
  });

  return r;
}
