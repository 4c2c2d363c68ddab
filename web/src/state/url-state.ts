// The view as a URL: page (path) plus filters, layers, selection and camera (query). Pure, so a view
// can be shared and restored, and tested round trip. Only values that differ from the defaults are written.
import { HEX_RESOLUTIONS, type HexRes } from '../map/prepare/hexes';
import type { ClassMethod } from '../map/classify';
import type { AreaMetric } from '../map/layers/areas';
import { isMonth } from '../lib/months';
import { DEFAULT_PLAYBACK, parsePlayback, writePlayback, type PlaybackView } from '../lib/playback';
import { DEFAULT_HOTSPOT_VIEW, parseHotspotView, writeHotspotView, type HotspotView } from '../pages/map/hotspots/hotspot-url';

export type Page =
  | 'map'
  | 'present'
  | 'pack'
  | 'import'
  | 'journeys'
  | 'users'
  | 'settings'
  | 'audit'
  | 'setup'
  | 'planning'
  | 'chb'
  | 'knox'
  /** A path the app does not have ("Page not found"). */
  | 'notfound';

/** Paths of the pages other than the map (which is `/`). */
export const PAGE_PATHS: Record<Exclude<Page, 'map' | 'notfound'>, string> = {
  present: '/present',
  pack: '/pack',
  import: '/import',
  journeys: '/journeys',
  users: '/admin/users',
  settings: '/admin/settings',
  audit: '/admin/audit',
  setup: '/setup',
  planning: '/planning',
  chb: '/chb',
  knox: '/near-repeat',
};

function pageOf(pathname: string): Page {
  const p = pathname.replace(/\/+$/, '') || '/';
  if (p === '/' || p === '/index.html') return 'map';
  for (const [page, path] of Object.entries(PAGE_PATHS)) if (p === path) return page as Page;
  return 'notfound';
}
export const LAYER_KEYS = ['choropleth', 'outlines', 'labels', 'hexes', 'kde', 'incidents'] as const;
export type LayerKey = (typeof LAYER_KEYS)[number];
/** Hotspot view by default: hexagons over ward outlines and names (the ward figures are in the ranking table). */
export const DEFAULT_LAYERS: readonly LayerKey[] = ['outlines', 'labels', 'hexes'];

export type Selection = { kind: 'area'; code: string } | { kind: 'hex'; h3: string } | null;
export interface Camera {
  zoom: number;
  lat: number;
  lng: number;
}
export type SortKey = 'name' | 'count' | 'rate' | 'change';
export interface SortState {
  key: SortKey;
  dir: 'asc' | 'desc';
}

export interface ViewState {
  page: Page;
  level: string;
  /** Inclusive first month; null = the server's default window. */
  from: string | null;
  /** Exclusive end month; null = the server's default window. */
  to: string | null;
  /** Category slugs; empty = all. */
  categories: string[];
  metric: AreaMetric;
  classMethod: ClassMethod;
  layers: LayerKey[];
  hexRes: 'auto' | HexRes;
  selected: Selection;
  camera: Camera | null;
  sort: SortState;
  importId: string | null;
  /** Presentation and pack: "changed since" (a change seq or a YYYY-MM-DD date); null = the last meeting. */
  since: string | null;
  /** Presentation and pack: comparison length (e.g. 28d, 1m); null = chosen from the data's time precision. */
  compare: string | null;
  /** Hotspot statistic, units and its parameters (issue 4; hotspot-url.ts). */
  hotspot: HotspotView;
  /** Count-map playback (branch playback): the month shown and the rolling window (lib/playback.ts). */
  playback: PlaybackView;
  /** The path of a "not found" page (only set then). */
  path?: string;
}

export const DEFAULT_VIEW: ViewState = {
  page: 'map',
  level: 'ward',
  from: null,
  to: null,
  categories: [],
  metric: 'count',
  classMethod: 'jenks',
  layers: [...DEFAULT_LAYERS],
  hexRes: 'auto',
  selected: null,
  camera: null,
  sort: { key: 'count', dir: 'desc' },
  importId: null,
  since: null,
  compare: null,
  hotspot: DEFAULT_HOTSPOT_VIEW,
  playback: DEFAULT_PLAYBACK,
};

const SLUG = /^[a-z0-9][a-z0-9_-]*$/i;
const CODE = /^[A-Za-z0-9_.:-]{1,64}$/;
const H3 = /^[0-9a-f]{15}$/i;

function canonicalLayers(keys: Iterable<string>): LayerKey[] {
  const set = new Set(keys);
  return LAYER_KEYS.filter((k) => set.has(k));
}

function parseCamera(s: string | null): Camera | null {
  if (!s) return null;
  const [z, lat, lng] = s.split('/').map(Number);
  if (![z, lat, lng].every(Number.isFinite)) return null;
  if (z < 0 || z > 24 || Math.abs(lat) > 85 || Math.abs(lng) > 180) return null;
  return { zoom: z, lat, lng };
}

