// Pure helpers of the live map, meetings, presentation mode and the pack (web/src/lib/live-*.ts): the
// view as a meeting view and back, the comparison length, "since", toast text, the palettes, the
// event stream's reconnection (with a fake EventSource) and the refetch coalescing.
import { describe, expect, it } from 'vitest';
import { DEFAULT_VIEW, formatView, parseView, type ViewState } from '../web/src/state/url-state';
import {
  changeText,
  chooseCompare,
  comparisonText,
  meetingDrawn,
  meetingToView,
  newIncidentsText,
  periodLabel,
  periodMonths,
  presentAreaColours,
  presentColours,
  previousMeeting,
  meetingTimeLabel,
  recordMeeting,
  sinceLastMeeting,
  sinceParam,
  viewToMeeting,
  withPath,
} from '../web/src/lib/live-view';
import { coalesce, EventStream, LiveFeed, liveUrl, type EventSourceLike } from '../web/src/lib/live-feed';
import { packParams } from '../web/src/api/live';
import { MeetingView } from '../contract/live';
import { DEFAULT_HOTSPOT_VIEW } from '../web/src/pages/map/hotspots/hotspot-url';

const view: ViewState = {
  ...DEFAULT_VIEW,
  from: '2024-01',
  to: '2024-07',
  categories: ['burglary', 'robbery'],
  metric: 'rate',
  classMethod: 'quantile',
  layers: ['choropleth', 'outlines', 'hexes'],
  hexRes: 9,
  camera: { zoom: 13.25, lat: 51.4613123, lng: -0.0119234 },
};

