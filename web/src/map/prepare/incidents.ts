// What an incident popup says, including how precise the time and place are.
import {
  decodeIncidents,
  type IncidentCollection,
  type IncidentColumns,
  type IncidentProperties,
} from '../../../../contract/aggregates';
import { monthLabel } from '../../lib/months';

export interface PopupContent {
  title: string;
  rows: { label: string; value: string }[];
  notes: string[];
}

const dayFmt = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'Europe/London' });
const minuteFmt = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/London',
});

export function incidentWhen(p: Pick<IncidentProperties, 'occurred_at' | 'time_precision'>): string {
  const d = new Date(p.occurred_at);
  if (p.time_precision === 'month' || Number.isNaN(d.getTime())) return monthLabel(String(p.occurred_at).slice(0, 7));
  return p.time_precision === 'day' ? dayFmt.format(d) : minuteFmt.format(d);
}

export function incidentPopup(p: IncidentProperties): PopupContent {
  const rows: { label: string; value: string }[] = [];
  const notes: string[] = [];
  rows.push({ label: p.time_precision === 'month' ? 'Month' : 'When', value: incidentWhen(p) });
  if (p.location_text) rows.push({ label: 'Location', value: p.location_text });
  if (p.outcome) rows.push({ label: 'Outcome', value: p.outcome });
  if (p.age_band) rows.push({ label: 'Age band', value: p.age_band });
  if (p.time_precision === 'month') notes.push('Month only — the day and time are not published.');
  else if (p.time_precision === 'day') notes.push('Date only — no time of day.');
  if (p.location_precision === 'snapped') notes.push('Location snapped to nearby street point (police.uk anonymisation).');
  else notes.push('Exact location as recorded.');
  return { title: p.category_label || p.category, rows, notes };
}

/** GET /incidents' columns → the GeoJSON the point layer and its popups read. */
export function incidentsToFeatureCollection(cols: IncidentColumns): IncidentCollection {
  return decodeIncidents(cols);
}
