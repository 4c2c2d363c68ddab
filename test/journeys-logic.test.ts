// School journeys, pure logic: segmenting real geometry (checked with Turf, an independent
// implementation), time windows and the term calendar across the 2024 clock changes, age bands,
// exposure sums on a hand-checked fixture, GPX and network proposals.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { length as turfLength, lineString } from '@turf/turf';
import type { FeatureCollection, Polygon, MultiPolygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { bngToWgs84 } from '../geodata/crs.js';
import { classifyAge, parseAgeBand } from '../geodata/journeys/age.js';
import { classifyIncident, computeExposure, worst, type SnappedIncident } from '../geodata/journeys/exposure.js';
import { toGpx } from '../geodata/journeys/gpx.js';
import { proposeRoutes } from '../geodata/journeys/proposals.js';
import { buildNetwork, networkLines } from '../geodata/network/index.js';
import { lonLatToBng } from '../geodata/planning/geometry.js';
import { cleanLine, lineLength, lineProblems, midpoint, splitLine, type Position } from '../geodata/journeys/segment.js';
import {
  classifyTime,
  londonToInstant,
  parseDays,
  parseWindows,
  toLondonCivil,
  windowHours,
  weekdayOf,
  type JourneyTimes,
} from '../geodata/journeys/time.js';
import { SHARED } from './helpers/shared.js';

const hasData = fs.existsSync(path.join(SHARED, 'lewisham_wards_2022.geojson'));
const turfM = (c: Position[]) => turfLength(lineString(c), { units: 'meters' });

describe.skipIf(!hasData)('segmenting real geometry', () => {
  const wards = JSON.parse(fs.readFileSync(path.join(SHARED, 'lewisham_wards_2022.geojson'), 'utf8')) as FeatureCollection<
    Polygon | MultiPolygon
  >;
  // Real lines: every ward's outer ring (up to 5000 vertices), and school → nearest station legs.
  const rings = wards.features.map((f) => {
    const ring = (f.geometry.type === 'Polygon' ? f.geometry.coordinates[0] : f.geometry.coordinates[0][0]) as Position[];
    return cleanLine(ring.slice(0, 5000));
  });
  const schools = (
    parse(fs.readFileSync(path.join(SHARED, 'lewisham_schools_gias_open_20250524.csv')), { columns: true }) as Record<
      string,
      string
    >[]
  )
    .filter((r) => +r.easting > 0)
    .map((r) => bngToWgs84(+r.easting, +r.northing) as Position);
  const stations = (
    parse(fs.readFileSync(path.join(SHARED, 'lewisham_rail_stations_naptan.csv')), { columns: true }) as Record<string, string>[]
  ).map((r) => bngToWgs84(+r.Easting, +r.Northing) as Position);
  const legs = schools
    .slice(0, 20)
    .map((s) => [s, stations.reduce((a, b) => (turfM([s, a]) <= turfM([s, b]) ? a : b))] as Position[]);

  for (const seg of [100, 37, 250]) {
    it(`splits ${rings.length} ward rings and ${legs.length} school→station legs into equal pieces of at most ${seg} m`, () => {
      for (const line of [...rings, ...legs]) {
        expect(lineProblems({ type: 'LineString', coordinates: line })).toEqual([]);
        const total = turfM(line);
        const pieces = splitLine(line, seg);
        expect(pieces.length).toBe(Math.ceil(total / seg - 1e-9));
        const lens = pieces.map((p) => turfM(p.coordinates));
        const sum = lens.reduce((a, b) => a + b, 0);
        expect(Math.abs(sum - total) / total).toBeLessThan(1e-6);
        for (const l of lens) {
          expect(l).toBeLessThanOrEqual(seg * (1 + 1e-9));
          expect(Math.abs(l - total / pieces.length) / total).toBeLessThan(1e-6); // equal
        }
        // Contiguous: each piece starts where the last ended, first/last at the line's ends.
        expect(pieces[0].coordinates[0]).toEqual(line[0]);
        expect(pieces[pieces.length - 1].coordinates.at(-1)).toEqual(line.at(-1));
        for (let i = 1; i < pieces.length; i++) expect(pieces[i].coordinates[0]).toEqual(pieces[i - 1].coordinates.at(-1));
        expect(Math.abs(lineLength(line) - total) / total).toBeLessThan(1e-9); // our haversine = Turf's
      }
    });
  }

  it('midpoint halves a segment by length', () => {
    const line = rings[0].slice(0, 40);
    const m = midpoint(line);
    // Split the line at the midpoint by hand and measure both halves with Turf.
    const pieces = splitLine(line, lineLength(line) / 2 + 1e-6);
    expect(pieces).toHaveLength(2);
    expect(pieces[0].coordinates.at(-1)![0]).toBeCloseTo(m[0], 12);
    expect(Math.abs(turfM(pieces[0].coordinates) - turfM(pieces[1].coordinates))).toBeLessThan(1e-6);
  });
});

describe('route geometry validation', () => {
  const ok: Position[] = [
    [-0.02, 51.45],
    [-0.01, 51.45],
  ];
  it.each([
    [null, /missing/],
    [{ type: 'Point', coordinates: [0, 51] }, /Point, expected LineString/],
    [{ type: 'LineString', coordinates: [[0, 51]] }, /at least 2/],
    [{ type: 'LineString', coordinates: Array.from({ length: 5001 }, (_, i) => [i * 1e-6, 51]) }, /at most 5000/],
    [
      {
        type: 'LineString',
        coordinates: [
          [537000, 175000],
          [537100, 175000],
        ],
      },
      /WGS84/,
    ],
    [
      {
        type: 'LineString',
        coordinates: [
          [0, 51],
          [0, 51],
        ],
      },
      /zero length/,
    ],
    [
      {
        type: 'LineString',
        coordinates: [
          [-0.1, 51.4],
          [0.2, 51.4],
        ],
      },
      /km long/,
    ],
    [
      {
        type: 'LineString',
        coordinates: [
          [0, 51],
          ['x', 51],
        ],
      },
      /not a \[lon, lat\]/,
    ],
  ])('%j is refused', (g, msg) => {
    expect(lineProblems(g).join()).toMatch(msg);
  });
  it('accepts a plain line', () => expect(lineProblems({ type: 'LineString', coordinates: ok })).toEqual([]));
});

// ---------- time ----------

const times = (over: Partial<JourneyTimes> = {}): JourneyTimes => ({
  windows: parseWindows('07:30-09:30,14:30-18:30'),
  days: parseDays('mon-fri'),
  termOnly: true,
  // Edges on purpose: a term ending on the Friday before the March clock change and one starting the Monday after.
  terms: [
    { starts_on: '2024-02-19', ends_on: '2024-03-29' },
    { starts_on: '2024-04-01', ends_on: '2024-07-19' },
    { starts_on: '2024-09-02', ends_on: '2024-10-25' },
    { starts_on: '2024-11-04', ends_on: '2024-12-20' },
  ],
  ...over,
});

describe('time windows, terms and clock changes', () => {
  it('parses windows and days, refusing bad ones', () => {
    expect(parseWindows('14:30-18:30, 07:30-09:30')).toEqual([
      { start: 450, end: 570 },
      { start: 870, end: 1110 },
    ]);
    expect(parseWindows('22:00-24:00')).toEqual([{ start: 1320, end: 1440 }]);
    for (const bad of ['', '7:30-9:30', '09:30-07:30', '07:00-09:00,08:00-10:00', '25:00-26:00', '07:30'])
      expect(() => parseWindows(bad)).toThrow();
    expect(parseDays('mon-fri')).toEqual(['mon', 'tue', 'wed', 'thu', 'fri']);
    expect(parseDays('sun,mon,wed-thu')).toEqual(['mon', 'wed', 'thu', 'sun']);
    for (const bad of ['', 'fri-mon', 'monday', 'mon-tue-wed']) expect(() => parseDays(bad)).toThrow();
  });

  it('knows the weekdays around the 2024 clock changes', () => {
    expect(
      ['2024-03-29', '2024-03-30', '2024-03-31', '2024-04-01', '2024-10-25', '2024-10-27', '2024-10-28'].map(weekdayOf),
    ).toEqual(['fri', 'sat', 'sun', 'mon', 'fri', 'sun', 'mon']);
  });

  it('classifies civil times the same in GMT and BST, with term edges inclusive and window ends exclusive', () => {
    const t = times();
    const cases: Array<[string, 'month' | 'day' | 'minute', string]> = [
      ['2024-03-29 08:00:00', 'minute', 'in'], // last day of term, GMT
      ['2024-03-29 09:30:00', 'minute', 'out'], // window end exclusive
      ['2024-03-29 09:29:00', 'minute', 'in'],
      ['2024-03-30 08:00:00', 'minute', 'out'], // Saturday
      ['2024-03-31 08:00:00', 'minute', 'out'], // the clock-change Sunday
      ['2024-04-01 07:30:00', 'minute', 'in'], // first day of term, BST, window start inclusive
      ['2024-04-01 07:29:00', 'minute', 'out'],
      ['2024-10-25 18:29:00', 'minute', 'in'], // last day of term before half term
      ['2024-10-28 08:00:00', 'minute', 'out'], // half term (Monday after the October change)
      ['2024-11-04 14:30:00', 'minute', 'in'],
      ['2024-07-22 08:00:00', 'minute', 'out'], // summer holiday
      ['2024-04-02 00:00:00', 'day', 'unknown'], // term day, no time
      ['2024-04-06 00:00:00', 'day', 'out'], // Saturday: out whatever the time
      ['2024-07-29 00:00:00', 'day', 'out'], // holiday weekday
      ['2024-03-01 00:00:00', 'month', 'unknown'],
      ['2024-08-01 00:00:00', 'month', 'out'], // no term day in August
    ];
    for (const [civil, p, want] of cases) expect({ civil, got: classifyTime(civil, p, t) }).toEqual({ civil, got: want });
    expect(classifyTime('2024-08-01 00:00:00', 'month', times({ termOnly: false }))).toBe('unknown');
    expect(classifyTime('2024-07-22 08:00:00', 'minute', times({ termOnly: false }))).toBe('in');
  });

  it('turns instants into civil time and back across both changes', () => {
    // 07:15 UTC is 07:15 GMT on Friday 29 March but 08:15 BST on Monday 1 April.
    expect(toLondonCivil(Date.parse('2024-03-29T07:15:00Z'))).toBe('2024-03-29 07:15:00');
    expect(toLondonCivil(Date.parse('2024-04-01T07:15:00Z'))).toBe('2024-04-01 08:15:00');
    expect(toLondonCivil(Date.parse('2024-10-28T07:15:00Z'))).toBe('2024-10-28 07:15:00');
    expect(londonToInstant('2024-04-01 08:15:00')).toBe(Date.parse('2024-04-01T07:15:00Z'));
    expect(londonToInstant('2024-03-29 08:15:00')).toBe(Date.parse('2024-03-29T08:15:00Z'));
    // Ambiguous (October): the first, BST, occurrence. Non-existent (March): the moment of the change.
    expect(londonToInstant('2024-10-27 01:30:00')).toBe(Date.parse('2024-10-27T00:30:00Z'));
    expect(londonToInstant('2024-03-31 01:30:00')).toBe(Date.parse('2024-03-31T01:00:00Z'));
    for (let ms = Date.parse('2024-03-30T00:00:00Z'); ms < Date.parse('2024-04-01T00:00:00Z'); ms += 15 * 60_000) {
      expect(londonToInstant(toLondonCivil(ms))).toBe(ms);
    }
  });

  it('measures window hours in real time across the clock changes', () => {
    const all = (w: string, days = 'mon-sun') => times({ windows: parseWindows(w), days: parseDays(days), termOnly: false });
    expect(windowHours('2024-03-31', '2024-04-01', all('00:00-24:00'))).toBe(23);
    expect(windowHours('2024-10-27', '2024-10-28', all('00:00-24:00'))).toBe(25);
    expect(windowHours('2024-03-31', '2024-04-01', all('00:30-02:30'))).toBe(1);
    expect(windowHours('2024-10-27', '2024-10-28', all('00:30-01:30'))).toBe(1.5);
    expect(windowHours('2024-03-30', '2024-04-02', all('07:30-09:30,14:30-18:30'))).toBe(18);
    // Default windows, weekdays in term: 6 hours a day; 25 Mar .. 5 Apr 2024 has 10 term weekdays (both terms' edges included).
    expect(windowHours('2024-03-25', '2024-04-06', times())).toBe(60);
    expect(windowHours('2024-07-15', '2024-07-27', times())).toBe(30); // term ends Friday 19 July
  });
});

describe('age bands', () => {
  it.each([
    ['15', 17, 'in'],
    ['10-17', 17, 'in'],
    ['Under 18', 17, 'in'],
    ['0 to 17 years', 17, 'in'],
    ['<16', 17, 'in'],
    ['18-24', 17, 'out'],
    ['65+', 17, 'out'],
    ['over 17', 17, 'out'],
    ['18', 17, 'out'],
    ['16-24', 17, 'unknown'],
    ['', 17, 'unknown'],
    [null, 17, 'unknown'],
    ['adult', 17, 'unknown'],
    ['24-18', 17, 'unknown'],
    ['adult', null, 'in'],
  ])('%j against age_max %j is %s', (band, max, want) => {
    expect(classifyAge(band as string | null, max as number | null)).toBe(want);
  });
  it('reads open-ended bands', () => expect(parseAgeBand('65 and over')).toEqual({ min: 65, max: Infinity }));
});

// ---------- exposure sums on a hand-checked fixture ----------

describe('exposure sums', () => {
  const t = times();
  const inc = (
    id: number,
    route: number,
    seq: number,
    occurred_at: string,
    p: 'minute' | 'day' | 'month',
    age: string | null,
    category = 'robbery',
  ): SnappedIncident => ({ incident_id: id, route_id: route, seq, occurred_at, time_precision: p, age_band: age, category });
  // Two routes of one school: route 1 = 2 segments of 100 m, route 2 = 1 segment of 50 m.
  const routes = [
    { id: 1, name: 'A', school_id: 7, hub_id: null, length_m: 200 },
    { id: 2, name: 'B', school_id: 7, hub_id: null, length_m: 50 },
  ];
  const segs = [
    {
      route_id: 1,
      seq: 1,
      length_m: 100,
      coordinates: [
        [0, 51],
        [0.001, 51],
      ] as Position[],
    },
    {
      route_id: 1,
      seq: 2,
      length_m: 100,
      coordinates: [
        [0.001, 51],
        [0.002, 51],
      ] as Position[],
    },
    {
      route_id: 2,
      seq: 1,
      length_m: 50,
      coordinates: [
        [0.002, 51],
        [0.002, 51.0005],
      ] as Position[],
    },
  ];
  const hits = [
    inc(1, 1, 1, '2024-04-01 08:00:00', 'minute', '15'), // count
    inc(1, 2, 1, '2024-04-01 08:00:00', 'minute', '15'), // the same incident near route 2 too
    inc(2, 1, 1, '2024-04-01 08:00:00', 'minute', null), // unknown_age
    inc(3, 1, 2, '2024-04-01 00:00:00', 'month', null), // unknown_time (police.uk-like)
    inc(4, 1, 2, '2024-04-06 08:00:00', 'minute', '15'), // Saturday: excluded
    inc(5, 1, 2, '2024-04-02 15:00:00', 'minute', '12', 'violent-crime'), // count, harm weight 3
  ];
  const x = computeExposure(routes, segs, hits, { times: t, ageMax: 17, weight: (c) => (c === 'robbery' ? 1 : 3) });

  it('classifies each incident into one class', () => {
    expect(hits.map((h) => classifyIncident(h, { times: t, ageMax: 17 }))).toEqual([
      'count',
      'count',
      'unknown_age',
      'unknown_time',
      'excluded',
      'count',
    ]);
  });
  it('sums per segment, with rates and the length-weighted borough average', () => {
    const s = (r: number, q: number) => x.segments.find((v) => v.route_id === r && v.seq === q)!;
    expect([s(1, 1).count, s(1, 1).unknown_age, s(1, 1).all]).toEqual([1, 1, 2]);
    expect([s(1, 2).count, s(1, 2).unknown_time, s(1, 2).excluded, s(1, 2).all, s(1, 2).harm]).toEqual([1, 1, 1, 3, 3]);
    expect([s(2, 1).count, s(2, 1).rate_per_100m]).toEqual([1, 2]);
    // Average: 3 counts over 250 m = 1.2 per 100 m; segment 2:1 rate 2 → ratio 2 / 1.2.
    expect(x.average.rate_per_100m).toBeCloseTo(1.2, 12);
    expect(s(2, 1).ratio).toBeCloseTo(2 / 1.2, 6);
    expect(s(1, 2).harm_per_100m).toBe(3);
    expect(s(1, 1).guardian_point).toEqual([0.0005, 51]);
  });
  it('counts an incident once per route, and once per school', () => {
    expect(x.routes.map((r) => [r.route_id, r.count, r.all])).toEqual([
      [1, 2, 5],
      [2, 1, 1],
    ]);
    expect(x.schools).toEqual([
      expect.objectContaining({
        school_id: 7,
        routes: 2,
        count: 2,
        all: 5,
        unknown_time: 1,
        unknown_age: 1,
        excluded: 1,
        harm: 4,
      }),
    ]);
    expect(x.totals).toEqual({ count: 2, unknown_time: 1, unknown_age: 1, excluded: 1, all: 5, harm: 4 });
  });
  it('ranks the worst segments, leaving out empty ones', () => {
    expect(worst(x.segments, 'count', 10).map((r) => `${r.route_id}:${r.seq}`)).toEqual(['2:1', '1:1', '1:2']);
    expect(worst(x.segments, 'harm', 1).map((r) => `${r.route_id}:${r.seq}`)).toEqual(['1:2']);
    expect(worst(x.segments, 'all', 10)[0]).toMatchObject({ route_id: 1, seq: 2, all: 3 });
  });
});

describe('GPX', () => {
  it('writes waypoints and tracks, escaping text', () => {
    const gpx = toGpx({
      name: 'A & B',
      waypoints: [{ position: [-0.0123456789, 51.5], name: '#1 <Catford> "Rd"' }],
      tracks: [
        {
          name: 'seg',
          coordinates: [
            [0, 51],
            [0.001, 51],
          ],
        },
      ],
    });
    expect(gpx).toContain('<gpx version="1.1" creator="Saferplaces" xmlns="http://www.topografix.com/GPX/1/1"');
    expect(gpx).toContain('<wpt lat="51.5000000" lon="-0.0123457">');
    expect(gpx).toContain('<name>#1 &lt;Catford&gt; &quot;Rd&quot;</name>');
    expect(gpx).toContain('<name>A &amp; B</name>');
    expect(gpx.match(/<trkpt /g)).toHaveLength(2);
    expect(gpx.trim().endsWith('</gpx>')).toBe(true);
  });
});

describe('network proposals', () => {
  // A grid of streets 0.001° apart; the school is at one corner, hubs at two others.
  const lines: Position[][] = [];
  for (let i = 0; i <= 3; i++) {
    lines.push([0, 1, 2, 3].map((j) => [j * 0.001, 51 + i * 0.001]));
    lines.push([0, 1, 2, 3].map((j) => [i * 0.001, 51 + j * 0.001]));
  }
  const network = buildNetwork(lines);
  /** Straight-line distance on the British National Grid, which the walking network measures on. */
  const grid = (a: Position, b: Position) => {
    const [p, q] = [lonLatToBng(a[0], a[1]), lonLatToBng(b[0], b[1])];
    return Math.hypot(q[0] - p[0], q[1] - p[1]);
  };
  it('finds the shortest walk to the k nearest hubs', () => {
    const out = proposeRoutes(
      network,
      [{ id: 1, name: 'School', position: [0, 51] }],
      [
        { id: 10, name: 'Near', position: [0.002, 51.001] },
        { id: 11, name: 'Far', position: [0.003, 51.003] },
        { id: 12, name: 'Farthest', position: [0.05, 51.05] },
      ],
      { k: 2, maxSnapM: 50 },
    );
    expect(out.problems).toEqual([]);
    expect(out.proposals.map((p) => p.hub_id)).toEqual([10, 11]);
    // Manhattan distance along the grid: 3 and 6 blocks.
    const block = grid([0, 51], [0.001, 51]),
      up = grid([0, 51], [0, 51.001]);
    // Two blocks east and one north (east along the northern street is a few mm shorter).
    expect(out.proposals[0].length_m).toBeCloseTo(2 * block + up, 1);
    expect(out.proposals[0].length_m).toBeLessThanOrEqual(2 * block + up);
    expect(out.proposals[1].length_m).toBeGreaterThanOrEqual(3 * block + 3 * up - 1);
    expect(out.proposals[1].length_m).toBeLessThan(3 * block + 3 * 1.02 * up);
    expect(out.proposals[0].crow_m).toBeCloseTo(grid([0, 51], [0.002, 51.001]), 2);
    // The geometry is the walk: its grid length is the proposal's length.
    const walked = (c: Position[]) => c.slice(1).reduce((s, p, i) => s + grid(c[i], p), 0);
    for (const p of out.proposals) expect(walked(p.geometry.coordinates)).toBeCloseTo(p.length_m, 2);
  });
  it('joins a school off the street at the nearest point of the nearest edge, not the nearest vertex', () => {
    // Halfway along the southern street's first block, 20 m south of it: 20 m to the street, half a block
    // east to the corner at 0.001, then north to the hub at [0.001, 51.001] (and 0 m from the hub).
    const school: Position = [0.0005, 51 - 20 / 111_200];
    const out = proposeRoutes(
      network,
      [{ id: 1, name: 'School', position: school }],
      [{ id: 10, name: 'Hub', position: [0.001, 51.001] }],
      { k: 1, maxSnapM: 50 },
    );
    expect(out.problems).toEqual([]);
    const onStreet: Position = [0.0005, 51];
    const expected = grid(school, onStreet) + grid(onStreet, [0.001, 51]) + grid([0.001, 51], [0.001, 51.001]);
    expect(out.proposals[0].length_m).toBeCloseTo(expected, 1);
    expect(out.proposals[0].geometry.coordinates[1][0]).toBeCloseTo(0.0005, 6);
    // Too far from the network: a problem, no proposal.
    const far = proposeRoutes(
      network,
      [{ id: 1, name: 'School', position: [0.0015, 50.99] }],
      [{ id: 10, name: 'Hub', position: [0.001, 51.001] }],
      { k: 1, maxSnapM: 50 },
    );
    expect(far.proposals).toEqual([]);
    expect(far.problems[0].message).toMatch(/the school is 1\d\d\d m from the network \(at most 50 m\)/);
  });
  it('refuses non-line networks', () => {
    expect(
      networkLines({
        type: 'FeatureCollection',
        features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [0, 0] } }],
      }),
    ).toMatch(/expected LineString/);
  });
});
