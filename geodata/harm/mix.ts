// Category weights from offence-code weights and an offence mix.
//
// A police.uk category bundles many Home Office offence codes. Its weight under a mix (offence code →
// count, e.g. a Community Safety Partnership's police recorded crime for a year) is the offence-count-
// weighted mean of its codes' weights: Σ count_c × weight_c / Σ count_c over the codes of the category.
// Without a mix (or when the mix holds none of a category's codes) a category weighs only when all its
// codes carry the same weight (then every mix gives that weight); otherwise its composition is unknown
// and it gets no weight — never an invented one.
//
// How to call:
//   const mix = parseMixCsv(text);                               // { counts: { '8N': 1200, … } } or throws SchemeCsvError
//   const { weights, notes } = categoryWeights(onsCodeRows(), { name, source, counts: mix.counts });
import { POLICE_UK_CATEGORIES } from '../categories.js';
import { readCodeCsv } from './parse-csv.js';
import type { MixInfo } from './types.js';

export type { MixInfo } from './types.js';

export interface CodeRow {
  code: string;
  weight: number;
  /** police.uk category slug the code falls under (null: none known). */
  category: string | null;
}

export interface CategoryWeights {
  weights: Record<string, number>;
  notes: Record<string, string>;
}

const fmt = (n: number) => String(Math.round(n * 10_000) / 10_000);

export function categoryWeights(codes: readonly CodeRow[], mix: Pick<MixInfo, 'name' | 'counts'> | null): CategoryWeights {
  const weights: Record<string, number> = {};
  const notes: Record<string, string> = {};
  for (const { slug } of POLICE_UK_CATEGORIES) {
    const own = codes.filter((c) => c.category === slug);
    if (!own.length) {
      notes[slug] =
        slug === 'anti-social-behaviour'
          ? 'no weight: anti-social behaviour is not a notifiable offence'
          : 'no weight: no offence code of the table falls under this category';
      continue;
    }
    const n = mix ? own.reduce((s, c) => s + (mix.counts[c.code] ?? 0), 0) : 0;
    if (mix && n > 0) {
      weights[slug] = own.reduce((s, c) => s + (mix.counts[c.code] ?? 0) * c.weight, 0) / n;
      const used = own.filter((c) => (mix.counts[c.code] ?? 0) > 0).length;
      notes[slug] =
        `offence-count-weighted mean of the weights of ${used} of its ${own.length} codes under the offence mix "${mix.name}" (${n} offences)`;
      continue;
    }
    const first = own[0].weight;
    if (own.every((c) => c.weight === first)) {
      weights[slug] = first;
      notes[slug] =
        `all ${own.length} of its codes (${own.map((c) => c.code).join(', ')}) weigh ${fmt(first)}, so every offence mix gives this weight`;
    } else {
      const ws = own.map((c) => c.weight);
      notes[slug] =
        `no weight: composition unknown — its ${own.length} codes weigh ${fmt(Math.min(...ws))} to ${fmt(Math.max(...ws))} and ${mix ? `the offence mix "${mix.name}" has none of them` : 'no offence mix is loaded'}; load one (offence code → count) to weigh this category`;
    }
  }
  return { weights, notes };
}

/**
 * An offence mix as CSV: header `offence_code,count`, one row per code (codes normalised, e.g. 008N = 8N),
 * counts whole numbers ≥ 0. Codes not in `known` (when given) are listed in `unknown` with their line,
 * not refused: they simply weigh nothing.
 */
export function parseMixCsv(text: string, known?: ReadonlySet<string>) {
  const { values, unknown } = readCodeCsv(text, 'count', { integer: true, known });
  return { counts: values, total: Object.values(values).reduce((a, b) => a + b, 0), unknown };
}
