// The form that creates a CHB area (analysts): the area from wards (click them on the map or pick them in
// the list), from H3 cells clicked on the map, or drawn; the control area from wards or drawn; phase dates,
// an optional baseline and the buffer width. The map previews the area, the control and the buffer ring.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Polygon } from 'geojson';
import * as contract from '../../../../contract/planning';
import type { RegionSpec } from '../../../../contract/planning';
import { errorMessage } from '../../api/client';
import { useRouteMutation } from '../../api/query';
import type { AppConfig } from '../../../../contract/aggregates';
import type { WardPick } from '../../map/prepare/planning';
import { usePlanningMap } from '../planning/use-planning-map';
import { PngExport } from '../../components/PngExport';
import { MapNotices } from '../map/MapNotices';
import { ChbMapLegend } from './ChbMapLegend';
import { bufferRing, cellsGeometry, draftFeatures, PICK_RES_NOTE, toggleCell, unionOf, type Area } from './chb-draft';

type AreaMode = 'wards' | 'cells' | 'drawn';
type ControlMode = 'wards' | 'drawn';
type Target = 'area' | 'control';

export interface WardChoice {
  code: string;
  name: string;
  geometry: Area;
}

/** What a click on a ward does: none → area → control → none, skipping the regions not built from wards. */
function nextPick(cur: WardPick | undefined, allowed: readonly WardPick[]): WardPick | undefined {
  const cycle: Array<WardPick | undefined> = [undefined, 'area', 'control'];
  for (let i = cycle.indexOf(cur) + 1; i < cycle.indexOf(cur) + cycle.length; i++) {
    const v = cycle[i % cycle.length];
    if (v === undefined || allowed.includes(v)) return v;
  }
  return undefined;
}

function DrawControls({
  target,
  shape,
  drawing,
  onDraw,
  onDone,
}: {
  target: Target;
  shape: Polygon | null;
  drawing: Target | null;
  onDraw: () => void;
  onDone: () => void;
}) {
  const active = drawing === target;
  return (
    <div className="button-row">
      <span className="hint" data-testid={`chb-${target}-drawn`}>
        {active && !shape && 'Click the corners on the map; click the first corner again to close.'}
        {active && shape && 'Polygon drawn: drag its corners to adjust, then Done.'}
        {!active && shape && `Polygon drawn (${shape.coordinates[0].length - 1} corners).`}
        {!active && !shape && 'Not drawn yet.'}
      </span>
      {!active && (
        <button type="button" onClick={onDraw} data-testid={`chb-${target}-draw-start`}>
          {shape ? 'Redraw' : 'Draw'}
        </button>
      )}
      {active && shape && (
        <button type="button" onClick={onDone} data-testid={`chb-${target}-draw-done`}>
          Done
        </button>
      )}
    </div>
  );
}

