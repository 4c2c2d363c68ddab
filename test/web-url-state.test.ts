// The view in the URL: parse/format round trip, defaults and rejection of bad values; month windows.
import { describe, expect, it } from 'vitest';
import { DEFAULT_VIEW, formatView, parseView, toggleLayer, type ViewState } from '../web/src/state/url-state';
import {
  addMonths,
  fromBoundToMonth,
  monthsBetween,
  previousWindow,
  resolveWindow,
  toBoundToMonth,
  windowLabel,
} from '../web/src/lib/months';

const roundTrip = (v: ViewState) => {
  const url = new URL(formatView(v), 'http://x');
  return parseView(url.pathname, url.search);
};

describe('URL state', () => {
  it('the default view is a bare /', () => {
    expect(formatView(DEFAULT_VIEW)).toBe('/');
    expect(parseView('/', '')).toEqual(DEFAULT_VIEW);
  });

  it('round-trips a full map view', () => {
    const v: ViewState = {
      ...DEFAULT_VIEW,
      level: 'lsoa',
      from: '2017-01',
      to: '2018-01',
      categories: ['robbery', 'violent-crime'],
      metric: 'rate',
      classMethod: 'quantile',
      layers: ['choropleth', 'incidents'],
      hexRes: 9,
      selected: { kind: 'hex', h3: '89194ad0577ffff' },
      camera: { zoom: 13.25, lat: 51.46131, lng: -0.01192 },
      sort: { key: 'change', dir: 'asc' },
    };
    expect(roundTrip(v)).toEqual(v);
    const url = formatView(v);
    expect(url).toContain('cat=robbery,violent-crime');
    expect(url).toContain('at=13.25/51.46131/-0.01192');
    expect(url).toContain('sel=hex:89194ad0577ffff');
  });

  it('round-trips an area selection and an empty layer list', () => {
    const v: ViewState = { ...DEFAULT_VIEW, selected: { kind: 'area', code: 'E05013719' }, layers: [] };
    expect(roundTrip(v)).toEqual(v);
  });

  it('round-trips the import page', () => {
    const v: ViewState = { ...DEFAULT_VIEW, page: 'import', importId: '12' };
    expect(formatView(v)).toBe('/import?import=12');
    expect(roundTrip(v)).toEqual(v);
  });

  it('falls back to defaults for values that make no sense', () => {
    const v = parseView(
      '/',
      '?from=2017-13&to=soon&metric=fast&hex=12&sel=hex:zzz&at=99/1/1&sort=bogus&layers=hexes,bogus&cat=ok,%3Cscript%3E',
    );
    expect(v.from).toBeNull();
    expect(v.to).toBeNull();
    expect(v.metric).toBe('count');
    expect(v.hexRes).toBe('auto');
    expect(v.selected).toBeNull();
    expect(v.camera).toBeNull();
    expect(v.sort).toEqual(DEFAULT_VIEW.sort);
    expect(v.layers).toEqual(['hexes']);
    expect(v.categories).toEqual(['ok']);
  });

  it('keeps layers in one canonical order', () => {
    expect(toggleLayer(['hexes'], 'choropleth', true)).toEqual(['choropleth', 'hexes']);
    expect(toggleLayer(['choropleth', 'hexes'], 'choropleth', false)).toEqual(['hexes']);
    expect(parseView('/', '?layers=hexes,choropleth').layers).toEqual(['choropleth', 'hexes']);
  });
});

describe('months', () => {
  it('adds months across years', () => {
    expect(addMonths('2017-12', 1)).toBe('2018-01');
    expect(addMonths('2018-01', -13)).toBe('2016-12');
    expect(monthsBetween('2016-07', '2018-07')).toBe(24);
  });
  it('reads API bounds as months (to exclusive)', () => {
    expect(fromBoundToMonth('2017-07-01')).toBe('2017-07');
    expect(toBoundToMonth('2018-07-01')).toBe('2018-07');
    expect(toBoundToMonth('2018-06-15')).toBe('2018-07');
    expect(toBoundToMonth('2018-07')).toBe('2018-07');
    expect(toBoundToMonth(null)).toBeUndefined();
  });
  it('resolves the window from the URL or the server default', () => {
    const summary = { default_from: '2017-07-01', default_to: '2018-07-01', first_month: '2016-01', last_month: '2018-06' };
    expect(resolveWindow({ from: null, to: null }, summary)).toEqual({ from: '2017-07', to: '2018-07' });
    expect(resolveWindow({ from: '2016-01', to: null }, summary)).toEqual({ from: '2016-01', to: '2018-07' });
    expect(resolveWindow({ from: '2018-03', to: '2018-01' }, summary)).toEqual({ from: '2018-03', to: '2018-04' });
    expect(
      resolveWindow(
        { from: null, to: null },
        { default_from: null, default_to: null, first_month: '2016-01', last_month: '2018-06' },
      ),
    ).toEqual({ from: '2016-01', to: '2018-07' });
    expect(
      resolveWindow({ from: null, to: null }, { default_from: null, default_to: null, first_month: null, last_month: null }),
    ).toBeNull();
  });
  it('gives the previous window of the same length and readable labels', () => {
    expect(previousWindow('2017-07', '2018-07')).toEqual({ from: '2016-07', to: '2017-07' });
    expect(windowLabel('2017-07', '2018-07')).toBe('Jul 2017 – Jun 2018');
    expect(windowLabel('2018-06', '2018-07')).toBe('Jun 2018');
  });
});
