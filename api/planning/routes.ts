// Planning API (issue 6): the intervention register, coverage and gaps, patrol boxes (with audited exports),
// outreach sites, the walking network, and Clear-Hold-Build areas; the routes, who may call them and what
// partners get are declared in contract/planning.ts. Roles:
// - analyst: everything;
// - officer: read and change the register (create, edit, end, import; not delete), coverage, patrol and
//   outreach planning, patrol exports, CHB read;
// - partner: aggregates only: coverage shares per ward and borough-wide, CHB figures, small counts withheld
//   (the partner masks below, applied by register); no register, no hotspot lists, no plans;
// - admin: read (register, history, types, coverage, CHB).
import * as contract from '../../contract/planning.js';
import type { Deps } from '../deps.js';
import { audit } from '../auth/audit.js';
import { keyedFor, perturbFields, scaledWith, suppressRows, suppressTotal } from '../auth/disclosure.js';
import { parseFilters } from '../validate.js';
import { contractRouter, principal, register } from '../routing.js';
import { patrolBriefingHtml, patrolCsv, patrolGeoJson, patrolGpx } from '../../geodata/planning/formats.js';
import * as chb from './chb.js';
import { coverage } from './coverage.js';
import { parseImport } from './import.js';
import { outreach } from './outreach.js';
import { addNetworkRoutes } from './network.js';
import './pack.js'; // registers the tasking pack's planning sections (patrol, outreach, active CHB areas)
import { patrolPlan } from './patrol.js';
import * as reg from './register.js';

const attachment = (name: string) => `attachment; filename="${name}"`;

/**
 * Partners (issue 15): a share's two incident counts perturbed by their cell keys (`<count>_ckey`, dropped),
 * each harm scaled with its count, and the share recomputed from the scaled harms (at most 1: perturbation
 * could otherwise lift the covered part above the whole).
 */
export function perturbShare<S extends contract.Share>(r: S): S {
  const out = perturbFields(r as S & Record<string, unknown>, ['hotspot_incidents', 'covered_incidents']);
  const hot = scaledWith(r.hotspot_harm, r.hotspot_incidents, out.hotspot_incidents);
  const cov = scaledWith(r.covered_harm, r.covered_incidents, out.covered_incidents);
  const defined = hot !== null && hot > 0 && cov !== null;
  return {
    ...out,
    hotspot_harm: hot,
    covered_harm: cov,
    share: defined ? Math.min(1, cov / hot) : null,
    share_undefined: defined ? null : (r.share_undefined ?? 'no harm in significant hotspots here'),
  };
}

/**
 * Partners: ward shares perturbed (perturbShare), then through the disclosure rule (hotspot incidents, then
 * covered incidents); no hotspot lists.
 */
function coverageForPartner(out0: contract.Coverage, min: number): contract.Coverage {
  const out = {
    ...out0,
    borough: perturbShare(out0.borough),
    wards: out0.wards.map(perturbShare),
    outside_wards: perturbShare(out0.outside_wards),
  };
  type Row = contract.Share & { code: string | null; name: string | null };
  const rows: Row[] = [...out.wards, { code: null, name: null, ...out.outside_wards }];
  const step1 = suppressRows<Row>(rows, 'hotspot_incidents', min, ['hotspot_harm', 'covered_harm', 'share', 'covered_incidents']);
  // Then the covered counts of the rows still shown (withheld rows take part as 0 and stay withheld).
  const step2 = suppressRows<Row>(
    step1.map((r) => ({ ...r, covered_incidents: r.covered_incidents ?? 0 })),
    'covered_incidents',
    min,
    ['covered_harm', 'share'],
  ).map((r, i) =>
    step1[i].suppressed
      ? { ...step1[i], covered_incidents: null, covered_suppressed: true }
      : { ...r, covered_suppressed: r.suppressed, suppressed: false },
  );
  const borough = out.borough;
  const hotspotN = borough.hotspot_incidents ?? 0;
  const coveredN = borough.covered_incidents ?? 0;
  const boroughHidden = hotspotN < min || coveredN < min;
  return {
    borough: {
      ...borough,
      hotspot_incidents: suppressTotal(hotspotN, min),
      covered_incidents: suppressTotal(coveredN, min),
      hotspot_harm: hotspotN < min ? null : borough.hotspot_harm,
      covered_harm: boroughHidden ? null : borough.covered_harm,
      share: boroughHidden ? null : borough.share,
    },
    wards: step2.slice(0, -1),
    outside_wards: step2[step2.length - 1] as contract.Coverage['outside_wards'],
    interventions_used: out.interventions?.length ?? 0,
    meta: out.meta,
    disclosure: {
      min_count: min,
      rule: 'incident counts perturbed by the ONS cell key method (harm scaled with them, shares from the scaled harm), then below min_count withheld with complementary suppression; harm and shares derived from withheld counts withheld; no hotspot lists',
    },
  };
}