describe('meeting views', () => {
  it('round-trips position, layers, filters and window; keeps the follower on its page', () => {
    const m = viewToMeeting(view)!;
    expect(m).toEqual({
      center: [-0.011923, 51.461312],
      zoom: 13.25,
      bearing: 0,
      pitch: 0,
      layers: ['choropleth', 'outlines', 'hexes'],
      filters: { level: 'ward', categories: ['burglary', 'robbery'], metric: 'rate', classes: 'quantile', hex: 9 },
      window: { from: '2024-01', to: '2024-07' },
      hotspot: DEFAULT_HOTSPOT_VIEW,
      selected: null,
      drawn: null,
    });
    expect(MeetingView.safeParse(m).success).toBe(true);
    // The presenter has nothing selected: the follower's own selection goes.
    const back = meetingToView(m, { ...DEFAULT_VIEW, page: 'present', selected: { kind: 'area', code: 'E05013714' } });
    expect(back.page).toBe('present');
    expect(back.selected).toBeNull();
    expect({ ...back, page: 'map', camera: null }).toEqual({ ...view, camera: null });
    expect(back.camera).toEqual({ zoom: 13.25, lat: 51.461312, lng: -0.011923 });
  });

  it('carries the hotspot statistic, its parameters, playback step, side list, selected unit and drawn area', () => {
    const presenter = parseView(
      '/',
      'at=13.25/51.46131/-0.01192&hs=change&vs=year&hsunit=area&top=50&hslist=decreases&sel=area:E05013720',
    );
    const drawn = {
      type: 'Polygon' as const,
      coordinates: [
        [
          [-0.0215, 51.4605],
          [-0.0045, 51.461],
          [-0.006, 51.451],
          [-0.0215, 51.4605],
        ] as [number, number][],
      ],
    };
    const m = viewToMeeting(presenter, null, drawn)!;
    expect(m.hotspot).toMatchObject({ mode: 'change', unit: 'area', vs: 'year_ago', top: 50, list: 'decreases' });
    expect(m.selected).toEqual({ kind: 'area', code: 'E05013720' });
    expect(m.drawn).toEqual(drawn);
    // What the server checks (contract/live.ts) accepts it; sent as JSON and read back it is the same.
    const wire = MeetingView.parse(JSON.parse(JSON.stringify(m)));
    const follower = meetingToView(wire, { ...DEFAULT_VIEW, hotspot: { ...DEFAULT_VIEW.hotspot, mode: 'gi', k: 3 } });
    expect(follower.hotspot).toEqual(presenter.hotspot);
    expect(follower.selected).toEqual(presenter.selected);
    expect(meetingDrawn(wire)).toEqual(drawn);
    expect(formatView(follower)).toContain('hs=change');
    expect(formatView(follower)).toContain('hslist=decreases');

    // Gi* with a playback step and FDR off; emerging with quarters.
    for (const q of ['hs=gi&corr=none&k=2', 'hs=emerging&period=quarter&step=3&hslist=persistent']) {
      const v = parseView('/', `at=12/51.45/-0.02&${q}`);
      expect(meetingToView(MeetingView.parse(viewToMeeting(v)), DEFAULT_VIEW).hotspot).toEqual(v.hotspot);
    }
    // Back to counts: the follower's statistic goes too.
    const counts = meetingToView(viewToMeeting(parseView('/', 'at=12/51.45/-0.02'))!, follower);
    expect(counts.hotspot.mode).toBeNull();
  });

  it('a view from an older presenter (no hotspot) means counts; an unknown mode falls back to counts; a too-large area is not sent', () => {
    const old = {
      center: [0, 51] as [number, number],
      zoom: 10,
      layers: ['hexes'],
      filters: {},
      window: { from: null, to: null },
    };
    const mine = { ...DEFAULT_VIEW, hotspot: { ...DEFAULT_VIEW.hotspot, mode: 'gi' as const } };
    expect(meetingToView(old, mine).hotspot).toEqual(DEFAULT_HOTSPOT_VIEW);
    const v = parseView('/', 'at=12/51.45/-0.02&hs=gi');
    const m = viewToMeeting(v)!;
    const newer = MeetingView.parse({ ...m, hotspot: { ...m.hotspot, mode: 'voronoi' } });
    expect(meetingToView(newer, mine).hotspot.mode).toBeNull();
    // 201 vertices: over the limit; the view goes without the area rather than being refused.
    const ring: [number, number][] = Array.from({ length: 200 }, (_, i) => [
      -0.02 + 0.01 * Math.cos((2 * Math.PI * i) / 200),
      51.45 + 0.01 * Math.sin((2 * Math.PI * i) / 200),
    ]);
    ring.push(ring[0]);
    expect(viewToMeeting(v, null, { type: 'Polygon', coordinates: [ring] })!.drawn).toBeNull();
    expect(viewToMeeting(v, null, { type: 'Polygon', coordinates: [ring.slice(1)] })!.drawn).toBeNull();
  });

  it('the server refuses a meeting view with a bad hotspot, selection or area, naming the field', () => {
    const m = viewToMeeting(parseView('/', 'at=12/51.45/-0.02&hs=gi'))!;
    const problems = (x: unknown) => MeetingView.safeParse(x).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(problems(m)).toEqual([]);
    expect(problems({ ...m, hotspot: { ...m.hotspot, correction: 'bonferroni' } })[0]).toMatch(/^hotspot.correction: /);
    expect(problems({ ...m, hotspot: { ...m.hotspot, mode: 'DROP TABLE' } })[0]).toMatch(/^hotspot.mode: /);
    expect(problems({ ...m, hotspot: { ...m.hotspot, top: 10_000 } })[0]).toMatch(/^hotspot.top: /);
    expect(problems({ ...m, hotspot: { ...m.hotspot, extra: 1 } }).length).toBe(1);
    expect(problems({ ...m, selected: { kind: 'hex', h3: 'zzz' } }).length).toBeGreaterThan(0);
    const open = [
      [0, 51],
      [0.1, 51],
      [0.1, 51.1],
      [0, 51.2],
    ];
    expect(problems({ ...m, drawn: { type: 'Polygon', coordinates: [open] } }).join()).toMatch(/closed/);
    expect(
      problems({
        ...m,
        drawn: {
          type: 'Polygon',
          coordinates: [
            [
              [0, 91],
              [0, 51],
              [1, 51],
              [0, 91],
            ],
          ],
        },
      })[0],
    ).toMatch(/^drawn.coordinates/);
    const big = Array.from({ length: 250 }, (_, i) => [i / 1000, 51]);
    big.push(big[0]);
    expect(problems({ ...m, drawn: { type: 'Polygon', coordinates: [big] } }).length).toBeGreaterThan(0);
  });

  it('no camera yet: nothing to send; unknown layers, bad windows and levels are dropped', () => {
    expect(viewToMeeting(DEFAULT_VIEW)).toBeNull();
    const v = meetingToView(
      {
        center: [0, 51],
        zoom: 10,
        layers: ['hexes', 'bogus'],
        filters: { level: 'x y', hex: 'auto' },
        window: { from: '2024-13', to: null },
      },
      DEFAULT_VIEW,
    );
    expect(v.layers).toEqual(['hexes']);
    expect(v.level).toBe('ward');
    expect(v.hexRes).toBe('auto');
    expect(v.from).toBeNull();
    expect(v.categories).toEqual([]);
  });

  it("the window sent is the one the presenter's map shows; a follower gets it in its URL", () => {
    const noWindow = { ...view, from: null, to: null };
    // The URL leaves the window to a default: without the shown window, followers would use their own.
    expect(viewToMeeting(noWindow)!.window).toEqual({ from: null, to: null });
    const m = viewToMeeting(noWindow, { from: '2025-01', to: '2025-02' })!;
    expect(m.window).toEqual({ from: '2025-01', to: '2025-02' });
    const follower = meetingToView(m, { ...DEFAULT_VIEW, from: '2023-01', to: '2024-01', categories: ['drugs'] });
    expect([follower.from, follower.to, follower.categories]).toEqual(['2025-01', '2025-02', ['burglary', 'robbery']]);
    expect(formatView(follower)).toContain('from=2025-01&to=2025-02&cat=burglary,robbery');
    // A malformed or empty shown window falls back to the URL's.
    expect(viewToMeeting(view, { from: '2025-02', to: '2025-02' })!.window).toEqual({ from: '2024-01', to: '2024-07' });
    expect(viewToMeeting(view, { from: '2025-1', to: '2025-03' })!.window).toEqual({ from: '2024-01', to: '2024-07' });
    // The presentation's comparison period as months, only when it is whole months.
    expect(periodMonths({ from: '2025-01-01', to: '2025-02-01' })).toEqual({ from: '2025-01', to: '2025-02' });
    expect(periodMonths({ from: '2024-12-01', to: '2025-03-01' })).toEqual({ from: '2024-12', to: '2025-03' });
    expect(periodMonths({ from: '2025-01-18', to: '2025-02-15' })).toBeNull();
    expect(periodMonths({ from: '2025-02-01', to: '2025-02-01' })).toBeNull();
    expect(periodMonths(null)).toBeNull();
  });

  it('presentation and pack URLs carry the map view plus since and compare', () => {
    const url = formatView({ ...view, page: 'present', since: '2025-01-31', compare: '1m' });
    expect(url.startsWith('/present?since=2025-01-31&compare=1m&')).toBe(true);
    const u = new URL(url, 'http://x');
    expect(parseView(u.pathname, u.search)).toEqual({
      ...view,
      page: 'present',
      since: '2025-01-31',
      compare: '1m',
      camera: { zoom: 13.25, lat: 51.46131, lng: -0.01192 },
    });
    expect(parseView('/pack', '?since=abc&compare=0d')).toMatchObject({ page: 'pack', since: null, compare: null });
    // The map page itself does not write them.
    expect(formatView({ ...DEFAULT_VIEW, since: '12' })).toBe('/');
    expect(withPath('/?at=1/2/3&cat=a', '/present')).toBe('/present?at=1/2/3&cat=a');
    expect(withPath('/', '/pack')).toBe('/pack');
  });
});

