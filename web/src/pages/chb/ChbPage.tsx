// The Clear-Hold-Build page: the list of CHB areas (each opens its printable dashboard, /chb?id=N) and,
// for analysts, a form to create one: the area from wards (click them on the map or pick in the list) or
// a drawn polygon, the control area from wards, phase dates, an optional baseline and the buffer width.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Polygon } from 'geojson';
import { api, errorMessage } from '../../api/client';
import { planningApi, type RegionSpec, type SiteGeometry } from '../../api/planning';
import type { AppConfig } from '../../api/types';
import { useUser } from '../../api/session-store';
import { canManageChb } from '../../lib/roles';
import { useApi } from '../../lib/use-api';
import { navigate, useView } from '../../state/view-store';
import { cycleWardPick, type WardPick } from '../../map/prepare/planning';
import { usePlanningMap } from '../planning/use-planning-map';
import { ChbDashboard } from './ChbDashboard';
import { chbUrl, parseChbId } from './chb-url';
import '../planning/planning.css';
import './chb.css';

function ChbCreate({ config, wards, onCreated }: { config: AppConfig; wards: Array<{ code: string; name: string }>; onCreated: (id: number) => void }) {
  const [picks, setPicks] = useState<Record<string, WardPick>>({});
  const [areaMode, setAreaMode] = useState<'wards' | 'drawn'>('wards');
  const [drawn, setDrawn] = useState<SiteGeometry | null>(null);
  const [form, setForm] = useState({ name: '', buffer_m: 500, clear_start: '', hold_start: '', build_start: '', build_end: '', baseline_from: '', baseline_to: '', notes: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const container = useRef<HTMLDivElement>(null);
  const { controller } = usePlanningMap(container, config, {
    onInterventionClick: () => undefined,
    onWardClick: (code) => {
      if (!code) return;
      setPicks((p) => {
        const next = { ...p };
        let v = cycleWardPick(p[code]);
        if (v === 'area' && areaMode === 'drawn') v = 'control';
        if (v) next[code] = v;
        else delete next[code];
        return next;
      });
    },
    onCamera: () => undefined,
    onDrawn: (g) => setDrawn(g),
  });

  const areaWards = useMemo(() => Object.keys(picks).filter((c) => picks[c] === 'area'), [picks]);
  const controlWards = useMemo(() => Object.keys(picks).filter((c) => picks[c] === 'control'), [picks]);
  useEffect(() => {
    controller?.setParams({
      wards: { showWardLabels: true, areaWards: areaMode === 'wards' ? areaWards : [], controlWards, showRegions: false },
      interventions: { visible: false, types: [], showEnded: false, selectedId: null, dimmed: false },
      outputs: { showGaps: false, showPatrol: false, showOutreach: false },
    });
  }, [controller, areaWards, controlWards, areaMode]);

  const setMode = (m: 'wards' | 'drawn') => {
    setAreaMode(m);
    setDrawn(null);
    if (m === 'drawn') controller?.startDrawing('polygon');
    else controller?.stopDrawing();
  };
  const field = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => setForm({ ...form, [k]: k === 'buffer_m' ? Number(e.target.value) : e.target.value });

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    const area: RegionSpec | null = areaMode === 'wards' ? (areaWards.length ? { wards: areaWards } : null) : drawn?.type === 'Polygon' ? { geometry: drawn as Polygon } : null;
    if (!area) return setError(areaMode === 'wards' ? 'Choose at least one ward for the area (click it on the map or pick it in the list).' : 'Draw the area on the map first.');
    if (!controlWards.length) return setError('Choose at least one ward for the control area.');
    setBusy(true);
    try {
      const created = await planningApi.createChb({
        name: form.name.trim(),
        area,
        control: { wards: controlWards },
        buffer_m: form.buffer_m,
        clear_start: form.clear_start,
        hold_start: form.hold_start,
        build_start: form.build_start,
        build_end: form.build_end,
        baseline: form.baseline_from && form.baseline_to ? { from: form.baseline_from, to: form.baseline_to } : null,
        notes: form.notes.trim() || null,
      });
      controller?.stopDrawing();
      onCreated(created.id);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="chb-create">
      <form className="plan-form" onSubmit={submit} data-testid="chb-form">
        <h3>New Clear-Hold-Build area</h3>
        <label className="field">
          <span>Name</span>
          <input required maxLength={200} value={form.name} onChange={field('name')} data-testid="chb-name" />
        </label>
        <fieldset className="field">
          <legend>Area</legend>
          <label>
            <input type="radio" checked={areaMode === 'wards'} onChange={() => setMode('wards')} /> From wards
          </label>
          <label>
            <input type="radio" checked={areaMode === 'drawn'} onChange={() => setMode('drawn')} data-testid="chb-draw" /> Draw a polygon on the map
          </label>
          {areaMode === 'drawn' && <p className="hint">{drawn ? 'Polygon drawn; drag its corners to adjust.' : 'Click the corners; click the first again to close.'}</p>}
        </fieldset>
        <p className="hint">Click a ward on the map: once = area (blue), twice = control (green), three times = neither. Or use the list.</p>
        <div className="ward-picks" data-testid="chb-wards">
          {wards.map((w) => (
            <label key={w.code} className="ward-pick">
              <span>{w.name}</span>
              <select
                value={picks[w.code] ?? ''}
                onChange={(e) => {
                  const v = e.target.value as WardPick | '';
                  setPicks((p) => {
                    const next = { ...p };
                    if (v) next[w.code] = v;
                    else delete next[w.code];
                    return next;
                  });
                }}
                data-testid="chb-ward-pick"
                data-code={w.code}
              >
                <option value="">—</option>
                {areaMode === 'wards' && <option value="area">area</option>}
                <option value="control">control</option>
              </select>
            </label>
          ))}
        </div>
        <div className="field-row">
          <label className="field">
            <span>Clear starts</span>
            <input type="date" required value={form.clear_start} onChange={field('clear_start')} data-testid="chb-clear" />
          </label>
          <label className="field">
            <span>Hold starts</span>
            <input type="date" required value={form.hold_start} onChange={field('hold_start')} data-testid="chb-hold" />
          </label>
        </div>
        <div className="field-row">
          <label className="field">
            <span>Build starts</span>
            <input type="date" required value={form.build_start} onChange={field('build_start')} data-testid="chb-build" />
          </label>
          <label className="field">
            <span>Build ends</span>
            <input type="date" required value={form.build_end} onChange={field('build_end')} data-testid="chb-end" />
          </label>
        </div>
        <div className="field-row">
          <label className="field">
            <span>Baseline from (optional)</span>
            <input type="date" value={form.baseline_from} onChange={field('baseline_from')} />
          </label>
          <label className="field">
            <span>Baseline to</span>
            <input type="date" value={form.baseline_to} onChange={field('baseline_to')} />
          </label>
        </div>
        <p className="hint">Without a baseline, each phase is compared with the window of the same length just before Clear.</p>
        <label className="field field-narrow">
          <span>Displacement buffer (m)</span>
          <input type="number" min={50} max={5000} required value={form.buffer_m} onChange={field('buffer_m')} data-testid="chb-buffer" />
        </label>
        <label className="field">
          <span>Notes</span>
          <textarea rows={2} maxLength={5000} value={form.notes} onChange={field('notes')} />
        </label>
        {error && (
          <p className="error-text" role="alert" data-testid="chb-error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy} data-testid="chb-create">
          {busy ? 'Creating…' : 'Create'}
        </button>
      </form>
      <div className="chb-create-map map-wrap">
        <div ref={container} className="map-container" data-testid="map" role="region" aria-label="Choose wards or draw the area" />
      </div>
    </div>
  );
}

export function ChbPage({ config }: { config: AppConfig }) {
  useView(); // re-render on navigation (the id is in the query)
  const id = parseChbId(window.location.search);
  const user = useUser();
  const manage = canManageChb(user);
  const [nonce, setNonce] = useState(0);
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const list = useApi((s) => planningApi.chbList(s), [nonce]);
  const areas = useApi((s) => api.areas('ward', s), []);
  const wards = useMemo(() => (areas.data?.features ?? []).map((f) => ({ code: f.properties.code, name: f.properties.name })).sort((a, b) => a.name.localeCompare(b.name)), [areas.data]);
  const wardNames = useMemo(() => new Map(wards.map((w) => [w.code, w.name])), [wards]);

  if (id !== null) return <ChbDashboard id={id} config={config} wardNames={wardNames} />;

  const remove = async (areaId: number, name: string) => {
    if (!window.confirm(`Delete the CHB area “${name}”?`)) return;
    try {
      await planningApi.deleteChb(areaId);
      setNonce((n) => n + 1);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <div className="chb-page" data-testid="chb-page">
      <section className="panel">
        <h2 className="panel-title">Clear-Hold-Build areas</h2>
        {list.error && <p className="error-text">{list.error}</p>}
        {error && <p className="error-text">{error}</p>}
        {list.data && list.data.areas.length === 0 && <p className="hint">No CHB areas yet.</p>}
        {list.data && list.data.areas.length > 0 && (
          <table className="plan-table" data-testid="chb-list">
            <thead>
              <tr>
                <th>Name</th>
                <th>Clear</th>
                <th>Hold</th>
                <th>Build</th>
                <th>Buffer</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.data.areas.map((a) => (
                <tr key={a.id} data-testid="chb-row">
                  <td>
                    <a
                      href={chbUrl(a.id)}
                      onClick={(e) => {
                        e.preventDefault();
                        navigate(chbUrl(a.id));
                      }}
                      data-testid="chb-open"
                    >
                      {a.name}
                    </a>
                  </td>
                  <td>{a.clear_start}</td>
                  <td>{a.hold_start}</td>
                  <td>
                    {a.build_start} – {a.build_end}
                  </td>
                  <td>{a.buffer_m} m</td>
                  <td>
                    {manage && (
                      <button type="button" className="link-button" onClick={() => void remove(a.id, a.name)}>
                        Delete
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {manage && !creating && (
          <button type="button" className="primary" onClick={() => setCreating(true)} data-testid="chb-new">
            New CHB area
          </button>
        )}
      </section>
      {manage && creating && <ChbCreate config={config} wards={wards} onCreated={(newId) => navigate(chbUrl(newId))} />}
    </div>
  );
}
