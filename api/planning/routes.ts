// Planning API (issue 6): the intervention register, coverage and gaps, patrol boxes (with audited exports),
// outreach sites, and Clear-Hold-Build areas. Roles:
// - analyst: everything;
// - officer: read and change the register (create, edit, end, import; not delete), coverage, patrol and
//   outreach planning, patrol exports, CHB read;
// - partner: aggregates only: coverage shares per ward and borough-wide, CHB figures, small counts withheld
//   (api/auth/disclosure.ts); no register, no hotspot lists, no plans;
// - admin: read (register, history, types, coverage, CHB).
import { Hono } from 'hono';
import type { Deps } from '../app.js';
import { audit } from '../auth/audit.js';
import { minCount, suppressRows, suppressTotal } from '../auth/disclosure.js';
import { allow, principal, type AppEnv } from '../auth/middleware.js';
import { ALL_ROLES, type Role } from '../auth/roles.js';
import { idParam, parseBody, parseFilters, parseQuery } from '../validate.js';
import { patrolBriefingHtml, patrolCsv, patrolGeoJson, patrolGpx } from '../../geodata/planning/formats.js';
import * as chb from './chb.js';
import { coverage, type Share } from './coverage.js';
import { parseImport } from './import.js';
import { outreach } from './outreach.js';
import { addNetworkRoutes } from './network.js';
import './pack.js'; // registers the tasking pack's planning sections (patrol, outreach, active CHB areas)
import * as p from './params.js';
import { patrolPlan } from './patrol.js';
import * as reg from './register.js';

const READ: readonly Role[] = ['analyst', 'officer', 'admin'];
const WRITE: readonly Role[] = ['analyst', 'officer'];
const PLAN: readonly Role[] = ['analyst', 'officer'];
const ANALYST: readonly Role[] = ['analyst'];

const attachment = (name: string) => `attachment; filename="${name}"`;

/** Partners: ward shares through the disclosure rule (hotspot incidents, then covered incidents). */
function coverageForPartner(out: Awaited<ReturnType<typeof coverage>>, min: number) {
  type Row = Record<string, unknown> & Share & { code: string | null; name: string | null; suppressed?: boolean };
  const rows: Row[] = [...out.wards, { code: null, name: null, ...out.outside_wards }];
  const step1 = suppressRows<Row>(rows, 'hotspot_incidents', min, ['hotspot_harm', 'covered_harm', 'share', 'covered_incidents']);
  // Then the covered counts of the rows still shown (withheld rows take part as 0 and stay withheld).
  const step2 = suppressRows<Row>(step1.map((r) => ({ ...r, covered_incidents: r.covered_incidents ?? 0 })), 'covered_incidents', min, ['covered_harm', 'share']).map((r, i) =>
    step1[i].suppressed ? { ...step1[i], covered_incidents: null, covered_suppressed: true } : { ...r, covered_suppressed: r.suppressed, suppressed: false },
  );
  const borough = out.borough;
  const boroughHidden = borough.hotspot_incidents < min || borough.covered_incidents < min;
  return {
    borough: {
      ...borough,
      hotspot_incidents: suppressTotal(borough.hotspot_incidents, min),
      covered_incidents: suppressTotal(borough.covered_incidents, min),
      hotspot_harm: borough.hotspot_incidents < min ? null : borough.hotspot_harm,
      covered_harm: boroughHidden ? null : borough.covered_harm,
      share: boroughHidden ? null : borough.share,
    },
    wards: step2.slice(0, -1),
    outside_wards: step2[step2.length - 1],
    interventions_used: out.interventions.length,
    meta: out.meta,
    disclosure: { min_count: min, rule: 'incident counts below min_count withheld with complementary suppression; harm and shares derived from them withheld; no hotspot lists' },
  };
}