describe('comparison period and since', () => {
  it('month-precision data compare whole months, and say so', () => {
    expect(chooseCompare([{ precision: 'month', count: 900 }])).toBe('1m');
    expect(
      chooseCompare([
        { precision: 'day', count: 600 },
        { precision: 'month', count: 400 },
      ]),
    ).toBe('28d');
    expect(chooseCompare([{ precision: 'minute', count: 10 }])).toBe('28d');
    expect(chooseCompare([{ precision: 'month', count: null }])).toBe('1m');
    expect(chooseCompare([])).toBe('28d');
    const p = { from: '2025-01-01', to: '2025-02-01', previous_from: '2024-12-01', previous_to: '2025-01-01', compare: '1m' };
    expect(comparisonText(p, true)).toBe(
      'Jan 2025 compared with the previous one month, Dec 2024 (police.uk data give only the month, so periods are whole months)',
    );
    expect(
      comparisonText(
        { from: '2025-01-04', to: '2025-02-01', previous_from: '2024-12-07', previous_to: '2025-01-04', compare: '28d' },
        false,
      ),
    ).toBe('4 Jan 2025 – 31 Jan 2025 compared with the previous 28 days, 7 Dec 2024 – 3 Jan 2025');
    // The presentation's default: the map's 12 months, compared with the 12 before.
    expect(
      comparisonText(
        { from: '2024-03-01', to: '2025-03-01', previous_from: '2023-03-01', previous_to: '2024-03-01', compare: null },
        true,
      ),
    ).toBe(
      'Mar 2024 – Feb 2025 compared with the previous 12 months, Mar 2023 – Feb 2024 (police.uk data give only the month, so periods are whole months)',
    );
    expect(periodLabel('2024-01-01', '2024-07-01')).toBe('Jan 2024 – Jun 2024');
  });

  it('the previous meeting is the newest other one; since takes a seq or a local date', () => {
    let list = recordMeeting([], { code: 'AAAAAA', seq: 3, at: '2025-01-01T10:00:00Z' });
    list = recordMeeting(list, { code: 'BBBBBB', seq: 7, at: '2025-01-15T10:00:00Z' });
    list = recordMeeting(list, { code: 'BBBBBB', seq: 9, at: '2025-01-15T11:00:00Z' });
    expect(list.map((m) => m.seq)).toEqual([9, 3]);
    expect(previousMeeting(list, 'BBBBBB')?.seq).toBe(3);
    expect(previousMeeting(list, null)?.seq).toBe(9);
    expect(previousMeeting([], null)).toBeNull();
    expect(packParams({ since: '12' })).toEqual({ since: '12' });
  });

  it("since the last meeting: the server's last ended meeting, else this browser's record, else nothing", () => {
    // Local times (the label is in the browser's time zone).
    const at = new Date(2025, 10, 14, 10, 2).toISOString();
    const now = new Date(2025, 11, 1);
    expect(meetingTimeLabel(at, now)).toBe('14 Nov, 10:02');
    expect(meetingTimeLabel(at, new Date(2026, 0, 5))).toBe('14 Nov 2025, 10:02');
    expect(meetingTimeLabel('not a date', now)).toBe('not a date');
    const browser = { code: 'BBBBBB', seq: 9, at: new Date(2025, 10, 7, 9, 30).toISOString() };
    const server = { code: 'AAAAAA', created_at: at, end_seq: 41 };
    expect(sinceLastMeeting(server, browser, now)).toEqual({ seq: 41, label: 'the meeting of 14 Nov, 10:02', from: 'server' });
    expect(sinceLastMeeting({ ...server, end_seq: 0 }, browser, now)?.seq).toBe(0);
    // No server meeting (none ended yet, or the list failed), or one without an end seq: the browser's record.
    expect(sinceLastMeeting(null, browser, now)).toEqual({
      seq: 9,
      label: 'the meeting of 7 Nov, 09:30 (BBBBBB, recorded in this browser)',
      from: 'browser',
    });
    expect(sinceLastMeeting({ ...server, end_seq: null }, browser, now)?.from).toBe('browser');
    expect(sinceLastMeeting(null, null, now)).toBeNull();
  });

  it('since takes a seq or a local date', () => {
    expect(sinceParam('42')).toBe('42');
    expect(sinceParam('2025-01-31')).toMatch(/^2025-01-3[01]T\d{2}:00:00Z$/);
    expect(sinceParam('yesterday')).toBeUndefined();
    expect(packParams({ compare: '1m', categories: ['a', 'b'], top: 10, since: undefined })).toEqual({
      compare: '1m',
      category: 'a,b',
      top: '10',
    });
  });
});

