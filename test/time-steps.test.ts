// The data's time precision and the playback steps it supports (issue 14: GET /stats/areas `time`), both
// drivers. police.uk rows are dated by month only: months only. The shared data hold no force data with
// times, so a force-style file (Ref, Date, Time, Offence, Lon, Lat) is built here from the real Lewisham
// police.uk burglary rows of Mar–May 2024: each row keeps its place, and gets a day of its month and a time
// drawn from its Crime ID (a hash, so the file is the same on every run). Week and day windows are then
// counted per ward by the API and, independently, from the file with Turf's point-in-polygon.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { booleanPointInPolygon } from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../api/db/index.js';
import { importFile } from '../api/imports/index.js';
import { addDays, playbackSteps, stepWindows } from '../web/src/lib/playback';
import { clientFor, signedInApp, type Client } from './helpers/auth.js';
import { drivers, resetData, SHARED, testDb } from './helpers/db.js';
import { tmpFile } from './helpers/files.js';

const WARDS = path.join(SHARED, 'lewisham_wards_2022.geojson');
const CRIMES = path.join(SHARED, 'lewisham_burglary_street_2022-03_2025-02.csv');
const hasData = fs.existsSync(WARDS) && fs.existsSync(CRIMES);

interface Dated {
  date: string;
  lon: number;
  lat: number;
}

/** The force-style rows: police.uk rows of the months given, each dated by a hash of its Crime ID. */
function forceRows(months: string[]): { csv: string; rows: Dated[] } {
  const lines = fs.readFileSync(CRIMES, 'utf8').trim().split('\n').slice(1);
  const rows: Dated[] = [];
  const out = ['Ref,Date,Time,Offence,Lon,Lat'];
  for (const line of lines) {
    const c = line.split(',');
    if (!months.includes(c[1]) || !c[4] || !c[5]) continue;
    const h = crypto.createHash('sha256').update(c[0]).digest();
    const [y, m] = c[1].split('-').map(Number);
    const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
    const date = `${c[1]}-${String((h[0] % days) + 1).padStart(2, '0')}`;
    const time = `${String(h[1] % 24).padStart(2, '0')}:${String(h[2] % 60).padStart(2, '0')}`;
    out.push([c[0].slice(0, 16), date, time, 'Burglary', c[4], c[5]].join(','));
    rows.push({ date, lon: Number(c[4]), lat: Number(c[5]) });
  }
  return { csv: `${out.join('\n')}\n`, rows };
}

describe.skipIf(!hasData).each(drivers())('time precision and playback steps (%s)', (driver) => {
  let db: Db;
  let analyst: Client;
  let partner: Client;
  const wards = (JSON.parse(fs.readFileSync(WARDS, 'utf8')) as FeatureCollection<Polygon | MultiPolygon>).features as Feature<
    Polygon | MultiPolygon,
    { WD22CD: string }
  >[];
  const stats = async (q: string, who: Client = analyst) => {
    const res = await who.request(`/api/stats/areas?level=ward&${q}`);
    expect(res.status).toBe(200);
    return (await res.json()) as any;
  };

  beforeAll(async () => {
    db = await testDb(driver);
    await resetData(db);
    const r = await importFile(db, WARDS, { kind: 'boundaries', level: 'ward' });
    expect(r.status).toBe('committed');
    const { app } = await signedInApp(db, { dataDir: '/nonexistent', MAX_UPLOAD_MB: 5, BASEMAP_STYLE_URL: undefined });
    analyst = await clientFor(app, db, 'analyst');
    partner = await clientFor(app, db, 'partner');
  }, 120_000);

  it('police.uk data (month only): months only, and says why', async () => {
    const r = await importFile(db, CRIMES);
    expect(r.status).toBe('committed');
    const s = await stats('from=2024-03&to=2024-06');
    expect(s.time.coarsest).toBe('month');
    expect(s.time.steps).toEqual(['month']);
    expect(s.time.rule).toMatch(/police\.uk street data are dated by month only/);
  });

  it('force-style data with dates and times: weeks and days, with counts per week and per day as Turf counts them', async () => {
    await resetData(db);
    expect((await importFile(db, WARDS, { kind: 'boundaries', level: 'ward' })).status).toBe('committed');
    const { csv, rows } = forceRows(['2024-03', '2024-04', '2024-05']);
    expect(rows.length).toBeGreaterThan(300);
    const r = await importFile(db, tmpFile('force-dated.csv', csv), {
      mapping: 'id=Ref,date=Date,time=Time,category=Offence,lon=Lon,lat=Lat',
      dataset: 'force-style dated burglary',
    });
    expect(r.status, r.error?.message).toBe('committed');
    const whole = await stats('from=2024-03&to=2024-06');
    expect(whole.time.coarsest).toBe('minute');
    expect(whole.time.steps).toEqual(['month', 'week', 'day']);
    // partners play whole months only
    const p = await stats('from=2024-04&to=2024-05', partner);
    expect(p.time).toMatchObject({ coarsest: null, steps: ['month'] });

    const wardOf = (x: Dated) => wards.find((w) => booleanPointInPolygon([x.lon, x.lat], w))?.properties.WD22CD ?? null;
    const located = rows.map((x) => ({ ...x, ward: wardOf(x) }));
    const expectCounts = async (w: { from: string; to: string }) => {
      const s = await stats(`from=${w.from}&to=${w.to}`);
      const want = new Map<string, number>();
      for (const x of located) if (x.ward && x.date >= w.from && x.date < w.to) want.set(x.ward, (want.get(x.ward) ?? 0) + 1);
      const got = new Map<string, number>(s.areas.map((a: any) => [a.code, a.count]));
      for (const w2 of wards)
        expect(got.get(w2.properties.WD22CD), w2.properties.WD22CD).toBe(want.get(w2.properties.WD22CD) ?? 0);
      return [...want.values()].reduce((a, b) => a + b, 0);
    };
    // the web's week steps of the period, a single week and a 4-week rolling window, and a single day
    const weeks = playbackSteps({ from: '2024-03', to: '2024-06' }, 'week');
    expect(weeks[0]).toBe('2024-03-01');
    expect(weeks).toHaveLength(14);
    const w1 = stepWindows(weeks, 1, 'week', '2024-06')[5];
    expect(w1).toEqual({ from: '2024-04-05', to: '2024-04-12' });
    expect(await expectCounts(w1)).toBeGreaterThan(0);
    const w4 = stepWindows(weeks, 4, 'week', '2024-06')[5];
    expect(w4).toEqual({ from: '2024-03-15', to: '2024-04-12' });
    await expectCounts(w4);
    // the last week is cut at the period's end
    expect(stepWindows(weeks, 1, 'week', '2024-06').at(-1)).toEqual({ from: '2024-05-31', to: '2024-06-01' });
    const day = '2024-04-09';
    await expectCounts({ from: day, to: addDays(day, 1) });
  });
});
