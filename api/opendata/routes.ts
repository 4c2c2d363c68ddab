// Open data API (issue 17): start a place from open data, follow its progress and provenance, refresh;
// the study-area level; the series of aggregate (no-point) ward counts.
import path from 'node:path';
import * as contract from '../../contract/opendata.js';
import type { Deps } from '../deps.js';
import { parseConfig } from '../config.js';
import { ApiError } from '../errors.js';
import { audit } from '../auth/audit.js';
import { contractRouter, principal, register } from '../routing.js';
import { areaCountSeries } from '../imports/area-counts.js';
import { chooseStudyArea, studyArea } from '../imports/study-area.js';
import { knownBreaks } from './breaks.js';
import { FetchError, type RequestRecord } from './http.js';
import { OpenDataJobs, refreshAll } from './jobs.js';
import { ladsByName, ladsOfForceArea } from './ons.js';

type Run = Omit<contract.OpenDataRun, 'live' | 'steps' | 'notes'>;
type Step = contract.OpenDataStep & { provenance: { requests?: RequestRecord[] } | null };

export function openDataRoutes({ db, config }: Deps) {
  const r = contractRouter();
  const defaults = parseConfig({});
  const sources = {
    ons: config.ONS_ARCGIS_URL ?? defaults.ONS_ARCGIS_URL,
    police: config.POLICE_UK_API_URL ?? defaults.POLICE_UK_API_URL,
    nomis: config.NOMIS_URL ?? defaults.NOMIS_URL,
    archive: config.POLICE_UK_ARCHIVE_URL ?? defaults.POLICE_UK_ARCHIVE_URL,
  };
  const jobs = new OpenDataJobs(db, sources, path.join(config.dataDir, 'opendata'));

  register(r, db, contract.startFetch, async (c) => {
    const b = c.req.valid('json');
    const p = principal(c);
    let lads = b.lads;
    let label = b.label;
    try {
      if (b.names) {
        const found = await ladsByName({ baseUrl: sources.ons, attempts: 3 }, b.names);
        if (found.length !== b.names.length)
          throw new ApiError(
            400,
            'unknown_place',
            `Found ${found.map((f) => f.name).join(', ') || 'no local authority'} for ${b.names.join(', ')}; give the names as ONS spells them, or the codes.`,
          );
        lads = found.map((f) => f.code);
        label ??= found.map((f) => f.name).join(', ');
      } else if (b.force_area) {
        const found = await ladsOfForceArea({ baseUrl: sources.ons, attempts: 3 }, b.force_area);
        if (!found.length)
          throw new ApiError(400, 'unknown_place', `No local authorities found for police force area ${b.force_area}.`);
        lads = found.map((f) => f.code);
      }
    } catch (e) {
      if (e instanceof FetchError) throw new ApiError(502, 'source_unavailable', e.message);
      throw e;
    }
    const chosen = lads!; // exactly one of lads, names, force_area (the body's schema), each giving codes
    const { runId, done } = await jobs.enqueue({ lads: chosen, months: b.months, label, source: b.source }, p.user.email);
    await audit(db, p, c.get('ip'), {
      action: 'import',
      resource: `opendata/${runId}`,
      query: { lads, months: b.months },
      outcome: 'queued',
    });
    void done.catch((e) => console.error(`open data fetch ${runId} failed:`, e));
    return c.json({ id: runId, lads: chosen }, 202);
  });

  register(r, db, contract.refresh, async (c) => {
    const p = principal(c);
    await audit(db, p, c.get('ip'), { action: 'import', resource: 'opendata/refresh', query: {}, outcome: 'started' });
    const results = await refreshAll(db, jobs.options(p.user.email));
    return c.json({ runs: results }, 200);
  });

  register(r, db, contract.listRuns, async (c) => {
    const runs = await db.query<Run & { steps_done: number }>(
      `SELECT r.id, r.label, r.spec, r.status, r.created_by, r.created_at, r.updated_at, r.last_error,
              count(s.*) FILTER (WHERE s.status IN ('done', 'empty'))::int AS steps_done
       FROM opendata_runs r LEFT JOIN opendata_steps s ON s.run_id = r.id GROUP BY r.id ORDER BY r.id DESC`,
    );
    return c.json({ runs: runs.map((x) => ({ ...x, live: jobs.progress(x.id) ?? null })) }, 200);
  });

  register(r, db, contract.getRun, async (c) => {
    const { id } = c.req.valid('param');
    const [run] = await db.query<Run>(
      `SELECT id, label, spec, status, created_by, created_at, updated_at, last_error FROM opendata_runs WHERE id = $1`,
      [id],
    );
    if (!run) throw new ApiError(404, 'not_found', `No open data fetch ${id}.`);
    const steps = await db.query<Step>(
      `SELECT step, status, batch_id, provenance, detail, finished_at FROM opendata_steps WHERE run_id = $1 ORDER BY finished_at, step`,
      [id],
    );
    const months = steps
      .filter((s) => s.step.startsWith('police:20'))
      .map((s) => s.step.slice(7))
      .sort();
    const force = (steps.find((s) => s.step === 'police:force')?.detail as { force?: string | null } | undefined)?.force ?? null;
    return c.json({ ...run, live: jobs.progress(id) ?? null, steps, notes: knownBreaks(months, force ? [force] : []) }, 200);
  });

  // ---------- study area ----------
  register(r, db, contract.getStudyArea, async (c) => c.json(await studyArea(db), 200));

  register(r, db, contract.putStudyArea, async (c) => {
    const b = c.req.valid('json');
    const p = principal(c);
    if (b.level !== null) {
      const [set] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM areas WHERE level = $1`, [b.level]);
      if (!set.n)
        throw new ApiError(400, 'invalid_parameter', `level: no area set "${b.level}" is loaded`, [
          { path: 'level', message: 'area set not loaded' },
        ]);
    }
    const out = await db.transaction((tx) => chooseStudyArea(tx, b.level, p.user.email));
    await audit(db, p, c.get('ip'), { action: 'change', resource: 'study-area', query: b });
    return c.json(out, 200);
  });

  // ---------- aggregate counts (no points) ----------
  // Not for partners: these counts bypass the small-number disclosure rule partners' ward counts pass through.
  register(r, db, contract.areaCountSeries, async (c) => c.json(await areaCountSeries(db, c.req.valid('query')), 200));

  return r;
}
