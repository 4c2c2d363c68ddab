// The synthetic demo's planning and school-route data (geodata/synthetic-extras.ts), loaded the way a
// user's would be: schools and hubs through the importer, everything else through the app's own API
// routes (in-process, signed in as the demo analyst), so every value passes the same validation.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../api/app.js';
import { DEMO_EMAIL } from '../api/auth/demo.js';
import type { Db } from '../api/db/index.js';
import { importFile } from '../api/imports/index.js';
import { generateSyntheticExtras } from '../geodata/synthetic-extras.js';
import type { SyntheticDemo } from '../geodata/synthetic.js';

export interface ExtrasResult {
  schools: number;
  hubs: number;
  terms: number;
  routes: number;
  interventions: number;
  historyRows: number;
  networkEdges: number;
  chbAreas: number;
}

/** Loads the extras; `password` is the demo login's (ensureDemoLogin), used for one in-process session. */
export async function loadDemoExtras(db: Db, demo: SyntheticDemo, password: string, dataDir: string): Promise<ExtrasResult> {
  const x = generateSyntheticExtras(demo);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'saferplaces-demo-extras-'));
  try {
    const sites = {
      schools: path.join(dir, 'synthetic-demo-schools.geojson'),
      hubs: path.join(dir, 'synthetic-demo-hubs.geojson'),
    };
    fs.writeFileSync(sites.schools, JSON.stringify(x.schools));
    fs.writeFileSync(sites.hubs, JSON.stringify(x.hubs));
    for (const kind of ['schools', 'hubs'] as const) {
      const s = await importFile(db, sites[kind], { kind, fileName: path.basename(sites[kind]), createdBy: 'demo' });
      if (s.status !== 'committed') throw new Error(`The demo ${kind} import failed: ${s.error?.message}`);
    }

    const app = createApp({ db, config: { dataDir, MAX_UPLOAD_MB: 16, BASEMAP_STYLE_URL: undefined } });
    const login = await app.request('/api/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: DEMO_EMAIL, password }),
    });
    if (login.status !== 200) throw new Error(`The demo login could not sign in (${login.status}).`);
    const cookie = (login.headers.getSetCookie().find((c) => c.startsWith('sp_session=')) ?? '').split(';')[0];
    const { csrf } = (await login.json()) as { csrf: string };
    const call = async <T>(method: string, url: string, body?: unknown): Promise<T> => {
      const res = await app.request(url, {
        method,
        headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const out = (await res.json()) as T & { error?: { message: string } };
      if (!res.ok) throw new Error(`Demo: ${method} ${url} failed (${res.status}): ${out.error?.message}`);
      return out;
    };

    await call('PUT', '/api/journeys/term-dates', { terms: x.terms });
    const fc = await call<{ features: { id?: number; properties: { id: number; kind: string; source_id: string } }[] }>(
      'GET',
      '/api/journeys/sites',
    );
    const siteId = (kind: string, source: string) =>
      fc.features.find((f) => f.properties.kind === kind && f.properties.source_id === source)?.properties.id ?? null;
    for (const r of x.routes) {
      await call('POST', '/api/journeys/routes', {
        name: r.name,
        school_id: siteId('school', r.schoolId),
        hub_id: siteId('hub', r.hubId),
        geometry: { type: 'LineString', coordinates: r.coordinates },
      });
    }
    await call('PUT', '/api/planning/network', { name: 'Synthetic demo street grid (invented)', network: x.network });
    let historyRows = 0;
    for (const iv of x.interventions) {
      const { edits, ...body } = iv;
      const made = await call<{ id: number; version: number }>('POST', '/api/interventions', body);
      historyRows++;
      for (const e of edits) {
        if ('end' in e) await call('POST', `/api/interventions/${made.id}/end`, { ends_on: e.end });
        else await call('PATCH', `/api/interventions/${made.id}`, e);
        historyRows++;
      }
    }
    const c = x.chb;
    await call('POST', '/api/chb', {
      name: c.name,
      area: { wards: c.areaWards },
      control: { wards: c.controlWards },
      clear_start: c.clear_start,
      hold_start: c.hold_start,
      build_start: c.build_start,
      build_end: c.build_end,
      notes: 'Synthetic demo: an invented operation, for trying the Clear-Hold-Build dashboard.',
    });
    await app.request('/api/session', { method: 'DELETE', headers: { cookie, 'x-csrf-token': csrf } });
    return {
      schools: x.schools.features.length,
      hubs: x.hubs.features.length,
      terms: x.terms.length,
      routes: x.routes.length,
      interventions: x.interventions.length,
      historyRows,
      networkEdges: x.network.features.length,
      chbAreas: 1,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
