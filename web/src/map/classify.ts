// Classed colour scales for choropleths and hexagons: class breaks (natural breaks via ckmeans, or
// quantiles), ColorBrewer sequential colours, legend rows and the matching MapLibre step expression.
import { ckmeans, quantileSorted } from 'simple-statistics';
import { schemeBlues, schemeYlOrRd } from 'd3-scale-chromatic';
import type { ExpressionSpecification } from '@maplibre/maplibre-gl-style-spec';
import { formatCount, formatRate } from '../lib/format';

export type ClassMethod = 'jenks' | 'quantile';
export type ValueKind = 'count' | 'rate';

export interface Classes {
  /** Lower bounds of classes 2..k, strictly ascending; a value v is in class i where thresholds[i-1] <= v < thresholds[i]. */
  thresholds: number[];
  min: number;
  max: number;
  kind: ValueKind;
}

/** For rates, a bound rounded down to one decimal when that moves no value into another class. */
function niceBound(v: number, prev: number, sorted: readonly number[], kind: ValueKind): number {
  if (kind === 'count') return v;
  const r = Math.floor(v * 10) / 10;
  return r > prev && !sorted.some((x) => x >= r && x < v) ? r : v;
}

/**
 * Class breaks for the finite values in `values` (nulls are the "no data" state and are ignored).
 * Bounds are data values (rates rounded down to one decimal where that changes no class), so legend
 * labels match the data.
 * Returns null when there is no value to classify.
 */
export function classBreaks(
  values: readonly (number | null | undefined)[],
  method: ClassMethod,
  kind: ValueKind,
  k = 5,
): Classes | null {
  const sorted = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const min = sorted[0];
  const max = sorted[sorted.length - 1];
  const distinct = new Set(sorted).size;
  const classes = Math.max(1, Math.min(k, distinct));
  let raw: number[] = [];
  if (classes > 1) {
    if (method === 'jenks') {
      raw = ckmeans(sorted, classes)
        .slice(1)
        .map((c) => c[0]);
    } else {
      for (let i = 1; i < classes; i++) raw.push(quantileSorted(sorted, i / classes));
    }
  }
  // A class's lower bound is a data value above the previous bound, so ties never leave a class empty
  // and the top value is never merged into the bottom class.
  const thresholds: number[] = [];
  for (const t of raw) {
    const prev = thresholds.length ? thresholds[thresholds.length - 1] : min;
    const v = sorted.find((x) => x >= t && x > prev);
    if (v !== undefined) thresholds.push(niceBound(v, prev, sorted, kind));
  }
  return { thresholds, min, max, kind };
}

export type Scheme = 'YlOrRd' | 'Blues';
const SCHEMES: Record<Scheme, readonly (readonly string[])[]> = { YlOrRd: schemeYlOrRd, Blues: schemeBlues };

/** `n` colours (1..9) from a ColorBrewer sequential scheme, light to dark. */
export function schemeColours(scheme: Scheme, n: number): string[] {
  const s = SCHEMES[scheme];
  if (n <= 0) return [];
  if (n >= 3) return [...s[Math.min(n, 9)]];
  const three = s[3];
  return n === 1 ? [three[1]] : [three[0], three[2]];
}

export function classColours(classes: Classes, scheme: Scheme): string[] {
  return schemeColours(scheme, classes.thresholds.length + 1);
}

export interface LegendRow {
  colour: string;
  label: string;
}

/** One legend row per class, e.g. "0–12", "13–25" for counts or "1.2 – 3.4" for rates. */
export function legendRows(classes: Classes, colours: readonly string[]): LegendRow[] {
  const n = classes.thresholds.length + 1;
  const rows: LegendRow[] = [];
  for (let i = 0; i < n; i++) {
    const lo = i === 0 ? classes.min : classes.thresholds[i - 1];
    const last = i === n - 1;
    let label: string;
    if (classes.kind === 'count') {
      const hi = last ? classes.max : classes.thresholds[i] - 1;
      label = lo === hi ? formatCount(lo) : `${formatCount(lo)}–${formatCount(hi)}`;
    } else {
      const hi = last ? classes.max : classes.thresholds[i];
      label = lo === hi ? formatRate(lo) : `${formatRate(lo)} – ${last ? '' : '<'}${formatRate(hi)}`;
    }
    rows.push({ colour: colours[i], label });
  }
  return rows;
}

/** The class index of a value (the same rule as the step expression). */
export function classIndex(classes: Classes, v: number): number {
  let i = 0;
  while (i < classes.thresholds.length && v >= classes.thresholds[i]) i++;
  return i;
}

/** MapLibre `step` expression colouring `input` by class. */
export function stepColour(
  input: ExpressionSpecification,
  classes: Classes,
  colours: readonly string[],
): ExpressionSpecification | string {
  if (classes.thresholds.length === 0) return colours[0];
  const stops: (number | string)[] = [];
  classes.thresholds.forEach((t, i) => stops.push(t, colours[i + 1]));
  return ['step', input, colours[0], ...stops] as ExpressionSpecification;
}
