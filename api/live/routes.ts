// Live updates, ingest, meetings and the tasking pack (issue 7):
//   GET  /api/live                     change feed (server-sent events)
//   POST /api/incidents                ingest (analyst session, or API token with scope `ingest`)
//   POST|GET /api/meetings (GET: recent meetings, for "since the last meeting"), GET|DELETE /api/meetings/:id, PUT /api/meetings/:id/view,
//   GET  /api/meetings/:id/events      follow the presenter (server-sent events)
//   GET  /api/pack                     tasking pack data; POST /api/exports/pack: the pack as a zip
// The routes are declared in contract/live.ts.
import { stringify } from 'csv-stringify/sync';
import { areaStatsSources } from '../exports/provenance.js';
import { strToU8, zipSync } from 'fflate';
import * as contract from '../../contract/live.js';
import type { LiveChange } from '../../contract/live.js';
import type { Deps } from '../deps.js';
import { audit } from '../auth/audit.js';
import { keyedFor, partnerRequestRules, stripCellKeys } from '../auth/disclosure.js';
import type { Principal } from '../auth/roles.js';
import { ApiError } from '../errors.js';
import { categorySetLine, categorySetsUsed } from '../definitions/context.js';
import { parseFilters } from '../validate.js';
import { contractRouter, dataMask, disclosed, principal, register } from '../routing.js';
import * as h from '../aggregates/handlers.js';
import { CATCH_UP_LIMIT, changesAfter, currentSeq, hubFor, type Change } from './hub.js';
import { ingest } from './ingest.js';
import { createMeeting, endMeeting, findMeeting, listed, listMeetings, present, setView } from './meetings.js';
import {
  buildPack,
  cellFeatures,
  maskPack,
  noCurrent,
  noPrevious,
  packQuery,
  packSectionFiles,
  type NoData,
  type Pack,
} from './pack.js';
import { eventStream, RETRY_MS } from './sse.js';
import { PTABLE_NAME } from '../../geodata/disclosure/cell-key.js';

const SEQ = /^\d{1,15}$/;

/** A change as a client may see it. Its bbox is where the new records lie (one new incident: its exact
 *  point), so only analysts, who may see every record, get it; officers (record-level data in their area
 *  only) and admins get counts and months; partners a "data changed" signal only (`changeMask`). */
const changeFor = (c: Change, p: Principal): LiveChange => (p.user.role === 'analyst' ? c : { ...c, bbox: null });

/**
 * Partners (issue 15): a "data changed" signal only — the change's seq, time and batch, never its count,
 * months or location. A change is one import or one pushed batch, often a single incident: its count and
 * months are record-level facts (and the difference of two aggregates around it). A partner's client
 * refetches what it shows on the signal, and gets the perturbed, suppressed aggregates of the routes it reads.
 */
const changeMask = dataMask<LiveChange>((c) => ({
  seq: c.seq,
  at: c.at,
  batch_id: c.batch_id,
  count: null,
  months: null,
  bbox: null,
}));

/** Partners' pack (GET /api/pack and the zip): counts cell-key perturbed, then suppressed (`maskPack`). */
const packMask = (pack: Pack, { min }: { min: number }) => maskPack(pack, min);

const NO_DATA = 'no data';
const WITHHELD_COLUMNS = new Set(['count', 'previous_count', 'incidents_added']);
/** A null cell: "no data" when the row's period has none (issue 11: never 0), "withheld" for partners' counts. */
function nullCell(r: Record<string, unknown>, k: string, partner: boolean): unknown {
  const nd = (r.no_data ?? null) as NoData;
  if (
    nd &&
    (((k === 'count' || k === 'rate_per_1000') && noCurrent(nd)) ||
      (k === 'previous_count' && noPrevious(nd)) ||
      k === 'change' ||
      k === 'change_pct')
  )
    return NO_DATA;
  return partner && WITHHELD_COLUMNS.has(k) ? 'withheld' : null;
}
const csv = (rows: Array<Record<string, unknown>>, cols: string[], partner: boolean) =>
  stringify(
    rows.map((r) =>
      cols.map((k) =>
        r[k] === null || r[k] === undefined
          ? nullCell(r, k, partner)
          : Array.isArray(r[k])
            ? (r[k] as unknown[]).join('..')
            : r[k],
      ),
    ),
    { header: true, columns: cols },
  );

