// Start a place from open data (issue 17): for one or more local authorities, fetch ward, district and LSOA
// boundaries, the LSOA→ward best-fit lookup, LSOA population-weighted centroids (ONS), Census 2021 residents
// per LSOA (Nomis) and street crime per month (police.uk), each through importFile like an uploaded file.
// Every layer and every month is one step and one import batch; opendata_steps records the steps done (with
// the batch and its provenance), so a fetch that stopped continues where it stopped and a month is never
// half imported. A step is recorded after its batch committed: if the process dies between the two, the step
// runs again and its import adds nothing (imports are idempotent).
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../db/index.js';
import { importFile, type ImportOptions, type ImportSummary } from '../imports/index.js';
import { archiveUrl, streamArchive } from './archive.js';
import { FetchError, type HttpOptions, type RateLimiter, type RequestRecord } from './http.js';
import { lsoaPopulation } from './nomis.js';
import { boundaries, GSS_CODE, lsoaCentroids, lsoaWardLookup, ONS_LAYERS, wardsOfLads, type OnsOptions } from './ons.js';
import {
  crimesCsv,
  crimesInRing,
  forceAt,
  noLocationCount,
  policeLimiter,
  streetDates,
  type PoliceOptions,
  type Ring,
} from './police.js';

export interface Sources {
  ons: string;
  police: string;
  nomis: string;
  /** police.uk's monthly archive (`<archive>/YYYY-MM.zip`); needed only for `source: 'archive'`. */
  archive?: string;
}

export interface FetchSpec {
  /** Local authority (district) codes, e.g. ["E09000023"]. */
  lads: string[];
  /** Months of street crime: the latest N police.uk publishes (default 36). */
  months?: number;
  /** A name for the place (default: the authorities' names). */
  label?: string;
  /**
   * Where street crime comes from: the police.uk API by polygon and month (default), or the monthly archive
   * (one zip with a folder per month; the located force's street files, rows filtered to the same outline).
   */
  source?: 'api' | 'archive';
}

export interface StepProgress {
  runId: number;
  step: string;
  /** Steps finished (done, empty or skipped as done before) and the number known so far. */
  done: number;
  total: number;
  status: 'running' | 'done' | 'empty' | 'skipped';
}

export interface FetchOptions {
  sources: Sources;
  createdBy: string;
  /** Where fetched files are written before import (deleted after). */
  workDir: string;
  signal?: AbortSignal;
  onProgress?: (p: StepProgress) => void;
  /** Client tuning (tests): retries, backoff, page sizes, the police.uk rate limit. */
  tuning?: {
    attempts?: number;
    backoffMs?: number;
    onsPageSize?: number;
    policeLimiter?: RateLimiter;
    timeoutMs?: number;
  };
}

export interface RunResult {
  runId: number;
  status: 'done' | 'incomplete';
  steps: Array<{ step: string; status: string; batch_id: number | null }>;
  error?: { code: string; message: string; step: string };
}

const MAX_LOGGED_REQUESTS = 200;
export const POLICE_DATASET = 'police.uk API';

export function scopeKey(lads: string[]) {
  return `lad:${[...new Set(lads)].sort().join(',')}`;
}

export function checkSpec(spec: FetchSpec): Required<Pick<FetchSpec, 'lads' | 'months'>> & FetchSpec {
  const lads = [...new Set(spec.lads.map((c) => c.trim().toUpperCase()))].sort();
  if (!lads.length || lads.length > 20) throw new FetchError('bad_parameter', 'Give between 1 and 20 local authority codes.');
  const bad = lads.find((c) => !GSS_CODE.test(c));
  if (bad) throw new FetchError('bad_parameter', `"${bad.slice(0, 20)}" is not a local authority code (like E09000023).`);
  const months = spec.months ?? 36;
  if (!Number.isInteger(months) || months < 1 || months > 120) throw new FetchError('bad_parameter', 'months must be 1 to 120.');
  if (spec.source !== undefined && spec.source !== 'api' && spec.source !== 'archive')
    throw new FetchError('bad_parameter', 'source must be "api" or "archive".');
  return { ...spec, lads, months };
}

interface StepRow {
  step: string;
  status: 'done' | 'empty' | 'failed';
  batch_id: number | null;
  detail: Record<string, unknown> | null;
}

function provenance(source: string, log: RequestRecord[], parameters: Record<string, unknown>) {
  return {
    source,
    parameters,
    fetched_at: log[0]?.fetched_at ?? new Date().toISOString(),
    finished_at: new Date().toISOString(),
    request_count: log.length,
    requests: log.slice(0, MAX_LOGGED_REQUESTS),
    ...(log.length > MAX_LOGGED_REQUESTS ? { requests_not_listed: log.length - MAX_LOGGED_REQUESTS } : {}),
  };
}

