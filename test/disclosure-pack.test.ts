// Issue 15, session 10: the tasking pack (GET /api/pack, the pack zip) and the hotspots' count of unweighted
// incidents are perturbed by the ONS cell key method for partners, like every other partner route. The
// residual risk this closes: a ward in the pack's league against the same ward on /api/stats/areas (or a top
// cell against /api/hexes) gave the true count when the pack showed it exact. Now the same cell gets the same
// answer on both, so their difference is 0 and recovers nothing. Each shown value is checked against
// perturbCount(true count, Σ record_key mod 256) computed here from the incidents table (record keys are
// random per import: no test depends on a particular perturbation). Real police.uk street data (Lewisham,
// violence and robbery 2016-01..2018-06) on the real 2022 Lewisham wards.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { strFromU8, unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../api/db/index.js';
import { suppressRows } from '../api/auth/disclosure.js';
import { perturbCount } from '../geodata/disclosure/cell-key.js';
import { clientFor, signedInApp, type Client } from './helpers/auth.js';
import { drivers, importShared, resetData, SHARED, testDb } from './helpers/db.js';

const VR = 'lewisham_violence_robbery_street_api_2016-01_2018-06.csv';
const WARDS = 'lewisham_wards_2022.geojson';
const hasData = fs.existsSync(path.join(SHARED, VR)) && fs.existsSync(path.join(SHARED, WARDS));

// A calendar quarter (a partner period) and the quarter before it (the pack's previous period).
const Q = { from: '2017-04-01', to: '2017-07-01' };
const PREV = { from: '2017-01-01', to: '2017-04-01' };
const MIN = 5;
const KEYS = /_ckey|record_key/;

