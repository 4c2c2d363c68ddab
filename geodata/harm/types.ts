// The shape of a harm scheme and of the offence mix its category weights come from (schemes.ts builds
// shipped ones, parse-csv.ts and user-schemes.ts users' own).

/** What a scheme says about its mix (stored with it; `counts` are the code → count pairs). */
export interface MixInfo {
  name: string;
  source: string;
  total: number;
  counts: Record<string, number>;
}

export interface HarmScheme {
  name: string;
  label: string;
  version: string;
  source: string;
  /** Category slug → weight (>= 0). Categories left out have no weight (0, reported as unweighted). */
  weights: Record<string, number>;
  /** Normalised Home Office offence code → weight: incidents carrying one of these codes weigh by it. */
  codeWeights?: Record<string, number> | null;
  /** The offence mix the category weights were derived from (null: none; see categoryNotes). */
  mix?: MixInfo | null;
  /** Per category: how its weight was derived from the codes, or why it has none. */
  categoryNotes?: Record<string, string> | null;
  /** For a derived (not primary) table: what it was derived from. */
  derived?: string | null;
}
