// Basemaps: the configured style when it loads, otherwise a plain local background so the map
// (boundaries, hexagons, points) works without internet access.
import type { StyleSpecification } from '@maplibre/maplibre-gl-style-spec';

export const FALLBACK_BACKGROUND = '#f2f1ed';

export function fallbackStyle(): StyleSpecification {
  return {
    version: 8,
    name: 'Saferplaces plain background',
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': FALLBACK_BACKGROUND } }],
  };
}

/** Minimal shape check of a downloaded style before handing it to MapLibre. */
export function looksLikeStyle(x: unknown): x is StyleSpecification {
  const s = x as StyleSpecification;
  return !!s && typeof s === 'object' && s.version === 8 && typeof s.sources === 'object' && Array.isArray(s.layers);
}

/**
 * Fetches the basemap style JSON; resolves to the fallback style (and a reason) when it is not set,
 * unreachable (no internet), slow or not a style.
 */
export async function loadBaseStyle(
  url: string | null,
  timeoutMs = 6000,
): Promise<{ style: StyleSpecification; fallbackReason: string | null }> {
  if (!url) return { style: fallbackStyle(), fallbackReason: 'no basemap configured' };
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const json = await res.json();
    if (!looksLikeStyle(json)) throw new Error('not a MapLibre style');
    return { style: json, fallbackReason: null };
  } catch (e) {
    return { style: fallbackStyle(), fallbackReason: `basemap unavailable (${(e as Error).message})` };
  }
}