describe.skipIf(!hasData).each(drivers())(
  'partners: the tasking pack and unweighted counts, cell-key perturbed (%s)',
  (driver) => {
    let db: Db;
    let analyst: Client;
    let partner: Client;
    let admin: Client;

    beforeAll(async () => {
      db = await testDb(driver);
      await resetData(db);
      await importShared(db, [
        [WARDS, { level: 'ward' }],
        [VR, {}],
      ]);
      analyst = await signedInApp(db, { dataDir: '/tmp', MAX_UPLOAD_MB: 10 });
      partner = await clientFor(analyst.app, db, 'partner');
      admin = await clientFor(analyst.app, db, 'admin');
    });

    const get = async (c: Client, url: string) => {
      const res = await c.request(url);
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${url}: ${res.status} ${text}`);
      expect(text, url).not.toMatch(KEYS); // cell keys never leave the server, for any role
      return JSON.parse(text);
    };
    const zip = async (c: Client, filters: Record<string, string>) => {
      const res = await c.request('/api/exports/pack', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ purpose: 'cell key test', recipient: 'tasking group', filters }),
      });
      if (res.status !== 200) throw new Error(`zip: ${res.status} ${await res.text()}`);
      const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
      for (const [name, bytes] of Object.entries(files)) expect(strFromU8(bytes), name).not.toMatch(KEYS);
      return files;
    };

    /** True count and cell key of the incidents in [from, to) matching `cond` (columns of incidents `i`), by `by`. */
    async function truth(w: { from: string; to: string }, by: string, cond = 'true', params: unknown[] = []) {
      const rows = await db.query<{ g: string | null; n: number; k: number }>(
        `SELECT ${by} AS g, count(*)::int AS n, (sum(i.record_key) % 256)::int AS k FROM incidents i
       WHERE i.occurred_at >= $1::timestamp AND i.occurred_at < $2::timestamp AND ${cond} GROUP BY 1`,
        [w.from, w.to, ...params],
      );
      return new Map(rows.map((r) => [r.g, { n: r.n, k: r.k, shown: perturbCount(r.n, r.k) }]));
    }
    const shownOf = (m: Map<string | null, { shown: number }>, g: string | null) => m.get(g)?.shown ?? 0;

    it('pack comparison and top cells: each count is perturbCount(true count, key) then suppressed; top cells chosen by the shown count; analysts exact', async () => {
      const q = `from=2017-04&to=2017-07&res=8&top=10`;
      const an = await get(analyst, `/api/pack?${q}`);
      const pr = await get(partner, `/api/pack?${q}`);
      const cur = await truth(Q, 'i.category');
      const prev = await truth(PREV, 'i.category');
      expect(cur.size).toBe(2); // robbery and violent-crime

      // Analysts: exact, as before.
      for (const r of an.comparison.categories) {
        expect(r.count, r.slug).toBe(cur.get(r.slug)!.n);
        expect(r.previous_count, r.slug).toBe(prev.get(r.slug)!.n);
      }
      const sumN = (m: typeof cur) => [...m.values()].reduce((s, v) => s + v.n, 0);
      const sumK = (m: typeof cur) => [...m.values()].reduce((s, v) => s + v.k, 0) % 256;
      expect([an.comparison.total.count, an.comparison.total.previous_count]).toEqual([sumN(cur), sumN(prev)]);

      // Partners: each category's counts perturbed by their own keys (none is small here), change from them.
      expect(pr.comparison.categories.map((r: any) => r.slug).sort()).toEqual([...cur.keys()].sort());
      const expected = pr.comparison.categories.map((r: any) => ({
        count: shownOf(cur, r.slug),
        previous_count: shownOf(prev, r.slug),
      }));
      const masked = suppressRows(suppressRows(expected, 'count', MIN), 'previous_count', MIN);
      pr.comparison.categories.forEach((r: any, i: number) => {
        expect([r.count, r.previous_count], r.slug).toEqual([masked[i].count, masked[i].previous_count]);
        if (r.count !== null && r.previous_count !== null) expect(r.change).toBe(r.count - r.previous_count);
      });
      expect(pr.comparison.categories.some((r: any) => r.count !== null)).toBe(true);
      // The total by the key of all its incidents (not the sum of the perturbed parts).
      const total = perturbCount(sumN(cur), sumK(cur));
      expect(pr.comparison.total).toMatchObject({
        count: total,
        previous_count: perturbCount(sumN(prev), sumK(prev)),
        change: total - perturbCount(sumN(prev), sumK(prev)),
      });
      // Time precision tally: police.uk months.
      const precision = await truth(Q, 'i.time_precision');
      for (const r of pr.comparison.time_precision) expect(r.count, r.precision).toBe(shownOf(precision, r.precision));

      // Top cells: the 10 cells with the highest shown (perturbed) count, ties by cell id; each count as perturbed.
      const cells = await truth(Q, `lpad(to_hex(i.h3_8), 15, '0')`);
      const prevCells = await truth(PREV, `lpad(to_hex(i.h3_8), 15, '0')`);
      const top = [...cells.entries()]
        .map(([h3, t]) => ({ h3: h3!, shown: t.shown }))
        .sort((a, b) => b.shown - a.shown || (a.h3 < b.h3 ? -1 : 1))
        .slice(0, 10);
      expect(pr.top_cells.cells.map((c: any) => c.h3)).toEqual(top.map((c) => c.h3));
      const topMasked = suppressRows(
        suppressRows(
          top.map((c) => ({ count: c.shown, previous_count: shownOf(prevCells, c.h3) })),
          'count',
          MIN,
        ),
        'previous_count',
        MIN,
      );
      pr.top_cells.cells.forEach((c: any, i: number) => {
        expect([c.count, c.previous_count], c.h3).toEqual([topMasked[i].count, topMasked[i].previous_count]);
      });
      // The analysts' top cells: by true count, exact.
      const anTop = [...cells.entries()].sort((a, b) => b[1].n - a[1].n || (a[0]! < b[0]! ? -1 : 1)).slice(0, 10);
      expect(an.top_cells.cells.map((c: any) => [c.h3, c.count])).toEqual(anTop.map(([h3, t]) => [h3, t.n]));

      // The same cell, the same answer: a top cell's count is /api/hexes' count for it (both shown).
      const hexes = await get(partner, `/api/hexes?res=8&from=2017-04&to=2017-07`);
      const hex = new Map(hexes.cells.map((c: any) => [c.h3, c.count]));
      let compared = 0;
      for (const c of pr.top_cells.cells)
        if (c.count !== null && hex.get(c.h3) !== null) {
          expect(c.count, c.h3).toBe(hex.get(c.h3));
          compared++;
        }
      expect(compared).toBeGreaterThan(0);
      expect(pr.disclosure).toMatchObject({
        min_count: MIN,
        method: 'ONS cell key method',
        rule: expect.stringMatching(/cell key/),
      });
      // Other roles' packs carry no disclosure and no keys (get() checks the keys).
      expect((await get(admin, `/api/pack?${q}`)).disclosure).toBeUndefined();
    });

    it('pack ward league against /api/stats/areas: the same ward and period give the same answer, so differencing recovers nothing', async () => {
      let recovered = 0;
      let shownWards = 0;
      for (const category of ['robbery', 'violent-crime']) {
        for (const [from, to] of [
          ['2017-04', '2017-07'], // a quarter (ward robbery counts straddle the threshold)
          ['2017-06', '2017-07'], // a month (many withheld)
        ]) {
          const q = `from=${from}&to=${to}&category=${category}`;
          const pack = await get(partner, `/api/pack?${q}`);
          const stats = await get(partner, `/api/stats/areas?level=ward&${q}`);
          const byCode = new Map(stats.areas.map((a: any) => [a.code, a]));
          expect(pack.wards.areas).toHaveLength(19);
          const w = { from: `${from}-01`, to: `${to}-01` };
          const wards = await truth(w, 'i.ward_code', 'i.category = $3', [category]);
          for (const a of pack.wards.areas) {
            const s = byCode.get(a.code) as any;
            // The attack of the residual risk: the pack's value against the route's for the same ward.
            if (a.count !== s.count || a.previous_count !== s.previous_count) recovered++;
            expect(
              [a.count, a.previous_count, a.rate_per_1000, a.change, a.suppressed, a.previous_suppressed],
              `${q} ${a.code}`,
            ).toEqual([s.count, s.previous_count, s.rate_per_1000, s.change, s.suppressed, s.previous_suppressed]);
            // And against the database: a shown count is the ptable's answer for the ward's true count and key.
            if (a.count !== null) {
              expect(a.count, `${q} ${a.code}`).toBe(shownOf(wards, a.code));
              shownWards++;
            } else expect(a.suppressed).toBe(true);
          }
          expect([pack.wards.total, pack.wards.outside_study_area]).toEqual([stats.total, stats.outside_study_area]);
          // Ranked by the shown count (withheld last, then by name), never by the true one.
          const order = [...pack.wards.areas].sort(
            (x: any, y: any) => (y.count ?? -1) - (x.count ?? -1) || x.name.localeCompare(y.name),
          );
          expect(pack.wards.areas.map((a: any) => a.code)).toEqual(order.map((a: any) => a.code));
          expect(pack.wards.areas.map((a: any) => a.rank)).toEqual(pack.wards.areas.map((_: any, i: number) => i + 1));
          // The zip's ward league says the same.
          const files = await zip(partner, { from, to, category });
          const league = parse(strFromU8(files['ward-league.csv']), { columns: true }) as Record<string, string>[];
          for (const a of pack.wards.areas) {
            const row = league.find((r) => r.code === a.code)!;
            expect(row.count, a.code).toBe(a.count === null ? 'withheld' : String(a.count));
          }
          const cmp = parse(strFromU8(files['period-comparison.csv']), { columns: true }) as Record<string, string>[];
          expect(cmp.find((r) => r.slug === category)!.count).toBe(
            pack.comparison.categories[0].count === null ? 'withheld' : String(pack.comparison.categories[0].count),
          );
          expect(strFromU8(files['README.txt'])).toMatch(/perturbed by the ONS cell key method/);
        }
      }
      expect(recovered).toBe(0);
      expect(shownWards).toBeGreaterThan(19);
    });

    it('the pack zip: keys stripped for every role, partners held to the partner periods as on GET /api/pack', async () => {
      for (const c of [analyst, admin, partner]) await zip(c, { from: '2017-04', to: '2017-07' });
      const res = await partner.request('/api/exports/pack', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          purpose: 'cell key test',
          recipient: 'tasking group',
          filters: { from: '2017-04', to: '2017-06' },
        }),
      });
      expect(res.status).toBe(403);
      expect((await res.json()).error.code).toBe('partner_restricted');
    });

    it('hotspots: the count of unweighted incidents is perturbed by their own key for partners, exact for analysts', async () => {
      // A scheme weighing robbery only: violent crime is unweighted.
      const made = await analyst.request('/api/harm-schemes?name=robbery-only&version=2024-test', {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: 'category,weight\nrobbery,3\n',
      });
      expect(made.status).toBe(201);
      for (const [from, to] of [
        ['2017-04', '2017-07'],
        ['2017-06', '2017-07'],
      ]) {
        const w = { from: `${from}-01`, to: `${to}-01` };
        const t = (await truth(w, `'all'`, `i.category <> 'robbery'`)).get('all')!;
        const q = `res=8&weights=robbery-only&from=${from}&to=${to}`;
        const an = await get(analyst, `/api/hotspots?${q}`);
        expect(an.meta.unweighted.count).toBe(t.n);
        const pr = await get(partner, `/api/hotspots?${q}`);
        expect(pr.meta.unweighted.count).toBe(t.shown < MIN ? null : t.shown);
        expect(pr.meta.unweighted.categories).toEqual(an.meta.unweighted.categories);
        const top = await get(partner, `/api/hotspots/top?${q}&n=5`);
        expect(top.meta.unweighted.count).toBe(pr.meta.unweighted.count);
      }
      // The count scheme weighs everything: 0 unweighted, withheld for partners as before.
      expect((await get(partner, '/api/hotspots?res=8&from=2017-04&to=2017-07')).meta.unweighted.count).toBeNull();
      expect((await get(analyst, '/api/hotspots?res=8&from=2017-04&to=2017-07')).meta.unweighted.count).toBe(0);
    });
  },
);