export function planningRoutes({ db }: Deps) {
  const r = contractRouter();

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
    await audit(db, p, c.get('ip'), {
      action: path === 'interventions/import' ? 'import' : 'change',
      resource: path,
      query: { method: m },
    });
  });

  // ---------- intervention register ----------

  register(r, db, contract.interventionTypes, async (c) => c.json({ types: await reg.types(db) }, 200));

  register(r, db, contract.addInterventionType, async (c) => {
    const b = c.req.valid('json');
    return c.json(await reg.addType(db, b.slug, b.label, principal(c).user.email), 201);
  });

  register(r, db, contract.listInterventions, async (c) => {
    const q = c.req.valid('query');
    const rows = await reg.listInterventions(db, {
      types: q.type ?? null,
      activeOn: q.active_on ?? null,
      includeDeleted: q.include_deleted,
    });
    // GeoJSON, typed by the contract ('Content-Type' spelt so, to replace c.json's default).
    return c.json(reg.asFeatureCollection(rows), 200, { 'Content-Type': 'application/geo+json; charset=utf-8' });
  });

  register(r, db, contract.createIntervention, async (c) =>
    c.json(await reg.createIntervention(db, c.req.valid('json'), principal(c)), 201),
  );

  register(r, db, contract.importInterventions, async (c) => {
    const b = c.req.valid('json');
    const ids = await reg.importInterventions(db, parseImport(b), principal(c), b.format === 'csv' ? 2 : 1);
    return c.json({ imported: ids.length, ids }, 201);
  });

  register(r, db, contract.getIntervention, async (c) => c.json(await reg.getIntervention(db, c.req.valid('param').id), 200));

  register(r, db, contract.editIntervention, async (c) =>
    c.json(await reg.editIntervention(db, c.req.valid('param').id, c.req.valid('json'), principal(c)), 200),
  );

  register(r, db, contract.endIntervention, async (c) => {
    const b = c.req.valid('json');
    return c.json(await reg.endIntervention(db, c.req.valid('param').id, b.ends_on, b.version, principal(c)), 200);
  });

  register(r, db, contract.deleteIntervention, async (c) =>
    c.json(await reg.deleteIntervention(db, c.req.valid('param').id, principal(c)), 200),
  );

  register(r, db, contract.interventionHistory, async (c) => {
    const { id } = c.req.valid('param');
    return c.json({ id, history: await reg.history(db, id) }, 200);
  });

  // ---------- coverage, patrol, outreach ----------

  register(r, db, contract.planningCoverage, async (c) => c.json(keyedFor(c, await coverage(db, c.req.valid('query'))), 200), {
    partner: (out, { min }) => coverageForPartner(out, min),
  });

  register(r, db, contract.patrol, async (c) => c.json(await patrolPlan(db, c.req.valid('query')), 200));

  register(r, db, contract.patrolExport, async (c) => {
    const who = principal(c);
    const b = c.req.valid('json');
    const filters = parseFilters(contract.patrolQuery, b.filters);
    const plan = await patrolPlan(db, filters);
    await audit(db, who, c.get('ip'), {
      action: 'export',
      resource: `patrol.${b.format}`,
      query: filters,
      recordCount: plan.boxes.length,
      purpose: b.purpose,
      recipient: b.recipient,
    });
    const name = `patrol-boxes-${plan.meta.from}-${plan.meta.to}`;
    switch (b.format) {
      case 'csv':
        return c.body(patrolCsv(plan), 200, {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': attachment(`${name}.csv`),
        });
      case 'geojson':
        return c.body(JSON.stringify(patrolGeoJson(plan)), 200, {
          'content-type': 'application/geo+json; charset=utf-8',
          'content-disposition': attachment(`${name}.geojson`),
        });
      case 'gpx':
        return c.body(patrolGpx(plan), 200, {
          'content-type': 'application/gpx+xml; charset=utf-8',
          'content-disposition': attachment(`${name}.gpx`),
        });
      default:
        return c.body(patrolBriefingHtml(plan, { purpose: b.purpose, recipient: b.recipient, preparedBy: who.user.email }), 200, {
          'content-type': 'text/html; charset=utf-8',
          'content-disposition': attachment(`${name}.html`),
        });
    }
  });

  register(r, db, contract.outreach, async (c) => c.json(await outreach(db, c.req.valid('json')), 200));

  // ---------- the walking network that coverage and outreach walk along ----------

  addNetworkRoutes(r, db);

  // ---------- Clear-Hold-Build ----------

  register(r, db, contract.chbList, async (c) => c.json({ areas: await chb.listChb(db) }, 200));

  register(r, db, contract.createChb, async (c) =>
    c.json(await chb.createChb(db, c.req.valid('json'), principal(c).user.email), 201),
  );

  register(r, db, contract.getChb, async (c) => c.json(await chb.getChb(db, c.req.valid('param').id), 200));

  register(r, db, contract.deleteChb, async (c) => c.json(await chb.deleteChb(db, c.req.valid('param').id), 200));

  register(
    r,
    db,
    contract.chbEvaluation,
    async (c) => c.json(keyedFor(c, await chb.evaluateChb(db, c.req.valid('param').id, c.req.valid('query'))), 200),
    {
      partner: (out, { min }) => chb.chbEvaluationMask(out, min, true),
    },
  );

  return r;
}
