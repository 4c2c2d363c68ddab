// Open data API (issue 17): start a place from open data, follow its progress and provenance, refresh;
// the study-area level; the series of aggregate (no-point) ward counts.
import path from 'node:path';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../app.js';
import { parseConfig } from '../config.js';
import { ApiError } from '../errors.js';
import { parseBody, parseQuery } from '../validate.js';
import { audit } from '../auth/audit.js';
import { allow, principal, type AppEnv } from '../auth/middleware.js';
import { levelParam } from '../aggregates/params.js';
import { areaCountSeries } from '../imports/area-counts.js';
import { chooseStudyArea, studyArea } from '../imports/study-area.js';
import { knownBreaks } from './breaks.js';
import { FetchError, type RequestRecord } from './http.js';
import { OpenDataJobs, refreshAll } from './jobs.js';
import { ladsByName, ladsOfForceArea, GSS_CODE } from './ons.js';

const code = z.string().trim().toUpperCase().regex(GSS_CODE, 'must be an ONS code like E09000023');
const fetchBody = z
  .strictObject({
    /** Local authority codes, or names (resolved by the ONS lookup), or a police force area code (E23...). */
    lads: z.array(code).min(1).max(20).optional(),
    names: z.array(z.string().trim().regex(/^[A-Za-z][A-Za-z .,'&()-]{0,79}$/, 'a place name (letters, spaces, . , \' & ( ) -)')).min(1).max(20).optional(),
    force_area: code.optional(),
    months: z.number().int().min(1).max(120).default(36),
    label: z.string().trim().min(1).max(200).optional(),
  })
  .refine((b) => [b.lads, b.names, b.force_area].filter((x) => x !== undefined).length === 1, 'give exactly one of lads, names or force_area');
const idParam = z.coerce.number().int().min(1).max(2 ** 31 - 1);
const studyBody = z.strictObject({ level: levelParam.nullable() });
const countsQuery = z.strictObject({ level: levelParam.default('ward'), code: code, major: z.string().trim().min(1).max(120).optional() });

export function openDataRoutes({ db, config }: Deps) {
  const r = new Hono<AppEnv>();
  const analyst = allow(['analyst']);
  const importer = allow(['analyst'], { scope: 'import' });
  const everyone = allow(['analyst', 'officer', 'partner', 'admin']);
  const defaults = parseConfig({});
  const sources = {
    ons: config.ONS_ARCGIS_URL ?? defaults.ONS_ARCGIS_URL,
    police: config.POLICE_UK_API_URL ?? defaults.POLICE_UK_API_URL,
    nomis: config.NOMIS_URL ?? defaults.NOMIS_URL,
  };
  const jobs = new OpenDataJobs(db, sources, path.join(config.dataDir, 'opendata'));

  r.post('/opendata/fetch', importer, async (c) => {
    const b = await parseBody(c, fetchBody);
    const p = principal(c);
    let lads = b.lads;
    let label = b.label;
    try {
      if (b.names) {
        const found = await ladsByName({ baseUrl: sources.ons, attempts: 3 }, b.names);
        if (found.length !== b.names.length) throw new ApiError(400, 'unknown_place', `Found ${found.map((f) => f.name).join(', ') || 'no local authority'} for ${b.names.join(', ')}; give the names as ONS spells them, or the codes.`);
        lads = found.map((f) => f.code);
        label ??= found.map((f) => f.name).join(', ');
      } else if (b.force_area) {
        const found = await ladsOfForceArea({ baseUrl: sources.ons, attempts: 3 }, b.force_area);
        if (!found.length) throw new ApiError(400, 'unknown_place', `No local authorities found for police force area ${b.force_area}.`);
        lads = found.map((f) => f.code);
      }
    } catch (e) {
      if (e instanceof FetchError) throw new ApiError(502, 'source_unavailable', e.message);
      throw e;
    }
    const { runId, done } = await jobs.enqueue({ lads: lads!, months: b.months, label }, p.user.email);
    await audit(db, p, c.get('ip'), { action: 'import', resource: `opendata/${runId}`, query: { lads, months: b.months }, outcome: 'queued' });
    void done.catch((e) => console.error(`open data fetch ${runId} failed:`, e));
    return c.json({ id: runId, lads }, 202);
  });

  r.post('/opendata/refresh', importer, async (c) => {
    parseQuery(c, z.strictObject({}));
    const p = principal(c);
    await audit(db, p, c.get('ip'), { action: 'import', resource: 'opendata/refresh', query: {}, outcome: 'started' });
    const results = await refreshAll(db, jobs.options(p.user.email));
    return c.json({ runs: results });
  });

  r.get('/opendata/runs', analyst, async (c) => {
    parseQuery(c, z.strictObject({}));
    const runs = await db.query<Record<string, unknown> & { id: number }>(
      `SELECT r.id, r.label, r.spec, r.status, r.created_by, r.created_at, r.updated_at, r.last_error,
              count(s.*) FILTER (WHERE s.status IN ('done', 'empty'))::int AS steps_done
       FROM opendata_runs r LEFT JOIN opendata_steps s ON s.run_id = r.id GROUP BY r.id ORDER BY r.id DESC`,
    );
    return c.json({ runs: runs.map((x) => ({ ...x, live: jobs.progress(x.id) ?? null })) });
  });

  r.get('/opendata/runs/:id', analyst, async (c) => {
    const id = idParam.safeParse(c.req.param('id'));
    if (!id.success) throw new ApiError(400, 'invalid_parameter', 'run id must be a positive integer');
    const [run] = await db.query<Record<string, unknown>>(`SELECT id, label, spec, status, created_by, created_at, updated_at, last_error FROM opendata_runs WHERE id = $1`, [id.data]);
    if (!run) throw new ApiError(404, 'not_found', `No open data fetch ${id.data}.`);
    const steps = await db.query<{ step: string; status: string; batch_id: number | null; provenance: { requests?: RequestRecord[] } | null; detail: unknown; finished_at: string }>(
      `SELECT step, status, batch_id, provenance, detail, finished_at FROM opendata_steps WHERE run_id = $1 ORDER BY finished_at, step`,
      [id.data],
    );
    const months = steps.filter((s) => s.step.startsWith('police:20')).map((s) => s.step.slice(7)).sort();
    const force = (steps.find((s) => s.step === 'police:force')?.detail as { force?: string | null } | undefined)?.force ?? null;
    return c.json({ ...run, live: jobs.progress(id.data) ?? null, steps, notes: knownBreaks(months, force ? [force] : []) });
  });

  // ---------- study area ----------
  r.get('/study-area', everyone, async (c) => {
    parseQuery(c, z.strictObject({}));
    return c.json(await studyArea(db));
  });

  r.put('/study-area', analyst, async (c) => {
    const b = await parseBody(c, studyBody);
    const p = principal(c);
    if (b.level !== null) {
      const [set] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM areas WHERE level = $1`, [b.level]);
      if (!set.n) throw new ApiError(400, 'invalid_parameter', `level: no area set "${b.level}" is loaded`, [{ path: 'level', message: 'area set not loaded' }]);
    }
    const out = await db.transaction((tx) => chooseStudyArea(tx, b.level, p.user.email));
    await audit(db, p, c.get('ip'), { action: 'change', resource: 'study-area', query: b });
    return c.json(out);
  });

  // ---------- aggregate counts (no points) ----------
  // Not for partners: these counts bypass the small-number disclosure rule partners' ward counts pass through.
  r.get('/area-counts/series', allow(['analyst', 'officer', 'admin']), async (c) => c.json(await areaCountSeries(db, parseQuery(c, countsQuery))));

  return r;
}