export function planningRoutes({ db }: Deps) {
  const r = new Hono<AppEnv>();

  // Every successful change to the register, its types and CHB areas is also written to the audit log
  // (the register's own history table keeps the versions; the audit log says who changed what, when).
  r.use('*', async (c, next) => {
    await next();
    const m = c.req.method;
    if (m === 'GET' || m === 'HEAD' || c.res.status >= 400) return;
    const path = c.req.path.replace(/^\/api\//, '');
    if (path.endsWith('/export') || path === 'planning/outreach') return; // exports audit themselves; outreach changes nothing
    const p = c.get('principal');
    if (!p) return;
    await audit(db, p, c.get('ip'), { action: path === 'interventions/import' ? 'import' : 'change', resource: path, query: { method: m } });
  });

  // ---------- intervention register ----------

  r.get('/interventions/types', allow(READ), async (c) => {
    parseQuery(c, p.emptyQuery);
    return c.json({ types: await reg.types(db) });
  });

  r.post('/interventions/types', allow(ANALYST), async (c) => {
    const b = await parseBody(c, p.typeBody);
    return c.json(await reg.addType(db, b.slug, b.label, principal(c).user.email), 201);
  });

  r.get('/interventions', allow(READ), async (c) => {
    const q = parseQuery(c, p.listQuery);
    const rows = await reg.listInterventions(db, { types: q.type ?? null, activeOn: q.active_on ?? null, includeDeleted: q.include_deleted });
    return c.body(JSON.stringify(reg.asFeatureCollection(rows)), 200, { 'content-type': 'application/geo+json; charset=utf-8' });
  });

  r.post('/interventions', allow(WRITE), async (c) => {
    const b = await parseBody(c, p.interventionBody);
    return c.json(await reg.createIntervention(db, b, principal(c)), 201);
  });

  r.post('/interventions/import', allow(WRITE), async (c) => {
    const b = await parseBody(c, p.importBody);
    const rows = parseImport(b);
    const ids = await reg.importInterventions(db, rows, principal(c), b.format === 'csv' ? 2 : 1);
    return c.json({ imported: ids.length, ids }, 201);
  });

  r.get('/interventions/:id', allow(READ), async (c) => {
    parseQuery(c, p.emptyQuery);
    return c.json(await reg.getIntervention(db, idParam(c)));
  });

  r.patch('/interventions/:id', allow(WRITE), async (c) => {
    const id = idParam(c);
    const b = await parseBody(c, p.interventionPatch);
    return c.json(await reg.editIntervention(db, id, b, principal(c)));
  });

  r.post('/interventions/:id/end', allow(WRITE), async (c) => {
    const id = idParam(c);
    const b = await parseBody(c, p.endBody);
    return c.json(await reg.endIntervention(db, id, b.ends_on, b.version, principal(c)));
  });

  r.delete('/interventions/:id', allow(ANALYST), async (c) => c.json(await reg.deleteIntervention(db, idParam(c), principal(c))));

  r.get('/interventions/:id/history', allow(READ), async (c) => {
    parseQuery(c, p.emptyQuery);
    const id = idParam(c);
    return c.json({ id, history: await reg.history(db, id) });
  });

  // ---------- coverage, patrol, outreach ----------

  r.get('/planning/coverage', allow(ALL_ROLES), async (c) => {
    const q = parseQuery(c, p.coverageQuery);
    const out = await coverage(db, q);
    if (principal(c).user.role !== 'partner') return c.json(out);
    return c.json(coverageForPartner(out, await minCount(db)));
  });

  r.get('/planning/patrol', allow(PLAN), async (c) => c.json(await patrolPlan(db, parseQuery(c, p.patrolQuery))));

  r.post('/planning/patrol/export', allow(PLAN), async (c) => {
    const who = principal(c);
    const b = await parseBody(c, p.patrolExportBody);
    const filters = parseFilters(p.patrolQuery, b.filters);
    const plan = await patrolPlan(db, filters);
    await audit(db, who, c.get('ip'), { action: 'export', resource: `patrol.${b.format}`, query: filters, recordCount: plan.boxes.length, purpose: b.purpose, recipient: b.recipient });
    const name = `patrol-boxes-${plan.meta.from}-${plan.meta.to}`;
    switch (b.format) {
      case 'csv':
        return c.body(patrolCsv(plan), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': attachment(`${name}.csv`) });
      case 'geojson':
        return c.body(JSON.stringify(patrolGeoJson(plan)), 200, { 'content-type': 'application/geo+json; charset=utf-8', 'content-disposition': attachment(`${name}.geojson`) });
      case 'gpx':
        return c.body(patrolGpx(plan), 200, { 'content-type': 'application/gpx+xml; charset=utf-8', 'content-disposition': attachment(`${name}.gpx`) });
      default:
        return c.body(patrolBriefingHtml(plan, { purpose: b.purpose, recipient: b.recipient, preparedBy: who.user.email }), 200, {
          'content-type': 'text/html; charset=utf-8',
          'content-disposition': attachment(`${name}.html`),
        });
    }
  });

  r.post('/planning/outreach', allow(PLAN), async (c) => c.json(await outreach(db, await parseBody(c, p.outreachBody))));

  // ---------- the walking network that coverage and outreach walk along ----------

  addNetworkRoutes(r, db, READ, ANALYST);

  // ---------- Clear-Hold-Build ----------

  r.get('/chb', allow(ALL_ROLES), async (c) => {
    parseQuery(c, p.emptyQuery);
    return c.json({ areas: await chb.listChb(db) });
  });

  r.post('/chb', allow(ANALYST), async (c) => {
    const b = await parseBody(c, p.chbBody);
    return c.json(await chb.createChb(db, b, principal(c).user.email), 201);
  });

  r.get('/chb/:id', allow(ALL_ROLES), async (c) => {
    parseQuery(c, p.emptyQuery);
    return c.json(await chb.getChb(db, idParam(c)));
  });

  r.delete('/chb/:id', allow(ANALYST), async (c) => c.json(await chb.deleteChb(db, idParam(c))));

  r.get('/chb/:id/evaluation', allow(ALL_ROLES), async (c) => {
    const id = idParam(c);
    const out = await chb.evaluateChb(db, id, parseQuery(c, p.evaluationQuery));
    if (principal(c).user.role !== 'partner') return c.json(out);
    return c.json(chb.chbForPartner(out, await minCount(db)));
  });

  return r;
}