export function formatCamera(c: Camera): string {
  return `${c.zoom.toFixed(2)}/${c.lat.toFixed(5)}/${c.lng.toFixed(5)}`;
}

function parseSelection(s: string | null): Selection {
  if (!s) return null;
  const i = s.indexOf(':');
  const kind = s.slice(0, i);
  const id = s.slice(i + 1);
  if (kind === 'area' && CODE.test(id)) return { kind: 'area', code: id };
  if (kind === 'hex' && H3.test(id)) return { kind: 'hex', h3: id.toLowerCase() };
  return null;
}

function parseSort(s: string | null): SortState {
  const m = /^(name|count|rate|change)-(asc|desc)$/.exec(s ?? '');
  return m ? { key: m[1] as SortKey, dir: m[2] as 'asc' | 'desc' } : { ...DEFAULT_VIEW.sort };
}

export function parseView(pathname: string, search: string): ViewState {
  const q = new URLSearchParams(search);
  const page = pageOf(pathname);
  const level = q.get('level');
  const from = q.get('from');
  const to = q.get('to');
  const layers = q.get('layers');
  const hex = q.get('hex');
  const hexNum = Number(hex);
  return {
    ...(page === 'notfound' ? { path: pathname } : {}),
    page,
    level: level && SLUG.test(level) ? level : DEFAULT_VIEW.level,
    from: isMonth(from) ? from : null,
    to: isMonth(to) ? to : null,
    categories: (q.get('cat') ?? '').split(',').filter((c) => SLUG.test(c) || c === '@serious-violence'),
    metric: q.get('metric') === 'rate' ? 'rate' : 'count',
    classMethod: q.get('classes') === 'quantile' ? 'quantile' : 'jenks',
    layers: layers === null ? [...DEFAULT_LAYERS] : canonicalLayers(layers.split(',')),
    hexRes: (HEX_RESOLUTIONS as readonly number[]).includes(hexNum) ? (hexNum as HexRes) : 'auto',
    selected: parseSelection(q.get('sel')),
    camera: parseCamera(q.get('at')),
    sort: parseSort(q.get('sort')),
    importId: q.get('import') || null,
    since: /^(\d{1,15}|\d{4}-\d{2}-\d{2})$/.test(q.get('since') ?? '') ? q.get('since') : null,
    compare: /^[1-9]\d{0,3}[dwm]$/.test(q.get('compare') ?? '') ? q.get('compare') : null,
    hotspot: parseHotspotView(q),
    playback: parsePlayback(q),
  };
}

/** Path and query for a view (the inverse of parseView, up to defaults). */
export function formatView(v: ViewState): string {
  const q = new URLSearchParams();
  // The presentation and the pack show a map view too: same keys, plus their own.
  const mapLike = v.page === 'map' || v.page === 'present' || v.page === 'pack';
  if (mapLike && v.page !== 'map') {
    if (v.since) q.set('since', v.since);
    if (v.compare) q.set('compare', v.compare);
  }
  if (mapLike) {
    if (v.level !== DEFAULT_VIEW.level) q.set('level', v.level);
    if (v.from) q.set('from', v.from);
    if (v.to) q.set('to', v.to);
    if (v.categories.length) q.set('cat', v.categories.join(','));
    if (v.metric !== DEFAULT_VIEW.metric) q.set('metric', v.metric);
    if (v.classMethod !== DEFAULT_VIEW.classMethod) q.set('classes', v.classMethod);
    const layers = canonicalLayers(v.layers);
    if (layers.join(',') !== DEFAULT_LAYERS.join(',')) q.set('layers', layers.join(','));
    if (v.hexRes !== 'auto') q.set('hex', String(v.hexRes));
    writeHotspotView(q, v.hotspot);
    writePlayback(q, v.playback);
    if (v.selected) q.set('sel', v.selected.kind === 'area' ? `area:${v.selected.code}` : `hex:${v.selected.h3}`);
    if (v.sort.key !== DEFAULT_VIEW.sort.key || v.sort.dir !== DEFAULT_VIEW.sort.dir)
      q.set('sort', `${v.sort.key}-${v.sort.dir}`);
    if (v.camera) q.set('at', formatCamera(v.camera));
  } else if (v.page === 'import' && v.importId) {
    q.set('import', v.importId);
  }
  const s = q.toString().replace(/%2C/g, ',').replace(/%2F/g, '/').replace(/%3A/g, ':');
  // An unknown path is kept as it was typed (the page says it does not exist).
  const path = v.page === 'map' ? '/' : v.page === 'notfound' ? (v.path ?? '/') : PAGE_PATHS[v.page];
  return `${path}${s ? `?${s}` : ''}`;
}

export function hasLayer(v: Pick<ViewState, 'layers'>, k: LayerKey): boolean {
  return v.layers.includes(k);
}

export function toggleLayer(layers: readonly LayerKey[], k: LayerKey, on: boolean): LayerKey[] {
  return canonicalLayers(on ? [...layers, k] : layers.filter((x) => x !== k));
}