export function ChbCreate({
  config,
  wards,
  onCreated,
}: {
  config: AppConfig;
  wards: WardChoice[];
  onCreated: (id: number) => void;
}) {
  const [picks, setPicks] = useState<Record<string, WardPick>>({});
  const [areaMode, setAreaModeState] = useState<AreaMode>('wards');
  const [controlMode, setControlModeState] = useState<ControlMode>('wards');
  const [cells, setCells] = useState<string[]>([]);
  const [shapes, setShapes] = useState<Record<Target, Polygon | null>>({ area: null, control: null });
  const [drawing, setDrawing] = useState<Target | null>(null);
  const [form, setForm] = useState({
    name: '',
    buffer_m: 500,
    clear_start: '',
    hold_start: '',
    build_start: '',
    build_end: '',
    baseline_from: '',
    baseline_to: '',
    notes: '',
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const create = useRouteMutation(contract.createChb, [contract.chbList]);
  const container = useRef<HTMLDivElement>(null);
  // Opened below the list of areas: brought to the top of the window, so the map (as tall as the window
  // allows) is whole on screen rather than cut off at the bottom when the list has rows.
  const root = useRef<HTMLDivElement>(null);
  // (A block body: Chromium's scrollIntoView returns a promise, which React would call as the cleanup.)
  useEffect(() => {
    root.current?.scrollIntoView({ block: 'start' });
  }, []);

  const wardPicksAllowed: WardPick[] = [
    ...(areaMode === 'wards' ? ['area' as const] : []),
    ...(controlMode === 'wards' ? ['control' as const] : []),
  ];
  const { controller, basemapNote } = usePlanningMap(container, config, {
    onInterventionClick: () => undefined,
    onMapClick: (ll) => {
      if (areaMode === 'cells') setCells((cs) => toggleCell(cs, ll));
    },
    onWardClick: (code) => {
      // With the area built from cells, a click on the map picks cells; control wards come from the list.
      if (!code || areaMode === 'cells' || wardPicksAllowed.length === 0) return;
      setPicks((p) => {
        const next = { ...p };
        const v = nextPick(p[code], wardPicksAllowed);
        if (v) next[code] = v;
        else delete next[code];
        return next;
      });
    },
    onCamera: () => undefined,
    onDrawn: (g) => {
      // Only shapes: clearing terra-draw (Done, or drawing the other region) reports null, which must not
      // erase the shape kept here. A new drawing starts from null in startDraw.
      if (drawing && g?.type === 'Polygon') setShapes((s) => ({ ...s, [drawing]: g }));
    },
  });

  const areaWards = useMemo(() => Object.keys(picks).filter((c) => picks[c] === 'area'), [picks]);
  const controlWards = useMemo(() => Object.keys(picks).filter((c) => picks[c] === 'control'), [picks]);

  // The area and control as they will be built, for the preview and for the buffer ring.
  const cellArea = useMemo(() => cellsGeometry(cells), [cells]);
  const wardArea = useMemo(() => {
    const byCode = new Map(wards.map((w) => [w.code, w.geometry]));
    return unionOf(areaWards.flatMap((c) => (byCode.has(c) ? [byCode.get(c)!] : [])));
  }, [wards, areaWards]);
  const area: Area | null = areaMode === 'wards' ? wardArea : areaMode === 'cells' ? cellArea : shapes.area;
  const ring = useMemo(() => bufferRing(area, form.buffer_m), [area, form.buffer_m]);
  const preview = useMemo(
    () =>
      draftFeatures({
        // Wards are tinted by the ward layer, and the shape being drawn is on terra-draw's own layer.
        area: areaMode === 'wards' || drawing === 'area' ? null : area,
        buffer: ring,
        control: controlMode === 'drawn' && drawing !== 'control' ? shapes.control : null,
      }),
    [area, areaMode, controlMode, drawing, ring, shapes.control],
  );

  useEffect(() => {
    controller?.setParams({
      wards: {
        showWardLabels: true,
        areaWards: areaMode === 'wards' ? areaWards : [],
        controlWards: controlMode === 'wards' ? controlWards : [],
        showRegions: true,
      },
      interventions: { visible: false, types: [], showEnded: false, selectedId: null, dimmed: false },
      outputs: { showGaps: false, showPatrol: false, showOutreach: false },
    });
  }, [controller, areaWards, controlWards, areaMode, controlMode]);
  useEffect(() => controller?.setChbRegions(preview), [controller, preview]);
  // Ward names on the map while wards are picked there: HTML markers when the basemap has no glyphs
  // (offline), the label layer otherwise.
  const namesWanted = areaMode === 'wards' || controlMode === 'wards';
  const [htmlNames, setHtmlNames] = useState(false);
  useEffect(() => {
    if (!controller) return;
    setHtmlNames(controller.showWardNameMarkers(namesWanted));
    return () => void controller.showWardNameMarkers(false);
  }, [controller, namesWanted]);

  const startDraw = (t: Target) => {
    setDrawing(t);
    setShapes((s) => ({ ...s, [t]: null }));
    controller?.startDrawing('polygon');
  };
  const stopDraw = () => {
    setDrawing(null);
    controller?.stopDrawing();
  };
  const dropPicks = (which: WardPick) => setPicks((p) => Object.fromEntries(Object.entries(p).filter(([, v]) => v !== which)));
  const setAreaMode = (m: AreaMode) => {
    setAreaModeState(m);
    if (m !== 'wards') dropPicks('area');
    if (drawing === 'area') stopDraw();
    if (m === 'drawn' && !shapes.area) startDraw('area');
  };
  const setControlMode = (m: ControlMode) => {
    setControlModeState(m);
    if (m !== 'wards') dropPicks('control');
    if (drawing === 'control') stopDraw();
    if (m === 'drawn' && !shapes.control) startDraw('control');
  };
  const field = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
    setForm({ ...form, [k]: k === 'buffer_m' ? Number(e.target.value) : e.target.value });

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    const areaSpec: RegionSpec | null =
      areaMode === 'wards'
        ? areaWards.length
          ? { wards: areaWards }
          : null
        : areaMode === 'cells'
          ? cells.length
            ? { cells }
            : null
          : shapes.area
            ? { geometry: shapes.area }
            : null;
    if (!areaSpec)
      return setError(
        areaMode === 'wards'
          ? 'Choose at least one ward for the area (click it on the map or pick it in the list).'
          : areaMode === 'cells'
            ? 'Click at least one cell on the map for the area.'
            : 'Draw the area on the map first.',
      );
    const controlSpec: RegionSpec | null =
      controlMode === 'wards'
        ? controlWards.length
          ? { wards: controlWards }
          : null
        : shapes.control
          ? { geometry: shapes.control }
          : null;
    if (!controlSpec)
      return setError(
        controlMode === 'wards' ? 'Choose at least one ward for the control area.' : 'Draw the control area on the map first.',
      );
    setBusy(true);
    try {
      const created = await create.mutateAsync({
        body: {
          name: form.name.trim(),
          area: areaSpec,
          control: controlSpec,
          buffer_m: form.buffer_m,
          clear_start: form.clear_start,
          hold_start: form.hold_start,
          build_start: form.build_start,
          build_end: form.build_end,
          baseline: form.baseline_from && form.baseline_to ? { from: form.baseline_from, to: form.baseline_to } : null,
          notes: form.notes.trim() || null,
        },
      });
      controller?.stopDrawing();
      onCreated(created.id);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const mapHint =
    areaMode === 'cells'
      ? `Click the map to add a cell to the area, or to take it out again.${controlMode === 'wards' ? ' Control wards: use the list.' : ''}`
      : wardPicksAllowed.length === 2
        ? 'Click a ward on the map: once = area (blue), twice = control (green), three times = neither. Or use the list.'
        : wardPicksAllowed.length === 1
          ? `Click a ward on the map to add it to the ${wardPicksAllowed[0]} (${wardPicksAllowed[0] === 'area' ? 'blue' : 'green'}); again to remove it. Or use the list.`
          : null;

  return (
    <div className="chb-create" ref={root}>
      <form className="plan-form" onSubmit={submit} data-testid="chb-form">
        <h3>New Clear-Hold-Build area</h3>
        <label className="field">
          <span>Name</span>
          <input required maxLength={200} value={form.name} onChange={field('name')} data-testid="chb-name" />
        </label>
        <fieldset className="field">
          <legend>Area</legend>
          <label>
            <input
              type="radio"
              checked={areaMode === 'wards'}
              onChange={() => setAreaMode('wards')}
              data-testid="chb-area-wards"
            />{' '}
            From wards
          </label>
          <label>
            <input
              type="radio"
              checked={areaMode === 'cells'}
              onChange={() => setAreaMode('cells')}
              data-testid="chb-area-cells"
            />{' '}
            From H3 cells clicked on the map
          </label>
          <label>
            <input type="radio" checked={areaMode === 'drawn'} onChange={() => setAreaMode('drawn')} data-testid="chb-draw" />{' '}
            Draw a polygon on the map
          </label>
          {areaMode === 'cells' && (
            <div className="button-row">
              <span className="hint" data-testid="chb-cell-count">
                {cells.length} {cells.length === 1 ? 'cell' : 'cells'} at {PICK_RES_NOTE}
              </span>
              {cells.length > 0 && (
                <button type="button" onClick={() => setCells([])} data-testid="chb-cells-clear">
                  Clear
                </button>
              )}
            </div>
          )}
          {areaMode === 'drawn' && (
            <DrawControls
              target="area"
              shape={shapes.area}
              drawing={drawing}
              onDraw={() => startDraw('area')}
              onDone={stopDraw}
            />
          )}
        </fieldset>
        <fieldset className="field">
          <legend>Control (comparison) area</legend>
          <label>
            <input
              type="radio"
              checked={controlMode === 'wards'}
              onChange={() => setControlMode('wards')}
              data-testid="chb-control-wards"
            />{' '}
            From wards
          </label>
          <label>
            <input
              type="radio"
              checked={controlMode === 'drawn'}
              onChange={() => setControlMode('drawn')}
              data-testid="chb-control-draw"
            />{' '}
            Draw a polygon on the map
          </label>
          {controlMode === 'drawn' && (
            <DrawControls
              target="control"
              shape={shapes.control}
              drawing={drawing}
              onDraw={() => startDraw('control')}
              onDone={stopDraw}
            />
          )}
          <p className="hint">
            The control must lie outside the area and its buffer ring (orange on the map; a preview — the server builds the ring
            on the national grid).
          </p>
        </fieldset>
        {mapHint && <p className="hint">{mapHint}</p>}
        {wardPicksAllowed.length > 0 && (
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
                  {wardPicksAllowed.map((k) => (
                    <option key={k} value={k}>
                      {k}
                    </option>
                  ))}
                </select>
              </label>
            ))}
          </div>
        )}
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
          <input
            type="number"
            min={50}
            max={5000}
            required
            value={form.buffer_m}
            onChange={field('buffer_m')}
            data-testid="chb-buffer"
          />
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
        <div
          ref={container}
          className="map-container"
          data-testid="map"
          role="region"
          aria-label="Choose wards or cells, or draw the area and the control"
        />
        <MapNotices messages={[basemapNote]} />
        <ChbMapLegend
          regions={ring ? ['area', 'buffer', 'control'] : ['area', 'control']}
          bufferM={ring ? form.buffer_m : undefined}
        />
        <PngExport
          map={controller?.map ?? null}
          page="chb"
          title="New Clear-Hold-Build area"
          period=""
          attribution={config.attribution}
        />
        {namesWanted && (
          <p className="hint chb-map-note" data-testid="chb-ward-names-note">
            Click a ward to add it to the area, click again for the control, a third time to drop it.
            {htmlNames ? ' Ward names are shown as page text over the map (this basemap has no map fonts).' : ''}
          </p>
        )}
      </div>
    </div>
  );
}
