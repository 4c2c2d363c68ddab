// Patrol boxes: N boxes over the highest-harm significant hotspots, at least a distance apart, with peak
// days/hours where the data's time precision allows (police.uk: month only, said so), and the Koper
// dosage plan (about 15-minute visits at irregular intervals). Export as CSV, GeoJSON, GPX or a printable
// briefing, each stating purpose and recipient (audited). A shown plan is re-run with the same settings
// when new incidents arrive.
import { useEffect, useState } from 'react';
import * as contract from '../../../../contract/planning';
import type { PatrolFormat } from '../../../../contract/planning';
import { downloadFile, errorMessage } from '../../api/client';
import { routeUrl } from '../../api/call';
import { ExportDialog } from '../../components/ExportDialog';
import { patrolFeatures, peaksText } from '../../map/prepare/planning';
import type { PlanningMapController } from './PlanningMapController';
import { windowParams, type WindowState } from './AnalysisWindow';
import { useRun } from './use-run';
import { ResultStatement } from '../../components/DefinitionNote';

const FORMAT_LABELS: Record<PatrolFormat, string> = {
  html: 'Printable briefing (HTML)',
  csv: 'CSV',
  geojson: 'GeoJSON',
  gpx: 'GPX (for GPS devices)',
};
const FORMATS = (['html', 'csv', 'geojson', 'gpx'] as const satisfies readonly PatrolFormat[]).map((value) => ({
  value,
  label: FORMAT_LABELS[value],
}));

export function PatrolPanel({
  controller,
  win,
  onRan,
}: {
  controller: PlanningMapController | null;
  win: WindowState;
  onRan: (w: { from: string; to: string }) => void;
}) {
  const [form, setForm] = useState({ n: 10, size: 150, separation: 500, shift_start: '16:00', shift_hours: 8 });
  const [exporting, setExporting] = useState(false);
  const { result, input, run: runWith } = useRun(contract.patrol, controller);
  const data = result.data ?? null;
  // The plan shown and the query it was run with (the export sends the same strings as filters).
  const plan = data && input ? { query: input.query, plan: data } : null;

  useEffect(() => controller?.setPatrol(data ? patrolFeatures(data) : null), [controller, data]);
  useEffect(() => {
    if (data) onRan(data.meta);
  }, [data, onRan]);

  const run = (e: React.FormEvent) => {
    e.preventDefault();
    const { n, size, separation, shift_start, shift_hours } = form;
    runWith({
      query: {
        ...windowParams(win),
        n: String(n),
        size: String(size),
        separation: String(separation),
        shift_start,
        shift_hours: String(shift_hours),
      },
    });
  };
  const num = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setForm({ ...form, [k]: k === 'shift_start' ? e.target.value : Number(e.target.value) });

  const meta = plan?.plan.meta;
  return (
    <div className="plan-tab" data-testid="patrol-panel">
      <form className="plan-form" onSubmit={run}>
        <div className="field-row">
          <label className="field field-narrow">
            <span>Boxes</span>
            <input type="number" min={1} max={50} required value={form.n} onChange={num('n')} data-testid="patrol-n" />
          </label>
          <label className="field field-narrow">
            <span>Size (m)</span>
            <input type="number" min={50} max={500} required value={form.size} onChange={num('size')} data-testid="patrol-size" />
          </label>
          <label className="field field-narrow">
            <span>Apart (m)</span>
            <input
              type="number"
              min={0}
              max={10000}
              required
              value={form.separation}
              onChange={num('separation')}
              data-testid="patrol-separation"
            />
          </label>
        </div>
        <div className="field-row">
          <label className="field">
            <span>Shift starts</span>
            <input type="time" required value={form.shift_start} onChange={num('shift_start')} />
          </label>
          <label className="field field-narrow">
            <span>Shift hours</span>
            <input type="number" min={1} max={12} required value={form.shift_hours} onChange={num('shift_hours')} />
          </label>
        </div>
        <p className="hint">The shift is used for the visit plan where the data give no peak hours.</p>
        <div className="button-row">
          <button type="submit" className="primary" disabled={result.isFetching} data-testid="patrol-run">
            {result.isFetching ? 'Working…' : 'Propose boxes'}
          </button>
          <button type="button" disabled={!plan} onClick={() => setExporting(true)} data-testid="patrol-export">
            Export…
          </button>
        </div>
        {result.error && (
          <p className="error-text" role="alert">
            {errorMessage(result.error)}
          </p>
        )}
      </form>
      {plan && meta && (
        <div className="plan-results" data-testid="patrol-results">
          <p>
            <strong data-testid="patrol-count">{meta.n_found}</strong> box{meta.n_found === 1 ? '' : 'es'} ({meta.from} –{' '}
            {meta.to}, {meta.scheme.label}).
          </p>
          {meta.shortfall && <p className="note">{meta.shortfall}.</p>}
          <ResultStatement scheme={meta.scheme} set={meta.category_set} testid="patrol-statement" />
          <p className="hint">{meta.box}</p>
          <ol className="patrol-list" data-testid="patrol-boxes">
            {plan.plan.boxes.map((b) => (
              <li key={b.id} data-testid="patrol-box">
                <button
                  type="button"
                  className="link-button"
                  onClick={() =>
                    controller?.fitBounds(
                      [b.centre.lon - 0.003, b.centre.lat - 0.002, b.centre.lon + 0.003, b.centre.lat + 0.002],
                      true,
                    )
                  }
                >
                  Box {b.rank}
                  {b.place?.name ? ` — ${b.place.name}` : ''}
                </button>{' '}
                {b.place?.name ? '' : `${b.ward_name ?? 'outside the wards'} · `}harm {b.harm} · {b.count} incidents
                <div className="hint">
                  {b.peaks.precision === 'month' ? b.peaks.note : `Peaks — ${peaksText(b.peaks)}. ${b.peaks.note}`}
                </div>
                <div className="dosage">
                  Visits ({b.dosage.window}, {b.dosage.window_source}):{' '}
                  {b.dosage.visits.map((v) => `${v.start}–${v.end}`).join(', ')}
                </div>
              </li>
            ))}
          </ol>
          <h4 className="panel-title">Dosage (Koper curve)</h4>
          <p className="hint" data-testid="patrol-dosage-rule">
            {meta.dosage_rule}
          </p>
          <p className="hint">{meta.distance_note}</p>
        </div>
      )}
      {exporting && plan && (
        <ExportDialog
          title="Export patrol boxes"
          description={`${plan.plan.boxes.length} patrol boxes for ${plan.plan.meta.from} – ${plan.plan.meta.to}, with peak times and the visit plan.`}
          formats={FORMATS}
          onExport={(stated, format) =>
            downloadFile(routeUrl(contract.patrolExport), { ...stated, format, filters: plan.query }, `patrol-boxes.${format}`)
          }
          onClose={() => setExporting(false)}
        />
      )}
    </div>
  );
}
