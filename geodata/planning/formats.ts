// Patrol boxes as files: CSV, GeoJSON, GPX 1.1 and a printable HTML briefing. Pure string builders.
// GPX is written here rather than with a library: the format needed (one waypoint per box centre and one
// closed track per box outline) is a few elements of the GPX 1.1 schema, and every text value is escaped.
import { toGpx } from '../journeys/gpx.js';
import { stringify } from 'csv-stringify/sync';
import type { FeatureCollection, Polygon } from 'geojson';
import type { CategorySetMeta } from '../../contract/definitions.js';
import type { PatrolBox } from '../../contract/planning.js';
import type { Peaks } from './patrol.js';

/** What the files need of a patrol plan (GET /api/planning/patrol's answer, contract/planning.ts). */
export interface PatrolPlanOut {
  boxes: PatrolBox[];
  meta: {
    from: string;
    to: string;
    scheme: { name: string; label: string };
    res: number;
    min_separation_m: number;
    box: string;
    dosage_rule: string;
    distance_note: string;
    generated_at: string;
    /** The partnership's definition, when the plan used the category set (issue 18). */
    category_set?: CategorySetMeta;
  };
}

/** The category set a plan used, in one line (null: none). */
export const categorySetText = (s: CategorySetMeta | undefined) =>
  s ? `Categories: ${s.token} "${s.label}" version ${s.version}: ${s.applied}${s.not_applied ? `; ${s.not_applied}` : ''}` : null;

const esc = (s: unknown) =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

/** "P1 — Parkside Avenue, Rushey Green" (the box id alone when it has no place name). */
export const boxTitle = (b: PatrolBox) => (b.place?.name ? `${b.id} — ${b.place.name}` : b.id);

const peakText = (p: Peaks) =>
  [
    p.days ? `days: ${p.days.map((d) => `${d.day} (${d.count})`).join(', ')}` : null,
    p.hours ? `hours: ${p.hours.map((h) => `${String(h.hour).padStart(2, '0')}:00 (${h.count})`).join(', ')}` : null,
  ]
    .filter(Boolean)
    .join('; ') || `month precision only; busiest months ${p.months.map((m) => m.month).join(', ')}`;

export function patrolCsv(plan: PatrolPlanOut): string {
  const cols = [
    'id',
    'name',
    'name_basis',
    'rank',
    'lon',
    'lat',
    'easting',
    'northing',
    'size_m',
    'harm',
    'incidents',
    'ward_code',
    'ward_name',
    'peak_precision',
    'peaks',
    'patrol_window',
    'visits',
  ];
  const rows = plan.boxes.map((b) => [
    b.id,
    b.place?.name ?? '',
    b.place?.basis ?? '',
    b.rank,
    b.centre.lon,
    b.centre.lat,
    b.easting,
    b.northing,
    b.size_m,
    b.harm,
    b.count,
    b.ward_code,
    b.ward_name,
    b.peaks.precision,
    peakText(b.peaks),
    b.dosage.window,
    b.dosage.visits.map((v) => `${v.start}-${v.end}`).join(' '),
  ]);
  return stringify(rows, { header: true, columns: cols });
}

export function patrolGeoJson(plan: PatrolPlanOut): FeatureCollection<Polygon> & { category_set?: CategorySetMeta } {
  return {
    type: 'FeatureCollection',
    ...(plan.meta.category_set ? { category_set: plan.meta.category_set } : {}),
    features: plan.boxes.map((b) => ({
      type: 'Feature',
      id: b.id,
      properties: {
        id: b.id,
        name: b.place?.name ?? null,
        place: b.place ?? null,
        rank: b.rank,
        harm: b.harm,
        incidents: b.count,
        ward_code: b.ward_code,
        ward_name: b.ward_name,
        centre: b.centre,
        peaks: b.peaks,
        dosage: b.dosage,
      },
      geometry: b.polygon,
    })),
  };
}

/** GPX 1.1 for officers' devices: each box's centre as a waypoint and its outline as a closed track (first
 *  point repeated last), both named "P1 — <street>, <ward>" (the writer shared with school-route exports). */