/** The pack as files: CSV tables, GeoJSON for a GIS, the JSON itself and a README. */
async function packFiles(deps: Deps, pack: Pack, p: Principal, meta: { purpose: string; recipient: string }) {
  // A pack that went through the partners' mask says so (its disclosure): its null counts read "withheld".
  const partner = pack.disclosure !== undefined;
  const files: Record<string, Uint8Array> = {};
  const put = (name: string, text: string) => (files[name] = strToU8(text));
  const sets = categorySetsUsed();
  put('pack.json', JSON.stringify(sets.length ? { ...pack, category_set: sets.length === 1 ? sets[0] : sets } : pack, null, 2));
  put(
    'period-comparison.csv',
    csv(
      [...pack.comparison.categories, { slug: 'total', label: 'All categories', ...pack.comparison.total }],
      ['slug', 'label', 'count', 'previous_count', 'change', 'change_pct'],
      partner,
    ),
  );
  put(
    'top-cells.csv',
    csv(pack.top_cells.cells, ['h3', 'count', 'previous_count', 'change', 'change_pct', 'ward_code', 'ward_name'], partner),
  );
  put('top-cells.geojson', JSON.stringify(cellFeatures(pack.top_cells.cells)));
  if (pack.wards) {
    const nd = pack.wards.no_data;
    const rows = [
      ...pack.wards.areas,
      { rank: '', code: 'outside_study_area', name: '', count: pack.wards.outside_study_area, no_data: nd },
      { rank: '', code: 'total', name: '', count: pack.wards.total, no_data: nd },
    ];
    put(
      'ward-league.csv',
      csv(rows, ['rank', 'code', 'name', 'count', 'population', 'rate_per_1000', 'previous_count', 'change'], partner),
    );
    const fc = JSON.parse(await h.areasGeoJson(deps.db, 'ward')) as { features: Array<{ properties: Record<string, unknown> }> };
    const byCode = new Map(pack.wards.areas.map((a) => [a.code, a]));
    for (const f of fc.features) Object.assign(f.properties, byCode.get(f.properties.code as string) ?? {});
    put('wards.geojson', JSON.stringify(fc));
  }
  if (pack.changes)
    put('changes-since.csv', csv(pack.changes.batches, ['seq', 'at', 'batch_id', 'kind', 'dataset', 'count', 'months'], partner));
  // The planning sections (patrol and outreach proposals, active CHB areas), as their modules write them.
  const extra = await packSectionFiles(deps.db, pack, partner);
  for (const [name, text] of Object.entries(extra.files)) put(name, text);
  // Provenance (issue 17): the import batches behind the figures (both periods' incidents, ward boundaries,
  // population), each with its source, first request, parameters and time fetched.
  const sources = await areaStatsSources(deps.db, {
    level: 'ward',
    from: pack.period.previous_from,
    to: pack.period.to,
    categories: pack.categories_filter ?? null,
  });
  put(
    'sources.csv',
    stringify(
      sources.map((s) => ({ ...s, parameters: s.parameters ? JSON.stringify(s.parameters) : '' })),
      {
        header: true,
        columns: [
          'batch_id',
          'role',
          'kind',
          'source',
          'file_name',
          'url',
          'parameters',
          'request_count',
          'fetched_at',
          'imported_at',
        ],
      },
    ),
  );
  put(
    'README.txt',
    [
      'Saferplaces tasking pack',
      `Generated ${pack.generated_at} for ${p.user.email} (${p.user.role}).`,
      `Purpose: ${meta.purpose}`,
      `Recipient: ${meta.recipient}`,
      `Period: ${pack.period.from} to ${pack.period.to} (exclusive), compared with ${pack.period.previous_from} to ${pack.period.previous_to} (${pack.period.basis}).`,
      `Categories: ${pack.categories_filter?.join(', ') ?? 'all'}.`,
      ...categorySetsUsed().map(categorySetLine),
      partner
        ? `Disclosure control: every count is perturbed by the ONS cell key method (${PTABLE_NAME}; a total by its own key, so parts need not add up to it), then counts below ${pack.disclosure?.min_count} are withheld ("withheld" in CSV, null in JSON/GeoJSON), with complementary suppression.`
        : 'No disclosure control applied (record-level role); handle as OFFICIAL-SENSITIVE.',
      `Coverage: ${pack.coverage.rule}`,
      ...(pack.coverage.gaps.length
        ? ['Coverage gaps:', ...pack.coverage.gaps.map((g) => `- ${g}`)]
        : ['Both periods are fully covered for the categories in scope.']),
      '"no data" in the CSVs (null in JSON/GeoJSON, with no_data saying which period) marks a period without data for the category: it is not 0, and no change is computed from it.',
      'Files: period-comparison.csv, top-cells.csv/.geojson, ward-league.csv, wards.geojson (when wards are loaded), changes-since.csv (when asked), pack.json (everything), sources.csv (where the data came from: each import batch with its source, request, parameters and time fetched).',
      'Planning sections:',
      ...extra.readme,
      ...packSchemeLines(pack),
      'Contains public sector information licensed under the Open Government Licence v3.0.',
      '',
    ].join('\n'),
  );
  return { files, records: extra.records };
}