describe('text and palettes', () => {
  it('toast and change texts; withheld never reads as a number', () => {
    expect(newIncidentsText({ seq: 5, at: '', batch_id: 12, count: 20, months: ['2025-01', '2025-01'], bbox: null })).toBe(
      '20 new incidents (batch 12, Jan 2025)',
    );
    expect(newIncidentsText({ seq: 5, at: '', batch_id: 12, count: 1, months: ['2024-12', '2025-01'], bbox: null })).toBe(
      '1 new incident (batch 12, Dec 2024 – Jan 2025)',
    );
    expect(newIncidentsText({ seq: 5, at: '', batch_id: 12, count: null, months: null, bbox: null })).toBe(
      'New incidents (batch 12)',
    );
    expect(changeText(-67, -48.6, false)).toBe('-67 (-49%)');
    expect(changeText(5, null, false)).toBe('+5');
    expect(changeText(null, null, true)).toBe('withheld');
  });

  it('presentation palettes: light to dark, distinct, never shared between hexagons and wards', () => {
    for (let n = 1; n <= 7; n++) {
      expect(new Set(presentColours(n)).size).toBe(n);
      expect(new Set(presentAreaColours(n)).size).toBe(n);
      expect(presentColours(n).some((c) => presentAreaColours(n).includes(c))).toBe(false);
    }
    expect(presentColours(5)[0]).toBe('#fde725');
    expect(presentColours(5)[4]).toBe('#440154');
  });
});

