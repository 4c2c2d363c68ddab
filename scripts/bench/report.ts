// The readable table printed at the end of `npm run bench`.
import type { JsPhases } from './js-phases.js';
import type { DriverResult } from './run-driver.js';

const fmtInt = (n: number) => Math.round(n).toLocaleString('en-GB');
const fmtS = (n: number) => n.toFixed(2);

function table(head: string[], rows: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ');
  return [line(head), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n');
}

export function report(rows: number, js: JsPhases | undefined, drivers: DriverResult[]): string {
  const out: string[] = [];
  const main: string[][] = [];
  const cpu = (c: { process: number; server: number | null }) => [fmtS(c.process), c.server === null ? '-' : fmtS(c.server)];
  for (const d of drivers) {
    main.push([
      `${d.driver}: plain COPY (12 text cols)`,
      fmtInt(d.copy.rows),
      fmtS(d.copy.seconds),
      fmtInt(d.copy.rowsPerSec),
      '1.00',
      ...cpu(d.copy.cpu),
      `${d.copy.peakRssMB}`,
    ]);
    main.push([
      `${d.driver}: importFile`,
      fmtInt(d.import.rows),
      fmtS(d.import.seconds),
      fmtInt(d.import.rowsPerSec),
      d.ratio.toFixed(2),
      ...cpu(d.import.cpu),
      `${d.import.peakRssMB}`,
    ]);
    main.push([
      `${d.driver}: re-import (all duplicates)`,
      fmtInt(d.reimport.rows),
      fmtS(d.reimport.seconds),
      fmtInt(d.reimport.rowsPerSec),
      (d.reimport.rowsPerSec / d.copy.rowsPerSec).toFixed(2),
      ...cpu(d.reimport.cpu),
      `${d.reimport.peakRssMB}`,
    ]);
  }
  out.push(table(['measurement', 'rows', 's', 'rows/s', 'vs COPY', 'node CPU s', 'server CPU s', 'peak RSS MB'], main));
  out.push(
    "(vs COPY = rows/s ÷ the plain COPY's rows/s; CPU s = CPU seconds of this process / of the server backends; with PGlite the database runs in this process)",
  );

  const ph: string[][] = [];
  const phaseRow = (label: string, s: number, total: number) => [label, fmtS(s), `${Math.round((s / total) * 100)}%`];
  for (const d of drivers) {
    for (const [what, r] of [
      ['import', d.import],
      ['re-import', d.reimport],
    ] as const) {
      const p = r.phases;
      ph.push([`${d.driver} ${what} (total)`, fmtS(r.seconds), '100%']);
      ph.push(phaseRow('  JS (no database call in flight): read, parse, checks, H3, md5', p.js, r.seconds));
      ph.push(phaseRow('  COPY into staging table (JS parses meanwhile)', p.stageCopy, r.seconds));
      ph.push(phaseRow('  move: INSERT..SELECT (wards, dedup)', p.move, r.seconds));
      ph.push(phaseRow('  repeated-id count over staging', p.repeatedIds, r.seconds));
      ph.push(phaseRow('  BEGIN/COMMIT', p.commit, r.seconds));
      ph.push(phaseRow('  other SQL (batch rows, rejects...)', p.otherSql, r.seconds));
    }
  }
  out.push(
    '',
    'Where the import time goes (database time measured around each call; JS = wall time with no call in flight):',
    table(['phase', 's', 'share'], ph),
  );

  if (js) {
    out.push(
      '',
      `The importer's JS work alone, no database (${fmtInt(js.rows)} rows):`,
      table(
        ['pass', 's', 'rows/s'],
        [
          ['read + sha256 + parse (fast-records.ts)', fmtS(js.parseSeconds), fmtInt(js.rows / js.parseSeconds)],
          ['  + toIncident + md5 + staging lines (all JS)', fmtS(js.fullSeconds), fmtInt(js.fullRowsPerSec)],
          ['    of which toIncident (per-call timing)', fmtS(js.toIncidentSeconds), ''],
          ['    of which md5 of the natural key', fmtS(js.md5Seconds), ''],
          ['    of which staging-line formatting', fmtS(js.stageLineSeconds), ''],
          ['H3 computeCells per row, not memoised', fmtS(js.h3Seconds), fmtInt(js.rows / js.h3Seconds)],
        ],
      ),
    );
  }

  const q: string[][] = [];
  for (const d of drivers) {
    for (const [k, v] of Object.entries(d.queries)) q.push([`${d.driver}: ${k}`, fmtInt(v.ms), fmtInt(v.rows)]);
  }
  out.push(
    '',
    `Queries over the ${fmtInt(rows)} imported rows (wardLookup = the importer's ward subquery over every point; rows = points inside a ward):`,
    table(['query', 'ms', 'rows'], q),
  );

  for (const d of drivers) {
    out.push(
      '',
      `${d.driver}: ${d.server}; ${d.storage}; opened in ${d.openSeconds.toFixed(1)} s; ` +
        `${d.wards.areas} wards as ${d.wards.parts} parts (<= ${d.wards.maxPartPoints} points); incidents ${d.sizes.incidentsMB} MB ` +
        `(heap ${d.sizes.incidentsHeapMB} MB); peak RSS ${d.peakRssMB} MB; ratio import/COPY ${d.ratio.toFixed(2)} (target >= 0.5)`,
    );
  }
  return out.join('\n');
}
