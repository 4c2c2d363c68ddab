// Open data (issue 17): start a place from ONS, Nomis and police.uk, and follow the fetch.
import { getJson, sendJson } from './client';

export interface OpenDataStep {
  step: string;
  status: 'done' | 'empty' | 'failed';
  batch_id: number | null;
  provenance: { source?: string; fetched_at?: string; request_count?: number; requests?: Array<{ url: string; method: string }> } | null;
  detail: Record<string, unknown> | null;
}

export interface OpenDataRun {
  id: number;
  label: string;
  status: 'running' | 'done' | 'incomplete';
  last_error: { code: string; message: string; step: string } | null;
  live: { step: string; done: number; total: number; status: string } | null;
  steps: OpenDataStep[];
  notes: Array<{ from: string; to: string | null; note: string }>;
}

/** "Lewisham" / "E09000023" / "West Lindsey, Lincoln": codes when every entry is a code, else names. */
export function fetchRequest(place: string, months: number) {
  const parts = place.split(',').map((s) => s.trim()).filter(Boolean);
  const codes = parts.every((p) => /^[EW]\d{8}$/i.test(p));
  if (codes && parts.length === 1 && /^E23/i.test(parts[0])) return { force_area: parts[0].toUpperCase(), months };
  return codes ? { lads: parts.map((p) => p.toUpperCase()), months } : { names: parts, months };
}

export const startOpenData = (place: string, months: number) => sendJson<{ id: number; lads: string[] }>('POST', '/api/opendata/fetch', fetchRequest(place, months));
export const openDataRun = (id: number, signal?: AbortSignal) => getJson<OpenDataRun>(`/api/opendata/runs/${id}`, signal);
