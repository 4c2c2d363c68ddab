// The names of the shipped harm schemes (the JSON files beside schemes.ts), apart from the loader so the
// API contract and the web bundle can list them without reading files.
export const SHIPPED_SCHEME_NAMES = ['count', 'ons-css', 'cambridge-chi'] as const;
export type ShippedSchemeName = (typeof SHIPPED_SCHEME_NAMES)[number];

/** The scheme a request uses without `weights`: every incident weighs 1. */
export const DEFAULT_SCHEME = 'count' satisfies ShippedSchemeName;
