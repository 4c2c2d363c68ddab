// Emerging hot spots (issue 4) on the hotspot source: each unit coloured by its pattern (new, consecutive,
// intensifying, persistent, diminishing, sporadic, oscillating, historical — hot and cold — or none), or,
// during playback, by its Gi* in one period: z on a diverging ramp whose domain is fixed for the whole
// playback (the API's z_range over every unit and period), or the hot/cold class for partners.
import type { ExpressionSpecification, LayerSpecification } from '@maplibre/maplibre-gl-style-spec';
import { EMERGING_PATTERNS, type EmergingPattern } from '../../../../contract/hotspots';
import { HOTSPOT_SOURCE, classColour, classOpacity, type HotspotLayerParams } from './hotspots';
import { visibility } from './common';

export const EMERGING_FILL_LAYER = 'sp-emerging-fill';

/** Legend order: hot patterns, cold patterns, none. */
export const EMERGING_ORDER: readonly EmergingPattern[] = EMERGING_PATTERNS;

/** Hot patterns in reds/oranges, cold in blues/purple (never red against green); none faint grey. */
export const EMERGING_COLOURS: Record<EmergingPattern, string> = {
  new_hot: '#ef3b2c',
  consecutive_hot: '#fb6a4a',
  intensifying_hot: '#67000d',
  persistent_hot: '#a50f15',
  diminishing_hot: '#d94801',
  sporadic_hot: '#fc9272',
  oscillating_hot: '#fcbba1',
  historical_hot: '#fdae6b',
  new_cold: '#2171b5',
  consecutive_cold: '#4292c6',
  intensifying_cold: '#08306b',
  persistent_cold: '#08519c',
  diminishing_cold: '#54278f',
  sporadic_cold: '#6baed6',
  oscillating_cold: '#9ecae1',
  historical_cold: '#c6dbef',
  no_pattern: '#f0f0f0',
};

export const EMERGING_LABELS: Record<EmergingPattern, string> = {
  new_hot: 'New hot spot',
  consecutive_hot: 'Consecutive hot spot',
  intensifying_hot: 'Intensifying hot spot',
  persistent_hot: 'Persistent hot spot',
  diminishing_hot: 'Diminishing hot spot',
  sporadic_hot: 'Sporadic hot spot',
  oscillating_hot: 'Oscillating hot spot',
  historical_hot: 'Historical hot spot',
  new_cold: 'New cold spot',
  consecutive_cold: 'Consecutive cold spot',
  intensifying_cold: 'Intensifying cold spot',
  persistent_cold: 'Persistent cold spot',
  diminishing_cold: 'Diminishing cold spot',
  sporadic_cold: 'Sporadic cold spot',
  oscillating_cold: 'Oscillating cold spot',
  historical_cold: 'Historical cold spot',
  no_pattern: 'No pattern detected',
};

/** Diverging ramp stops for z (RdBu): cold −m … 0 … +m hot. */
export const Z_RAMP: readonly [number, string][] = [
  [-1, '#2166ac'],
  [-0.5, '#67a9cf'],
  [-0.2, '#d1e5f0'],
  [0, '#f7f7f7'],
  [0.2, '#fddbc7'],
  [0.5, '#ef8a62'],
  [1, '#b2182b'],
];

/** Property names of period i in the prepared features. */
export const periodClassKey = (i: number) => `c${i}`;
export const periodZKey = (i: number) => `z${i}`;

function patternColour(): ExpressionSpecification {
  const pairs = EMERGING_ORDER.filter((x) => x !== 'no_pattern').flatMap((x) => [x, EMERGING_COLOURS[x]]);
  return ['match', ['get', 'pattern'], ...pairs, EMERGING_COLOURS.no_pattern] as unknown as ExpressionSpecification;
}

/** z of one period on the fixed scale [lo, hi] (symmetric about 0), so a colour means the same z in every period. */
export function zColour(i: number, [lo, hi]: [number, number]): ExpressionSpecification {
  const m = Math.max(Math.abs(lo), Math.abs(hi), 1e-9);
  const stops = Z_RAMP.flatMap(([t, c]) => [t * m, c]);
  return ['interpolate', ['linear'], ['to-number', ['get', periodZKey(i)], 0], ...stops] as ExpressionSpecification;
}

export function emergingFillLayers(p: HotspotLayerParams): LayerSpecification[] {
  let colour: ExpressionSpecification;
  let opacity: ExpressionSpecification | number;
  if (p.step === null) {
    colour = patternColour();
    opacity = ['match', ['get', 'pattern'], 'no_pattern', 0.2, 0.85] as ExpressionSpecification;
  } else if (p.zScale) {
    colour = zColour(p.step, p.zScale);
    opacity = 0.85;
  } else {
    const cls: ExpressionSpecification = ['get', periodClassKey(p.step)];
    colour = classColour(cls);
    opacity = classOpacity(cls);
  }
  return [
    {
      id: EMERGING_FILL_LAYER,
      type: 'fill',
      source: HOTSPOT_SOURCE,
      layout: { visibility: visibility(p.mode === 'emerging') },
      paint: { 'fill-color': colour, 'fill-opacity': opacity },
    },
  ];
}