export function patrolGpx(plan: PatrolPlanOut): string {
  return toGpx({
    name: `Patrol boxes ${plan.meta.from} to ${plan.meta.to}`,
    ...(plan.meta.category_set ? { description: categorySetText(plan.meta.category_set)! } : {}),
    time: plan.meta.generated_at,
    waypoints: plan.boxes.map((b) => ({
      position: [b.centre.lon, b.centre.lat],
      name: boxTitle(b),
      description: `Rank ${b.rank}; ${b.count} incidents; harm ${b.harm}; ${peakText(b.peaks)}`,
    })),
    tracks: plan.boxes.map((b) => ({
      name: `${boxTitle(b)} (box)`,
      description: `${b.size_m} m patrol box${b.place?.name ? ` around ${b.place.name}` : ''}; outline closed`,
      coordinates: closedRing(b.polygon.coordinates[0] as [number, number][]),
    })),
  });
}

/** The ring with its first point repeated last (a closed outline), as given when already closed. */
function closedRing(r: [number, number][]): [number, number][] {
  if (r.length === 0) return r;
  const [a, z] = [r[0], r[r.length - 1]];
  return a[0] === z[0] && a[1] === z[1] ? r : [...r, a];
}

/** A self-contained printable page (inline CSS, no scripts, no external resources). */
export function patrolBriefingHtml(
  plan: PatrolPlanOut,
  opts: { purpose: string; recipient: string; preparedBy: string },
): string {
  const m = plan.meta;
  const rows = plan.boxes
    .map(
      (b) => `<section class="box">
  <h2>${esc(boxTitle(b))} — rank ${b.rank}${!b.place?.name && b.ward_name ? `, ${esc(b.ward_name)}` : ''}</h2>
  <table>
    <tr><th>Centre</th><td>${b.centre.lat.toFixed(5)}, ${b.centre.lon.toFixed(5)} (grid ${b.easting} E, ${b.northing} N)</td></tr>
    <tr><th>Box</th><td>${b.size_m} m square on the national grid</td></tr>
    <tr><th>Incidents / harm</th><td>${b.count} / ${esc(b.harm)} (${esc(m.scheme.label)})</td></tr>
    <tr><th>Peak times</th><td>${esc(peakText(b.peaks))}<br><small>${esc(b.peaks.note)}</small></td></tr>
    <tr><th>Patrol window</th><td>${esc(b.dosage.window)} (${esc(b.dosage.window_source)})</td></tr>
    <tr><th>Visits (15 min)</th><td>${b.dosage.visits.map((v) => `${esc(v.start)}–${esc(v.end)}`).join(', ') || '—'}</td></tr>
  </table>
</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>Patrol briefing ${esc(m.from)} to ${esc(m.to)}</title>
<style>
  body { font: 11pt/1.4 system-ui, sans-serif; margin: 1.5cm; color: #111; }
  h1 { font-size: 16pt; margin: 0 0 .3em; } h2 { font-size: 12pt; margin: 0 0 .3em; }
  .meta, .rule { font-size: 9.5pt; color: #333; }
  .box { border: 1px solid #999; padding: .5em .8em; margin: .8em 0; page-break-inside: avoid; }
  table { border-collapse: collapse; width: 100%; } th { text-align: left; width: 10em; vertical-align: top; padding-right: 1em; }
  .marking { font-weight: bold; text-transform: uppercase; letter-spacing: .05em; }
  @media print { body { margin: 1cm; } }
</style>
</head>
<body>
<p class="marking">Official-Sensitive: for the stated purpose only</p>
<h1>Patrol briefing: ${plan.boxes.length} box${plan.boxes.length === 1 ? '' : 'es'}</h1>
<p class="meta">Data ${esc(m.from)} to ${esc(m.to)} (to exclusive); harm scheme ${esc(m.scheme.label)}; boxes over significant Gi* hotspots (H3 res ${m.res}, FDR-corrected, hot 95 %/99 %), at least ${m.min_separation_m} m apart (straight line).
Prepared by ${esc(opts.preparedBy)} for ${esc(opts.recipient)}: ${esc(opts.purpose)}. Generated ${esc(m.generated_at)}.</p>
${m.category_set ? `<p class="meta">${esc(categorySetText(m.category_set))}</p>\n` : ''}<p class="rule">${esc(m.box)} ${esc(m.dosage_rule)}</p>
${rows}
<p class="meta">Contains public sector information licensed under the Open Government Licence v3.0. Crime data: data.police.uk.</p>
</body>
</html>
`;
}
