// An import's summary in words (issue 13): each fact the importer records, said as a sentence part
// ("Areas: 175 new, 0 removed"), never a raw key ("wards loaded true", "area km2").
import { formatCount } from '../../lib/format';

type Details = Record<string, unknown>;

const CRS_WORDS: Record<string, string> = {
  'EPSG:4326': 'longitude/latitude (WGS84)',
  'EPSG:27700': 'British National Grid, converted to longitude/latitude',
};

const num = (v: unknown) => (typeof v === 'number' ? formatCount(v) : null);
const str = (v: unknown) => (typeof v === 'string' && v ? v : null);
const plural = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;

function boundaryFacts(d: Details): [string, string][] {
  const out: [string, string][] = [];
  if (str(d.level)) out.push(['Area level', `${str(d.label) ?? d.level} (${d.level})`]);
  const parts = (['added', 'changed', 'unchanged', 'removed'] as const)
    .filter((k) => typeof d[k] === 'number')
    .map((k) => `${num(d[k])} ${{ added: 'new', changed: 'changed', unchanged: 'unchanged', removed: 'removed' }[k]}`);
  if (parts.length) out.push(['Areas', parts.join(', ')]);
  if (str(d.codeField))
    out.push([
      'Codes and names',
      `codes from the ${d.codeField} property${str(d.nameField) && d.nameField !== d.codeField ? `, names from ${d.nameField}` : ''}`,
    ]);
  if (str(d.crs)) out.push(['Coordinates', CRS_WORDS[d.crs as string] ?? String(d.crs)]);
  if (typeof d.areaKm2 === 'number')
    out.push(['Area covered', `${d.areaKm2.toLocaleString('en-GB', { maximumFractionDigits: 2 })} km²`]);
  if (typeof d.incidentsReassigned === 'number')
    out.push(['Incidents re-assigned to these areas', formatCount(d.incidentsReassigned)]);
  return out;
}

function populationFacts(d: Details): [string, string][] {
  const out: [string, string][] = [];
  if (str(d.level)) out.push(['Area level', String(d.level)]);
  if (typeof d.total === 'number') out.push(['Total population', formatCount(d.total)]);
  if (typeof d.codesMatchingLoadedAreas === 'number')
    out.push(['Codes matching loaded areas', formatCount(d.codesMatchingLoadedAreas)]);
  return out;
}

function incidentFacts(d: Details): [string, string][] {
  const out: [string, string][] = [];
  if (str(d.dataset)) out.push(['Dataset', String(d.dataset)]);
  if (Array.isArray(d.categories) && d.categories.length) out.push(['Categories', d.categories.join(', ')]);
  if (typeof d.wardsLoaded === 'boolean') {
    out.push([
      'Wards',
      d.wardsLoaded
        ? 'incidents assigned to the loaded wards'
        : 'no ward boundaries loaded yet: incidents are assigned when they are',
    ]);
  }
  const rep = d.repeatedSourceIds as { ids?: number; rows?: number } | undefined;
  if (rep?.ids)
    out.push([
      'Repeated crime ids',
      `${plural(rep.ids, 'id')} on more than one row (${plural(rep.rows ?? 0, 'row')}); each row is counted as a separate offence`,
    ]);
  return out;
}

const KNOWN = new Set([
  'sha256',
  'coverage',
  'level',
  'label',
  'added',
  'changed',
  'unchanged',
  'removed',
  'codeField',
  'nameField',
  'crs',
  'areaKm2',
  'incidentsReassigned',
  'total',
  'codesMatchingLoadedAreas',
  'dataset',
  'categories',
  'wardsLoaded',
  'repeatedSourceIds',
  'rejectsByReason',
  'note',
  'source',
]);

/** The facts of an import's summary, labelled in words, for the summary list. */
export function summaryFacts(kind: string | null, summary: unknown): [string, string][] {
  if (!summary || typeof summary !== 'object') return [];
  const d = ((summary as Details).details ?? summary) as Details;
  if (!d || typeof d !== 'object') return [];
  const out =
    kind === 'boundaries'
      ? boundaryFacts(d)
      : kind === 'population'
        ? populationFacts(d)
        : kind === 'police_uk_street' || kind === 'incidents_csv'
          ? incidentFacts(d)
          : [];
  if (kind === 'boundaries' || kind === 'population')
    out.push(['Source', str(d.source) ?? 'not stated (give one so the map can credit it)']);
  if (str(d.note)) out.push(['Note', String(d.note)]);
  // Anything else the importer recorded (sites: accepted, study area...), labelled from its name.
  for (const [k, v] of Object.entries(d)) {
    if (KNOWN.has(k) || !['string', 'number', 'boolean'].includes(typeof v)) continue;
    const label = k
      .replace(/_/g, ' ')
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toLowerCase();
    out.push([
      label.charAt(0).toUpperCase() + label.slice(1),
      typeof v === 'number' ? formatCount(v) : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v),
    ]);
  }
  return out.slice(0, 14);
}