/** The harm schemes the planning sections were weighed by, each with its edition (label and version) and whether it is derived (issue 18). */
function packSchemeLines(pack: Pack): string[] {
  const seen = new Map<string, string>();
  for (const s of Object.values(pack.sections)) {
    if (!s.available) continue;
    const d = s.data as { meta?: { scheme?: unknown }; scheme?: unknown } | null;
    const sc = (d?.meta?.scheme ?? d?.scheme) as
      | { name?: string; label?: string; version?: string; derived?: string | null }
      | undefined;
    if (!sc?.name || !sc.label) continue;
    const line = `Harm scheme (${s.title}): ${sc.label} (${sc.name}${sc.version ? ` ${sc.version}` : ''})${sc.derived ? `; derived table: ${sc.derived}` : ''}`;
    seen.set(`${s.title}/${sc.name}`, line);
  }
  return [...seen.values()];
}

export function liveRoutes(deps: Deps) {
  const { db } = deps;
  const r = contractRouter();
  const hub = hubFor(db);

  // ---------- change feed ----------
  register(
    r,
    db,
    contract.getLive,
    async (c) => {
      const p = principal(c);
      const q = c.req.valid('query');
      const header = c.req.header('last-event-id');
      if (header !== undefined && !SEQ.test(header.trim()))
        throw new ApiError(400, 'invalid_parameter', 'Last-Event-ID must be a change seq');
      const after = header !== undefined ? Number(header.trim()) : q.after;
      const disclose = disclosed<LiveChange>(c);
      return eventStream(c, db, p, async (out) => {
        let last = 0;
        let caughtUp = false;
        const early: Change[] = [];
        const emit = (ch: Change) => {
          if (ch.seq <= last) return;
          last = ch.seq;
          out.send({ event: 'incidents', id: ch.seq, data: disclose(changeFor(ch, p)) });
        };
        // Subscribe first, then catch up: nothing committed in between is lost, nothing is sent twice.
        const stop = await hub.onChange((ch) => (caughtUp ? emit(ch) : early.push(ch)));
        try {
          if (after === undefined) last = await currentSeq(db);
          else {
            const missed = await changesAfter(db, after, CATCH_UP_LIMIT + 1);
            if (missed.length > CATCH_UP_LIMIT) {
              last = await currentSeq(db);
              out.send({
                event: 'reset',
                id: last,
                data: { seq: last, reason: `more than ${CATCH_UP_LIMIT} changes missed: reload everything` },
              });
            } else {
              last = after;
              missed.forEach(emit);
            }
          }
        } catch (e) {
          stop();
          throw e;
        }
        out.send({ event: 'ready', id: last, retry: RETRY_MS, data: { seq: last } });
        caughtUp = true;
        early.forEach(emit);
        return stop;
      });
    },
    { partnerData: changeMask },
  );

  // ---------- ingest ----------
  register(r, db, contract.ingestIncidents, async (c) => {
    const p = principal(c);
    const body = c.req.valid('json');
    const items = Array.isArray(body) ? body : Array.isArray(body.incidents) ? body.incidents : [body];
    const dataset = !Array.isArray(body) && Array.isArray(body.incidents) ? (body.dataset as string | undefined) : undefined;
    const out = await ingest(db, items, { dataset, createdBy: p.user.email });
    await audit(db, p, c.get('ip'), {
      action: 'import',
      resource: 'incidents.api',
      query: { batch_id: out.batch_id, dataset: dataset ?? null, incidents: items.length },
      recordCount: out.imported,
    });
    return c.json(out, 200);
  });

  // ---------- meetings ----------
  register(r, db, contract.createMeeting, async (c) => {
    const p = principal(c);
    const b = c.req.valid('json');
    return c.json(present(await createMeeting(db, p.user.id, b.title)), 201);
  });

  register(r, db, contract.listMeetings, async (c) =>
    c.json({ meetings: (await listMeetings(db, c.req.valid('query'))).map(listed) }, 200),
  );

  register(r, db, contract.getMeeting, async (c) => c.json(present(await findMeeting(db, c.req.valid('param').id)), 200));

  register(r, db, contract.putMeetingView, async (c) => {
    const p = principal(c);
    const m = await setView(db, c.req.valid('param').id, p.user.id, c.req.valid('json'));
    return c.json({ view_version: m.view_version, view_at: m.view_at }, 200);
  });

  register(r, db, contract.endMeeting, async (c) => {
    const p = principal(c);
    return c.json(present(await endMeeting(db, c.req.valid('param').id, p.user.id)), 200);
  });

  register(r, db, contract.meetingEvents, async (c) => {
    const p = principal(c);
    const m = await findMeeting(db, c.req.valid('param').id, { live: true });
    return eventStream(c, db, p, async (out) => {
      let version = -1;
      const send = (row: typeof m | null) => {
        if (!row || row.ended_at) {
          out.send({ event: 'end', data: { reason: row ? 'ended' : 'deleted' } });
          out.end();
          return;
        }
        if (row.view_version <= version) return;
        version = row.view_version;
        if (row.view)
          out.send({
            event: 'view',
            id: row.view_version,
            data: { view: row.view, view_version: row.view_version, view_at: row.view_at },
          });
      };
      const stop = await hub.onMeeting(m.id, send);
      // The latest view on connect (read after subscribing, so no change is missed).
      out.send({ event: 'meeting', retry: RETRY_MS, data: present(m) });
      send(await findMeeting(db, m.id).catch(() => null));
      return stop;
    });
  });

  // ---------- tasking pack ----------
  // Cell keys stay on the pack for the partners' mask (which consumes them) and are stripped for everyone else.
  register(
    r,
    db,
    contract.getPack,
    async (c) => c.json(keyedFor(c, await buildPack(db, principal(c), c.req.valid('query'))), 200),
    {
      partner: packMask,
    },
  );

  register(
    r,
    db,
    contract.exportPack,
    async (c) => {
      const p = principal(c);
      const b = c.req.valid('json');
      // The filters are GET /api/pack's query string (400 invalid_parameter `filters.<name>` like it); a
      // partner's are held to the partner rules as GET /api/pack's query is (periods, res, one category).
      if (p.user.role === 'partner') partnerRequestRules((k) => b.filters[k]);
      const filters = parseFilters(packQuery, b.filters);
      // Partners: perturbed and suppressed by the mask; everyone: no cell key in any file.
      const pack = stripCellKeys(disclosed<Pack>(c)(await buildPack(db, p, filters)));
      const { files, records } = await packFiles(deps, pack, p, b);
      const zip = zipSync(files, { level: 6, mtime: new Date() });
      await audit(db, p, c.get('ip'), {
        action: 'export',
        resource: 'pack.zip',
        query: filters,
        purpose: b.purpose,
        recipient: b.recipient,
        recordCount: pack.comparison.categories.length + pack.top_cells.cells.length + (pack.wards?.areas.length ?? 0) + records,
      });
      return c.body(zip, 200, {
        'content-type': 'application/zip',
        'content-disposition': `attachment; filename="tasking-pack-${pack.period.from}-${pack.period.to}.zip"`,
      });
    },
    { partnerData: dataMask<Pack>(packMask) },
  );

  return r;
}
