// The view as a URL: page (path) plus filters, layers, selection and camera (query). Pure, so a view
// can be shared and restored, and tested round trip. Only values that differ from the defaults are written.
import { HEX_RESOLUTIONS, type HexRes } from '../map/prepare/hexes';
import type { ClassMethod } from '../map/classify';
import type { AreaMetric } from '../map/layers/areas';
import { isMonth } from '../lib/months';

export type Page = 'map' | 'import';
export const LAYER_KEYS = ['choropleth', 'outlines', 'labels', 'hexes', 'incidents'] as const;
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
  const page: Page = /^\/import\/?$/.test(pathname) ? 'import' : 'map';
  const level = q.get('level');
  const from = q.get('from');
  const to = q.get('to');
  const layers = q.get('layers');
  const hex = q.get('hex');
  const hexNum = Number(hex);
  return {
    page,
    level: level && SLUG.test(level) ? level : DEFAULT_VIEW.level,
    from: isMonth(from) ? from : null,
    to: isMonth(to) ? to : null,
    categories: (q.get('cat') ?? '')
      .split(',')
      .filter((c) => SLUG.test(c)),
    metric: q.get('metric') === 'rate' ? 'rate' : 'count',
    classMethod: q.get('classes') === 'quantile' ? 'quantile' : 'jenks',
    layers: layers === null ? [...DEFAULT_LAYERS] : canonicalLayers(layers.split(',')),
    hexRes: (HEX_RESOLUTIONS as readonly number[]).includes(hexNum) ? (hexNum as HexRes) : 'auto',
    selected: parseSelection(q.get('sel')),
    camera: parseCamera(q.get('at')),
    sort: parseSort(q.get('sort')),
    importId: q.get('import') || null,
  };
}

/** Path and query for a view (the inverse of parseView, up to defaults). */
export function formatView(v: ViewState): string {
  const q = new URLSearchParams();
  if (v.page === 'map') {
    if (v.level !== DEFAULT_VIEW.level) q.set('level', v.level);
    if (v.from) q.set('from', v.from);
    if (v.to) q.set('to', v.to);
    if (v.categories.length) q.set('cat', v.categories.join(','));
    if (v.metric !== DEFAULT_VIEW.metric) q.set('metric', v.metric);
    if (v.classMethod !== DEFAULT_VIEW.classMethod) q.set('classes', v.classMethod);
    const layers = canonicalLayers(v.layers);
    if (layers.join(',') !== DEFAULT_LAYERS.join(',')) q.set('layers', layers.join(','));
    if (v.hexRes !== 'auto') q.set('hex', String(v.hexRes));
    if (v.selected) q.set('sel', v.selected.kind === 'area' ? `area:${v.selected.code}` : `hex:${v.selected.h3}`);
    if (v.sort.key !== DEFAULT_VIEW.sort.key || v.sort.dir !== DEFAULT_VIEW.sort.dir) q.set('sort', `${v.sort.key}-${v.sort.dir}`);
    if (v.camera) q.set('at', formatCamera(v.camera));
  } else if (v.importId) {
    q.set('import', v.importId);
  }
  const s = q.toString().replace(/%2C/g, ',').replace(/%2F/g, '/').replace(/%3A/g, ':');
  return `${v.page === 'import' ? '/import' : '/'}${s ? `?${s}` : ''}`;
}

export function hasLayer(v: Pick<ViewState, 'layers'>, k: LayerKey): boolean {
  return v.layers.includes(k);
}

export function toggleLayer(layers: readonly LayerKey[], k: LayerKey, on: boolean): LayerKey[] {
  return canonicalLayers(on ? [...layers, k] : layers.filter((x) => x !== k));
}
