// Change layer (issue 4) on the hotspot source: each unit coloured by the direction of its change against
// the previous window or the same window a year earlier, and whether the change is beyond chance (the
// API's exact Poisson C-test, p < 0.05) — significant up / up / down / significant down / no change, and
// withheld (partners) apart.
import type { LayerSpecification } from '@maplibre/maplibre-gl-style-spec';
import type { ChangeClass } from '../prepare/hotspots';
import { HOTSPOT_SOURCE, type HotspotLayerParams } from './hotspots';
import { visibility } from './common';

export const CHANGE_FILL_LAYER = 'sp-change-fill';

export const CHANGE_ORDER: readonly ChangeClass[] = ['up_sig', 'up', 'none', 'down', 'down_sig', 'withheld'];

/** RdBu ends for significant changes, pale tints for changes within chance; withheld mid grey. */
export const CHANGE_COLOURS: Record<ChangeClass, string> = {
  up_sig: '#b2182b',
  up: '#f4a582',
  none: '#f7f7f7',
  down: '#92c5de',
  down_sig: '#2166ac',
  withheld: '#bdbdbd',
};

export const CHANGE_LABELS: Record<ChangeClass, string> = {
  up_sig: 'Up, beyond chance (p < 0.05)',
  up: 'Up, within chance',
  none: 'No change',
  down: 'Down, within chance',
  down_sig: 'Down, beyond chance (p < 0.05)',
  withheld: 'Withheld',
};

/** Property of the prepared features holding the change class for a comparison. */
export const changeKey = (vs: HotspotLayerParams['vs']) => (vs === 'year_ago' ? 'vs_year' : 'vs_prev');

export function changeFillLayers(p: HotspotLayerParams): LayerSpecification[] {
  const pairs = CHANGE_ORDER.filter((c) => c !== 'none').flatMap((c) => [c, CHANGE_COLOURS[c]]);
  const key = ['get', changeKey(p.vs)];
  return [
    {
      id: CHANGE_FILL_LAYER,
      type: 'fill',
      source: HOTSPOT_SOURCE,
      layout: { visibility: visibility(p.mode === 'change') },
      paint: {
        'fill-color': ['match', key, ...pairs, CHANGE_COLOURS.none],
        'fill-opacity': ['match', key, ['up_sig', 'down_sig'], 0.85, 'none', 0.2, 0.6],
      } as LayerSpecification['paint'],
    } as LayerSpecification,
  ];
}