/** A controllable EventSource. */
class FakeSource implements EventSourceLike {
  static made: FakeSource[] = [];
  readyState = 0;
  onopen: ((e: Event) => void) | null = null;
  onerror: ((e: Event) => void) | null = null;
  listeners = new Map<string, (e: MessageEvent) => void>();
  closed = false;
  constructor(readonly url: string) {
    FakeSource.made.push(this);
  }
  addEventListener(type: string, fn: (e: MessageEvent) => void) {
    this.listeners.set(type, fn);
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
  fire(type: string, data: unknown, id = '') {
    this.listeners.get(type)?.({ data: JSON.stringify(data), lastEventId: id } as MessageEvent);
  }
  fail(closed: boolean) {
    this.readyState = closed ? 2 : 0;
    this.onerror?.(new Event('error'));
  }
}
const tick = () => new Promise((r) => setTimeout(r, 5));

describe('event streams', () => {
  it('after the browser gives up, reconnects with ?after= the last id; stops when signed out', async () => {
    FakeSource.made = [];
    const got: unknown[] = [];
    let signedIn = true;
    let signedOut = 0;
    const feed = new LiveFeed({
      stillSignedIn: async () => signedIn,
      signedOut: () => signedOut++,
      create: (u) => new FakeSource(u),
      retryMs: 1,
    });
    const stop = feed.subscribe((m) => got.push(m.type));
    expect(FakeSource.made.map((s) => s.url)).toEqual(['/api/live']);
    const first = FakeSource.made[0];
    first.fire('ready', { seq: 4 }, '4');
    expect(feed.status).toBe('open');
    first.fire('incidents', { seq: 5, batch_id: 2, count: 3 }, '5');
    expect(feed.seq).toBe(5);
    first.fail(false); // the browser retries by itself (Last-Event-ID)
    await tick();
    expect(FakeSource.made).toHaveLength(1);
    first.fail(true); // it gave up (e.g. the server answered 500)
    await tick();
    expect(FakeSource.made.map((s) => s.url)).toEqual(['/api/live', '/api/live?after=5']);
    // Events from the old source are ignored.
    first.fire('incidents', { seq: 99 }, '99');
    expect(feed.seq).toBe(5);
    signedIn = false;
    FakeSource.made[1].fail(true);
    await tick();
    expect(FakeSource.made).toHaveLength(2);
    expect(signedOut).toBe(1);
    expect(got).toContain('signed-out');
    stop();
  });

  it('`end` (signed out on the server) stops the feed; the last listener leaving closes it', () => {
    FakeSource.made = [];
    let signedOut = 0;
    const feed = new LiveFeed({
      stillSignedIn: async () => true,
      signedOut: () => signedOut++,
      create: (u) => new FakeSource(u),
    });
    const a = feed.subscribe(() => undefined);
    const b = feed.subscribe(() => undefined);
    expect(FakeSource.made).toHaveLength(1);
    a();
    expect(FakeSource.made[0].closed).toBe(false);
    b();
    expect(FakeSource.made[0].closed).toBe(true);
    const c = feed.subscribe(() => undefined);
    FakeSource.made[1].fire('end', { reason: 'signed_out' });
    expect(FakeSource.made[1].closed).toBe(true);
    expect(signedOut).toBe(1);
    c();
    expect(liveUrl('12')).toBe('/api/live?after=12');
    expect(liveUrl('x')).toBe('/api/live');
  });

  it('a stream parses JSON data and records the last id', () => {
    FakeSource.made = [];
    const views: unknown[] = [];
    const s = new EventStream({
      url: () => '/api/meetings/x/events',
      on: { view: (d) => views.push(d) },
      create: (u) => new FakeSource(u),
    });
    FakeSource.made[0].fire('view', { view: { zoom: 3 } }, '7');
    expect(views).toEqual([{ view: { zoom: 3 } }]);
    expect(s.lastEventId).toBe('7');
    s.stop();
    expect(FakeSource.made[0].closed).toBe(true);
  });

  it('coalesce: at once when idle, then at most one more call per interval', () => {
    let now = 0;
    const timers: Array<() => void> = [];
    let calls = 0;
    const run = coalesce(() => calls++, 400, { now: () => now, set: (f) => timers.push(f) });
    run();
    expect(calls).toBe(1);
    now = 100;
    run();
    run();
    run();
    expect(calls).toBe(1);
    expect(timers).toHaveLength(1);
    now = 400;
    timers.shift()!();
    expect(calls).toBe(2);
    now = 900;
    run();
    expect(calls).toBe(3);
  });
});