/** Fetch (or continue fetching) open data for local authorities. Resolves when every step is done or one failed. */
export async function fetchOpenData(db: Db, rawSpec: FetchSpec, o: FetchOptions): Promise<RunResult> {
  const spec = checkSpec(rawSpec);
  const [run] = await db.query<{ id: number }>(
    `INSERT INTO opendata_runs (scope_key, spec, label, created_by) VALUES ($1, $2::jsonb, $3, $4)
     ON CONFLICT (scope_key) DO UPDATE SET spec = EXCLUDED.spec, status = 'running', updated_at = now(), last_error = NULL
     RETURNING id`,
    [scopeKey(spec.lads), JSON.stringify(spec), (spec.label ?? spec.lads.join(', ')).slice(0, 200), o.createdBy],
  );
  const runId = run.id;
  const done = new Map(
    (
      await db.query<StepRow>(
        `SELECT step, status, batch_id, detail FROM opendata_steps WHERE run_id = $1 AND status <> 'failed'`,
        [runId],
      )
    ).map((r) => [r.step, r]),
  );
  const t = o.tuning ?? {};
  const http: HttpOptions = { attempts: t.attempts, backoffMs: t.backoffMs, signal: o.signal, timeoutMs: t.timeoutMs };
  const ons = (log: RequestRecord[]): OnsOptions => ({ ...http, baseUrl: o.sources.ons, pageSize: t.onsPageSize, log });
  const limiter = t.policeLimiter ?? policeLimiter();
  const police = (log: RequestRecord[]): PoliceOptions => ({ ...http, baseUrl: o.sources.police, limiter, log });
  await fsp.mkdir(o.workDir, { recursive: true });

  let total = 8;
  let finished = 0;
  const progress = (step: string, status: StepProgress['status']) =>
    o.onProgress?.({ runId, step, done: finished, total, status });

  /** Import a fetched file through the pipeline; a failed import fails the step. */
  const importFetched = async (name: string, content: string, opts: ImportOptions): Promise<ImportSummary> => {
    const file = path.join(o.workDir, `${runId}-${name}`);
    await fsp.writeFile(file, content, { mode: 0o600 });
    try {
      const s = await importFile(db, file, { createdBy: o.createdBy, ...opts });
      if (s.status !== 'committed')
        throw new FetchError(s.error?.code ?? 'import_failed', `import of ${opts.fileName}: ${s.error?.message ?? 'failed'}`);
      return s;
    } finally {
      await fsp.rm(file, { force: true });
    }
  };

  /** Run one step unless done before. `fn` returns what to record. */
  const step = async (
    name: string,
    fn: (
      log: RequestRecord[],
    ) => Promise<{ status: 'done' | 'empty'; batchId?: number | null; provenance?: unknown; detail?: Record<string, unknown> }>,
  ): Promise<Record<string, unknown>> => {
    const prev = done.get(name);
    if (prev) {
      finished++;
      progress(name, 'skipped');
      return prev.detail ?? {};
    }
    progress(name, 'running');
    const log: RequestRecord[] = [];
    let r: Awaited<ReturnType<typeof fn>>;
    try {
      r = await fn(log);
    } catch (e) {
      const err =
        e instanceof FetchError
          ? { code: e.code, message: e.message }
          : o.signal?.aborted
            ? { code: 'aborted', message: 'The fetch was stopped.' }
            : { code: 'internal', message: (e as Error).message?.slice(0, 300) ?? 'failed' };
      await db.query(
        `INSERT INTO opendata_steps (run_id, step, status, provenance, detail) VALUES ($1, $2, 'failed', $3::jsonb, $4::jsonb)
         ON CONFLICT (run_id, step) DO UPDATE SET status = 'failed', provenance = EXCLUDED.provenance, detail = EXCLUDED.detail, finished_at = now(), batch_id = NULL`,
        [runId, name, JSON.stringify(provenance('', log, {})), JSON.stringify({ error: err })],
      );
      throw Object.assign(e as Error, { step: name, info: err });
    }
    await db.query(
      `INSERT INTO opendata_steps (run_id, step, status, batch_id, provenance, detail) VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)
       ON CONFLICT (run_id, step) DO UPDATE SET status = EXCLUDED.status, batch_id = EXCLUDED.batch_id, provenance = EXCLUDED.provenance,
         detail = EXCLUDED.detail, finished_at = now()`,
      [runId, name, r.status, r.batchId ?? null, JSON.stringify(r.provenance ?? null), JSON.stringify(r.detail ?? {})],
    );
    finished++;
    progress(name, r.status);
    return r.detail ?? {};
  };

  const lads = spec.lads;
  const ladParam = { local_authorities: lads };
  try {
    // 1. Which wards the authorities have (ward→LAD lookup); no import of its own.
    const wardInfo = await step('ons:ward_lookup', async (log) => {
      const rows = await wardsOfLads(ons(log), lads);
      const missing = lads.filter((l) => !rows.some((r) => r.lad === l));
      if (missing.length) throw new FetchError('unknown_place', `The ONS ward lookup has no wards for ${missing.join(', ')}.`);
      return {
        status: 'done',
        provenance: provenance('ONS Open Geography Portal', log, { layer: ONS_LAYERS.wardLad.service, ...ladParam }),
        detail: {
          wards: [...new Set(rows.map((r) => r.ward))].sort(),
          lad_names: Object.fromEntries(rows.map((r) => [r.lad, r.ladName])),
        },
      };
    });
    const wards = wardInfo.wards as string[];

    // 2–3. District and ward boundaries.
    const boundaryStep = (
      name: string,
      layer: typeof ONS_LAYERS.wards | typeof ONS_LAYERS.districts,
      codes: string[],
      level: string,
      label: string,
    ) =>
      step(name, async (log) => {
        const fc = await boundaries(ons(log), layer, codes);
        const prov = provenance('ONS Open Geography Portal', log, { layer: layer.service, codes: codes.length, ...ladParam });
        const s = await importFetched(`${level}.geojson`, JSON.stringify(fc), {
          kind: 'boundaries',
          level,
          label,
          codeField: layer.code,
          nameField: layer.name,
          crs: 'EPSG:4326',
          fileName: `ONS ${layer.service} (${lads.join(', ')})`,
          provenance: prov,
        });
        return { status: 'done', batchId: s.batchId, provenance: prov, detail: { areas: fc.features.length } };
      });
    await boundaryStep('ons:districts', ONS_LAYERS.districts, lads, 'district', 'Local authority districts');
    await boundaryStep('ons:wards', ONS_LAYERS.wards, wards, 'ward', 'Electoral wards');

    // 4. LSOA→ward best-fit lookup (also gives the LSOAs of the authorities).
    const lookup = await step('ons:lsoa_lookup', async (log) => {
      const rows = await lsoaWardLookup(ons(log), lads);
      if (!rows.length) throw new FetchError('unknown_place', `The ONS LSOA lookup has no LSOAs for ${lads.join(', ')}.`);
      const csv =
        [
          'LSOA21CD,LSOA21NM,WD24CD,WD24NM,LAD24CD,LAD24NM',
          ...rows.map((r) => [r.lsoa, r.lsoaName, r.ward, r.wardName, r.lad, r.ladName].map(csvField).join(',')),
        ].join('\n') + '\n';
      const prov = provenance('ONS Open Geography Portal', log, { layer: ONS_LAYERS.lsoaWard.service, ...ladParam });
      const s = await importFetched('lsoa-ward-lookup.csv', csv, {
        kind: 'population_lookup',
        level: 'ward',
        fileName: `ONS ${ONS_LAYERS.lsoaWard.service} (${lads.join(', ')})`,
        provenance: prov,
      });
      return { status: 'done', batchId: s.batchId, provenance: prov, detail: { lsoas: rows.map((r) => r.lsoa).sort() } };
    });
    const lsoas = lookup.lsoas as string[];

    // 5. LSOA boundaries.
    await step('ons:lsoas', async (log) => {
      const fc = await boundaries(ons(log), ONS_LAYERS.lsoas, lsoas);
      const prov = provenance('ONS Open Geography Portal', log, {
        layer: ONS_LAYERS.lsoas.service,
        codes: lsoas.length,
        ...ladParam,
      });
      const s = await importFetched('lsoas.geojson', JSON.stringify(fc), {
        kind: 'boundaries',
        level: 'lsoa',
        codeField: 'LSOA21CD',
        nameField: 'LSOA21NM',
        crs: 'EPSG:4326',
        fileName: `ONS ${ONS_LAYERS.lsoas.service} (${lads.join(', ')})`,
        provenance: prov,
      });
      return { status: 'done', batchId: s.batchId, provenance: prov, detail: { areas: fc.features.length } };
    });

    // 6. Population-weighted centroids.
    await step('ons:centroids', async (log) => {
      const rows = await lsoaCentroids(ons(log), lsoas);
      const csv = ['LSOA21CD,x,y', ...rows.map((r) => `${r.lsoa},${r.x},${r.y}`)].join('\n') + '\n';
      const prov = provenance('ONS Open Geography Portal', log, { layer: ONS_LAYERS.centroids.service, codes: lsoas.length });
      const s = await importFetched('centroids.csv', csv, {
        kind: 'population_centroids',
        crs: 'EPSG:27700',
        fileName: `ONS ${ONS_LAYERS.centroids.service} (${lads.join(', ')})`,
        provenance: prov,
      });
      return { status: 'done', batchId: s.batchId, provenance: prov, detail: { centroids: rows.length } };
    });

    // 7. Census 2021 usual residents per LSOA.
    await step('nomis:population', async (log) => {
      const rows = await lsoaPopulation({ ...http, baseUrl: o.sources.nomis, log }, lads, lsoas);
      if (!rows.length) throw new FetchError('no_data', 'Nomis returned no LSOA populations.');
      const csv = ['LSOA21CD,population', ...rows.map((r) => `${r.lsoa},${r.population}`)].join('\n') + '\n';
      const prov = provenance('Nomis (ONS Census 2021, TS001 usual residents)', log, {
        dataset: 'NM_2021_1',
        geography: lads.map((l) => `${l}TYPE151`),
      });
      const s = await importFetched('population.csv', csv, {
        kind: 'population',
        level: 'lsoa',
        codeField: 'LSOA21CD',
        valueField: 'population',
        fileName: `Nomis NM_2021_1 (${lads.join(', ')})`,
        provenance: prov,
      });
      return {
        status: 'done',
        batchId: s.batchId,
        provenance: prov,
        detail: { lsoas: rows.length, residents: rows.reduce((a, r) => a + r.population, 0) },
      };
    });

    // 8. Street crime, one month per step. The area asked for is the authorities' outline (slightly widened).
    const rings = await studyRings(db, lads);
    const forceInfo = await step('police:force', async (log) => {
      const [c] = await db.query<{ lon: number; lat: number }>(
        `SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(ST_Union(geom)) AS p FROM areas WHERE level = 'district' AND code = ANY($1::text[])) s`,
        [lads],
      );
      const force = await forceAt(police(log), c.lat, c.lon);
      return {
        status: 'done',
        provenance: provenance('police.uk API', log, { endpoint: 'locate-neighbourhood' }),
        detail: { force },
      };
    });
    const force = forceInfo.force as string | null;
    const dateLog: RequestRecord[] = [];
    const available = await streetDates(police(dateLog));
    const wanted = available.slice(-spec.months);
    total = 8 + wanted.length;
    /**
     * The archive path: one download (police.uk's latest archive holds the months asked for), each wanted
     * month of the force's street file filtered to the outline and imported as its own step when its file
     * ends. Months done before are not asked for; if none is left, nothing is downloaded. Months the archive
     * has no file for are recorded as empty (not covered).
     */
    const archiveMonths = async (months: string[]) => {
      for (const m of months) if (done.has(`police:${m}`)) await step(`police:${m}`, async () => ({ status: 'done' }));
      const pending = months.filter((m) => !done.has(`police:${m}`));
      if (!pending.length) return;
      if (!force)
        throw new FetchError('no_force', 'police.uk did not say which force covers the area: the archive path needs it.');
      if (!o.sources.archive) throw new FetchError('bad_parameter', 'No police.uk archive URL is configured.');
      const log: RequestRecord[] = [];
      const latest = available.at(-1)!;
      const prov = (m: { month: string; entry?: string }) =>
        provenance('police.uk monthly archive', log, {
          archive: archiveUrl(o.sources.archive!, latest),
          entry: m.entry ?? null,
          force,
          month: m.month,
          filter: `points inside the outline of ${lads.join(', ')} (${rings.length} ring(s), ${rings.reduce((a, r) => a + r.length, 0)} vertices)`,
          ...ladParam,
        });
      const seen = new Set<string>();
      await streamArchive(
        { ...http, baseUrl: o.sources.archive, log },
        latest,
        { months: new Set(pending), forces: [force], rings },
        async (m) => {
          seen.add(m.month);
          await step(`police:${m.month}`, async () => {
            const detail = { crimes: m.rows, force, no_location: m.noLocation, force_rows: m.forceRows, entry: m.entry };
            if (!m.rows)
              return {
                status: 'empty',
                provenance: prov(m),
                detail: { ...detail, note: 'the archive has no street crime for this area and month: not covered' },
              };
            const s = await importFetched(`street-${m.month}.csv`, m.csv, {
              kind: 'police_uk_street',
              fileName: `police.uk archive ${latest}: ${m.entry} (${lads.join(', ')})`,
              provenance: prov(m),
            });
            return {
              status: 'done',
              batchId: s.batchId,
              provenance: prov(m),
              detail: { ...detail, imported: s.imported, duplicates: s.duplicates, rejected: s.rejected },
            };
          });
        },
      );
      for (const month of pending.filter((m) => !seen.has(m)))
        await step(`police:${month}`, async () => ({
          status: 'empty',
          provenance: prov({ month }),
          detail: { crimes: 0, force, note: `the archive has no ${force} street file for this month: not covered` },
        }));
    };
    if (spec.source === 'archive') await archiveMonths(wanted);
    else
      for (const month of wanted) {
        await step(`police:${month}`, async (log) => {
          const p = police(log);
          const stats = { requests: 0, splits: 0 };
          const crimes = new Map<number, Parameters<typeof crimesCsv>[0][number]>();
          for (const ring of rings) for (const [id, c] of await crimesInRing(p, ring, month, stats)) crimes.set(id, c);
          const noLocation = force ? await noLocationCount(p, force, month) : null;
          const prov = provenance('police.uk API', log, {
            endpoint: 'crimes-street/all-crime',
            date: month,
            polygons: rings.length,
            vertices: rings.reduce((a, r) => a + r.length, 0),
            splits: stats.splits,
            ...ladParam,
          });
          const detail = { crimes: crimes.size, requests: stats.requests, splits: stats.splits, force, no_location: noLocation };
          // No crime at all in a whole local authority means nothing was published (e.g. a force's missing months):
          // recorded as empty, not imported, so the month stays "not covered" instead of a false zero.
          if (!crimes.size)
            return {
              status: 'empty',
              provenance: prov,
              detail: { ...detail, note: 'police.uk returned no street crime for this area and month: not covered' },
            };
          const list = [...crimes.values()].sort((a, b) => a.id - b.id);
          const s = await importFetched(`street-${month}.csv`, crimesCsv(list), {
            kind: 'incidents_csv',
            dataset: POLICE_DATASET,
            fileName: `police.uk street crime ${month} (${lads.join(', ')})`,
            provenance: prov,
          });
          return {
            status: 'done',
            batchId: s.batchId,
            provenance: prov,
            detail: { ...detail, imported: s.imported, duplicates: s.duplicates, rejected: s.rejected },
          };
        });
      }
    await db.query(`UPDATE opendata_runs SET status = 'done', updated_at = now() WHERE id = $1`, [runId]);
    return { runId, status: 'done', steps: await stepList(db, runId) };
  } catch (e) {
    const info = (e as { info?: { code: string; message: string } }).info ?? { code: 'internal', message: (e as Error).message };
    const stepName = (e as { step?: string }).step ?? '';
    await db.query(`UPDATE opendata_runs SET status = 'incomplete', updated_at = now(), last_error = $2::jsonb WHERE id = $1`, [
      runId,
      JSON.stringify({ ...info, step: stepName }),
    ]);
    if (o.signal?.aborted) throw e;
    return { runId, status: 'incomplete', steps: await stepList(db, runId), error: { ...info, step: stepName } };
  }
}

