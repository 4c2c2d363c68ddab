// Shared bits of the overlay layer specs.
import type { FeatureCollection } from 'geojson';

export const EMPTY_FC: FeatureCollection = { type: 'FeatureCollection', features: [] };

export const visibility = (on: boolean): 'visible' | 'none' => (on ? 'visible' : 'none');

/** Colour for areas without a value (no population for a rate, or no statistics yet). */
export const NO_DATA_COLOUR = '#d9d9d9';

/**
 * Opacity of the no-data grey: light enough that a basemap's streets and names read through it (at the
 * class colours' 0.78 the grey hid them), still a visible tint over the plain background.
 */
export const NO_DATA_OPACITY = 0.4;

/** Font for map labels; drawn locally when the style has no glyphs URL or the glyph server lacks it. */
export const LABEL_FONT = ['Noto Sans Regular'];
