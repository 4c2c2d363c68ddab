// Crime categories. police.uk publishes 14 crime types: street CSVs use labels
// ("Violence and sexual offences"), the API uses slugs ("violent-crime"). We store the slug.
export const POLICE_UK_CATEGORIES: ReadonlyArray<{ slug: string; label: string }> = [
  { slug: 'anti-social-behaviour', label: 'Anti-social behaviour' },
  { slug: 'bicycle-theft', label: 'Bicycle theft' },
  { slug: 'burglary', label: 'Burglary' },
  { slug: 'criminal-damage-arson', label: 'Criminal damage and arson' },
  { slug: 'drugs', label: 'Drugs' },
  { slug: 'other-theft', label: 'Other theft' },
  { slug: 'possession-of-weapons', label: 'Possession of weapons' },
  { slug: 'public-order', label: 'Public order' },
  { slug: 'robbery', label: 'Robbery' },
  { slug: 'shoplifting', label: 'Shoplifting' },
  { slug: 'theft-from-the-person', label: 'Theft from the person' },
  { slug: 'vehicle-crime', label: 'Vehicle crime' },
  { slug: 'violent-crime', label: 'Violence and sexual offences' },
  { slug: 'other-crime', label: 'Other crime' },
];

const byLabel = new Map(POLICE_UK_CATEGORIES.map((c) => [c.label.toLowerCase(), c.slug]));
const bySlug = new Set(POLICE_UK_CATEGORIES.map((c) => c.slug));
// Older police.uk API slugs that were merged into today's categories.
const LEGACY: Record<string, string> = {
  'violence-and-sexual-offences': 'violent-crime',
  'public-disorder-weapons': 'public-order',
};

export function slugify(label: string): string {
  return label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
}

export interface CategoryMatch {
  slug: string;
  label: string;
  custom: boolean;
}

/** Map a category as found in a file (label or slug) to our slug; unknown ones become custom slugs. */
export function matchCategory(raw: string): CategoryMatch | undefined {
  const v = raw.trim();
  if (!v) return undefined;
  const lower = v.toLowerCase();
  const known = byLabel.get(lower) ?? (bySlug.has(lower) ? lower : LEGACY[lower]);
  if (known) return { slug: known, label: POLICE_UK_CATEGORIES.find((c) => c.slug === known)!.label, custom: false };
  const slug = slugify(v);
  if (!slug) return undefined;
  return { slug, label: v.slice(0, 120), custom: true };
}
