// The ONS cell key method (as used for Census 2021 outputs; issue 15): every count a partner receives is
// perturbed by a published table, so that differencing two overlapping counts no longer reveals a small one.
//
// - Each incident holds a fixed random record key 0..N-1 (migration 017, drawn once at import from a
//   strong random source; never derived from anything a partner can know).
// - A cell (any count of a set of incidents: an area in a window, an H3 cell, a month, a total) has the
//   cell key = (sum of its incidents' record keys) mod N. The same set of incidents always has the same key,
//   so the same cell always gets the same answer, however it is asked for; two cells that differ by a few
//   incidents have unrelated keys, so their perturbations are independent.
// - The perturbation is ptable[row(c)][cell key], added to the true count c.
//
// The table (PTABLE_NAME), its rule and seed:
// - c = 0: perturbation 0 for every key (an empty cell stays 0; nothing is invented).
// - c = 1: values {-1, 0, +1, +2} in multiplicities {104, 74, 52, 26} of 256 — mean exactly 0, never below 0.
// - c ≥ 2: values {-2, -1, 0, +1, +2} in multiplicities {26, 52, 100, 52, 26} — mean exactly 0, |p| ≤ 2,
//   never negative (c + p ≥ 0).
// - Each row is that multiset shuffled (Fisher–Yates) by the PRNG mulberry32 seeded with PTABLE_SEED + row,
//   so each row is an independent arrangement and the whole table repeats from the seed. Rows 0..ROWS-1
//   are tabulated; a count c ≥ ROWS uses row 2 + ((c - 2) mod (ROWS - 2)), cycling through the c ≥ 2 rows.
// The perturbed count is then suppressed below the threshold as before (api/auth/disclosure.ts).
// Residual risk and measured attack rates: docs/DISCLOSURE.md.
import { mulberry32 } from '../synthetic.js';

/** N: record keys and cell keys run 0..N-1 (256, as in the ONS method). */
export const CELL_KEY_MODULUS = 256;
export const PTABLE_NAME = 'saferplaces-ck256-d2-v1';
export const PTABLE_SEED = 150_2026;
/** Rows tabulated (counts 0..ROWS-1); larger counts cycle through rows 2..ROWS-1. */
export const PTABLE_ROWS = 32;
/** Largest perturbation in either direction. */
export const MAX_PERTURBATION = 2;

/** Multiplicities of each perturbation value in a row of N entries (value → how many keys get it). */
export const ROW_ONE: ReadonlyArray<readonly [number, number]> = [
  [-1, 104],
  [0, 74],
  [1, 52],
  [2, 26],
];
export const ROW_MANY: ReadonlyArray<readonly [number, number]> = [
  [-2, 26],
  [-1, 52],
  [0, 100],
  [1, 52],
  [2, 26],
];

function buildRow(c: number): Int8Array {
  const row = new Int8Array(CELL_KEY_MODULUS);
  if (c === 0) return row;
  const spec = c === 1 ? ROW_ONE : ROW_MANY;
  let i = 0;
  for (const [v, n] of spec) for (let k = 0; k < n; k++) row[i++] = v;
  const rand = mulberry32(PTABLE_SEED + c);
  for (let j = row.length - 1; j > 0; j--) {
    const r = Math.floor(rand() * (j + 1));
    [row[j], row[r]] = [row[r], row[j]];
  }
  return row;
}

/** Builds the table from its rule and seed (a fresh copy each call). */
export const buildPtable = (): Int8Array[] => Array.from({ length: PTABLE_ROWS }, (_, c) => buildRow(c));

/** The published table: PTABLE[row][cell key] = perturbation. */
export const PTABLE: ReadonlyArray<Int8Array> = buildPtable();

/** The table row a count uses. */
export function ptableRow(count: number): number {
  if (count < PTABLE_ROWS) return count;
  return 2 + ((count - 2) % (PTABLE_ROWS - 2));
}

/** The perturbation of a count with this cell key. */
export function perturbation(count: number, cellKey: number): number {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer (got ${count})`);
  if (!Number.isInteger(cellKey) || cellKey < 0 || cellKey >= CELL_KEY_MODULUS)
    throw new RangeError(`cell key must be an integer 0..${CELL_KEY_MODULUS - 1} (got ${cellKey})`);
  return PTABLE[ptableRow(count)][cellKey];
}

/** The perturbed count: count + perturbation (never negative; 0 stays 0). */
export const perturbCount = (count: number, cellKey: number) => count + perturbation(count, cellKey);

/** The cell key of a set of record keys (what SQL computes as `sum(record_key) % 256`). */
export const cellKeyOf = (recordKeys: Iterable<number>) => {
  let s = 0;
  for (const k of recordKeys) s = (s + k) % CELL_KEY_MODULUS;
  return s;
};

/**
 * The chance that two independent cells of the same true count get the same perturbation: the rate at
 * which a difference of two perturbed counts equals the true difference by luck (the design's allowance
 * for the differencing attacks; sum over values of (share of keys)²).
 */
export function equalPerturbationChance(count: number): number {
  const row = PTABLE[ptableRow(count)];
  const freq = new Map<number, number>();
  for (const v of row) freq.set(v, (freq.get(v) ?? 0) + 1);
  let s = 0;
  for (const n of freq.values()) s += (n / CELL_KEY_MODULUS) ** 2;
  return s;
}

/** A fingerprint of the table (FNV-1a over its bytes), published with its name so a reader can check it. */
export function ptableFingerprint(table: ReadonlyArray<Int8Array> = PTABLE): string {
  let h = 0x811c9dc5;
  for (const row of table)
    for (const v of row) {
      h ^= v & 0xff;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
  return h.toString(16).padStart(8, '0');
}

/** The sentence partners' answers carry in `meta`/`disclosure`. */
export const cellKeyStatement = (min: number) =>
  `counts perturbed by the ONS cell key method, ptable ${PTABLE_NAME}; small counts suppressed below ${min}`;
