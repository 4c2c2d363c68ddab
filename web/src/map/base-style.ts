// Basemaps, in the order the server chose (api/basemap/source.ts): the app's own PMTiles extract drawn with
// the Protomaps "light" style and the app's own glyphs (works offline), else an online style, else a plain
// local background, with the reason, so the map (boundaries, hexagons, points) always works.
import type { LayerSpecification, StyleSpecification } from '@maplibre/maplibre-gl-style-spec';
import { layers, namedFlavor } from '@protomaps/basemaps';
import type { AppConfig, BasemapInfo } from '../../../contract/aggregates';

export const FALLBACK_BACKGROUND = '#f2f1ed';
/** The basemap's vector source in the PMTiles style. */
export const BASEMAP_SOURCE = 'protomaps';
/** The credit the OpenStreetMap licence (ODbL) asks for, and the style's. */
export const BASEMAP_ATTRIBUTION =
  '<a href="https://protomaps.com">Protomaps</a> © <a href="https://www.openstreetmap.org/copyright">OpenStreetMap contributors</a>';

/** The plain background; with the app's glyphs URL (absolute) its own label layers still draw text. */
export function fallbackStyle(glyphs?: string): StyleSpecification {
  return {
    version: 8,
    name: 'Saferplaces plain background',
    ...(glyphs ? { glyphs } : {}),
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': FALLBACK_BACKGROUND } }],
  };
}

/**
 * The Protomaps "light" basemap (English names) over the app's PMTiles archive. Icons are left out: they
 * need a sprite sheet, and points of interest and road shields read as text alone (one-way arrows go).
 * `origin` makes the same-origin paths absolute, as the pmtiles protocol and glyph URLs need.
 */
export function protomapsStyle(info: Pick<BasemapInfo, 'url' | 'glyphs'>, origin: string): StyleSpecification {
  const out: LayerSpecification[] = [];
  for (const layer of layers(BASEMAP_SOURCE, namedFlavor('light'), { lang: 'en' })) {
    if (layer.type !== 'symbol' || !layer.layout || !('icon-image' in layer.layout)) {
      out.push(layer);
      continue;
    }
    const { 'icon-image': _icon, ...layout } = layer.layout;
    if (layout['text-field'] !== undefined) out.push({ ...layer, layout });
  }
  return {
    version: 8,
    name: 'Saferplaces basemap (Protomaps light)',
    glyphs: `${origin}${info.glyphs}`,
    sources: {
      [BASEMAP_SOURCE]: { type: 'vector', url: `pmtiles://${origin}${info.url}`, attribution: BASEMAP_ATTRIBUTION },
    },
    layers: out,
  };
}

/** Minimal shape check of a downloaded style before handing it to MapLibre. */
export function looksLikeStyle(x: unknown): x is StyleSpecification {
  const s = x as StyleSpecification;
  return !!s && typeof s === 'object' && s.version === 8 && typeof s.sources === 'object' && Array.isArray(s.layers);
}

export type BaseStyle = { style: StyleSpecification; fallbackReason: string | null };

/** What a map page keys its basemap effect on: changes only when the server's choice does. */
export const basemapKey = (config: Pick<AppConfig, 'basemap'>) => JSON.stringify(config.basemap ?? null);

/**
 * The basemap style for the app's configuration. The plain background comes with the reason it is shown
 * (nothing configured, file unreadable, online style unreachable or not a style); while the configuration
 * is still loading (`basemap` absent) it comes without one.
 */
export async function loadBaseStyle(
  config: Pick<AppConfig, 'basemap'>,
  opts: { timeoutMs?: number; origin?: string } = {},
): Promise<BaseStyle> {
  const info = config.basemap;
  if (!info) return { style: fallbackStyle(), fallbackReason: null };
  if (info.kind === 'pmtiles' && info.url && info.glyphs) {
    return { style: protomapsStyle(info, opts.origin ?? window.location.origin), fallbackReason: null };
  }
  if (info.kind === 'style' && info.url) {
    try {
      const res = await fetch(info.url, { signal: AbortSignal.timeout(opts.timeoutMs ?? 6000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const json = await res.json();
      if (!looksLikeStyle(json)) throw new Error('not a MapLibre style');
      return { style: json, fallbackReason: null };
    } catch (e) {
      return { style: fallbackStyle(), fallbackReason: `online basemap unavailable (${(e as Error).message})` };
    }
  }
  const glyphs = info.glyphs ? `${opts.origin ?? window.location.origin}${info.glyphs}` : undefined;
  return { style: fallbackStyle(glyphs), fallbackReason: info.reason ?? 'no basemap configured' };
}

/** The note a map shows over a plain background. */
export const basemapNoteText = (reason: string | null) => (reason ? `Plain background: ${reason}.` : null);