async function stepList(db: Db, runId: number) {
  return db.query<{ step: string; status: string; batch_id: number | null }>(
    `SELECT step, status, batch_id FROM opendata_steps WHERE run_id = $1 ORDER BY finished_at, step`,
    [runId],
  );
}

const csvField = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** The authorities' outline, widened by ~40 m and simplified to at most ~400 vertices a ring: one ring per polygon. */
export async function studyRings(db: Db, lads: string[]): Promise<Ring[]> {
  for (const tol of [0.0001, 0.0003, 0.001, 0.003]) {
    const [r] = await db.query<{ g: string | null; n: number }>(
      `SELECT ST_AsGeoJSON(g, 6) AS g, ST_NPoints(g) AS n FROM (
         SELECT ST_SimplifyPreserveTopology(ST_Buffer(ST_Union(geom), 0.0005), $2) AS g FROM areas WHERE level = 'district' AND code = ANY($1::text[])) s`,
      [lads, tol],
    );
    if (!r?.g) throw new FetchError('no_area', 'The district boundaries are not loaded.');
    const geom = JSON.parse(r.g) as { type: string; coordinates: number[][][] | number[][][][] };
    const polys = (geom.type === 'Polygon' ? [geom.coordinates] : geom.coordinates) as number[][][][];
    const rings = polys.map((p) => p[0].slice(0, -1).map(([x, y]) => [x, y] as [number, number]));
    if (rings.every((ring) => ring.length <= 400)) return rings;
  }
  throw new FetchError('area_too_complex', 'The area outline is too complex to send to police.uk.');
}
