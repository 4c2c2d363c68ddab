// Name a drawn route and pick its school and hub (suggested: the nearest to its two ends), or change
// or delete a saved one. The line itself is drawn and edited on the map (terra-draw).
import { useEffect, useState } from 'react';
import type { LineString } from 'geojson';
import { createRoute, updateRoute, type RouteBody, type RoutePatch } from '../../../../contract/journeys';
import { call } from '../../api/call';
import { deleteRoute } from '../../api/journeys';
import { useAction } from '../../lib/use-action';
import type { RouteOption, SiteOption } from './use-journey-data';

export interface RouteDraft {
  /** null: a new route. */
  id: number | null;
  name: string;
  school_id: number | null;
  hub_id: number | null;
  segment_m: number;
}

function SitePicker({
  label,
  value,
  options,
  onChange,
  testId,
}: {
  label: string;
  value: number | null;
  options: SiteOption[];
  onChange: (v: number | null) => void;
  testId: string;
}) {
  return (
    <label className="field">
      <span>{label}</span>
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value ? Number(e.target.value) : null)} data-testid={testId}>
        <option value="">none</option>
        {options.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </select>
    </label>
  );
}

export function RouteForm({
  draft,
  line,
  sites,
  original,
  suggest,
  onSaved,
  onCancel,
}: {
  draft: RouteDraft;
  /** The line on the map (drawn or being edited); null until a line is finished. */
  line: LineString | null;
  sites: SiteOption[];
  original: RouteOption | null;
  /** School and hub nearest the drawn line's ends: filled in where none is chosen yet. */
  suggest: { school_id: number | null; hub_id: number | null } | null;
  onSaved: (id: number | null, message: string) => void;
  onCancel: () => void;
}) {
  const [d, setD] = useState(draft);
  const action = useAction();
  const schools = sites.filter((s) => s.kind === 'school');
  const hubs = sites.filter((s) => s.kind === 'hub');
  const isNew = d.id === null;
  useEffect(() => {
    if (suggest) setD((x) => ({ ...x, school_id: x.school_id ?? suggest.school_id, hub_id: x.hub_id ?? suggest.hub_id }));
  }, [suggest]);

  const save = () =>
    action.run(async () => {
      if (isNew) {
        if (!line) throw new Error('Draw the line first: click points on the map and click the last one again to finish.');
        const body: RouteBody = {
          name: d.name.trim(),
          school_id: d.school_id,
          hub_id: d.hub_id,
          segment_m: d.segment_m,
          geometry: line,
        };
        const f = await call(createRoute, { query: {}, body });
        onSaved(f.id, `Saved "${f.properties.name}": ${f.properties.segments} segments.`);
      } else {
        const patch: RoutePatch = {};
        if (d.name.trim() !== original?.name) patch.name = d.name.trim();
        if (d.school_id !== original?.school_id) patch.school_id = d.school_id;
        if (d.hub_id !== original?.hub_id) patch.hub_id = d.hub_id;
        if (d.segment_m !== original?.segment_m) patch.segment_m = d.segment_m;
        if (line) patch.geometry = line;
        const f = await call(updateRoute, { query: {}, params: { id: String(d.id) }, body: patch });
        onSaved(f.id, `Saved "${f.properties.name}".`);
      }
    });

  return (
    <form
      className="panel route-form"
      data-testid="route-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h2 className="panel-title">{isNew ? 'New route' : 'Edit route'}</h2>
      <p className="hint">
        {isNew
          ? line
            ? 'Line drawn. Drag its points to adjust; drag a midpoint to add one.'
            : 'Click points along the walk on the map; click the last point again (or press Enter) to finish.'
          : 'Drag the points of the line on the map to change it; drag a midpoint to add a point.'}
      </p>
      <label className="field">
        <span>Name</span>
        <input
          required
          maxLength={200}
          value={d.name}
          onChange={(e) => setD({ ...d, name: e.target.value })}
          data-testid="route-name"
        />
      </label>
      <SitePicker
        label="School"
        value={d.school_id}
        options={schools}
        onChange={(school_id) => setD({ ...d, school_id })}
        testId="route-school"
      />
      <SitePicker
        label="Station or hub"
        value={d.hub_id}
        options={hubs}
        onChange={(hub_id) => setD({ ...d, hub_id })}
        testId="route-hub"
      />
      <label className="field">
        <span>Segment length (m)</span>
        <input
          type="number"
          min={10}
          max={1000}
          step={10}
          value={d.segment_m}
          onChange={(e) => setD({ ...d, segment_m: Number(e.target.value) })}
          data-testid="route-segment-m"
        />
      </label>
      <div className="form-actions">
        <button
          type="submit"
          className="primary"
          disabled={action.busy || !d.name.trim() || (isNew && !line)}
          data-testid="route-save"
        >
          {action.busy ? 'Saving…' : 'Save route'}
        </button>
        <button type="button" onClick={onCancel} data-testid="route-cancel">
          Cancel
        </button>
        {!isNew && (
          <button
            type="button"
            className="danger"
            data-testid="route-delete"
            disabled={action.busy}
            onClick={() => {
              if (!window.confirm(`Delete the route "${original?.name ?? d.name}" and its segments?`)) return;
              void action.run(async () => {
                await deleteRoute(d.id!);
                onSaved(null, `Deleted "${original?.name ?? d.name}".`);
              });
            }}
          >
            Delete
          </button>
        )}
      </div>
      {action.error && (
        <p className="error-text" role="alert" data-testid="route-error">
          {action.error}
        </p>
      )}
    </form>
  );
}
