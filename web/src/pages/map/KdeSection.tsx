// The kernel density surface on the main map (analysts and officers: it is computed from record-level
// points). Computed in the browser: the points of the window come once (GET /incidents, the whole study
// area, in columns), the grid is a pure function (geodata/stats/kde.ts) in British National Grid metres,
// clipped to the boundaries loaded. The legend states kernel, bandwidth (rule or chosen), cell size and
// units; the bandwidth is chosen here.
import { useEffect, useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { getIncidents, MAX_INCIDENT_LIMIT, type AreaCollection } from '../../../../contract/aggregates';
import { errorMessage, filterQuery, type Filters } from '../../api/client';
import { call, routeKey } from '../../api/call';
import type { MapController } from '../../map/map-controller';
import { kdeSurface, studyAreaBng } from '../../../../geodata/stats/kde';
import { kdeFeatures } from '../../map/prepare/kde';
import { KDE_STOPS } from '../../map/layers/kde';
import { EMPTY_FC } from '../../map/layers/common';

const BANDWIDTHS = [250, 500, 750, 1000, 1500] as const;

const fmt = (v: number) => v.toLocaleString('en-GB', { maximumFractionDigits: v < 10 ? 1 : 0 });

export function KdeSection({
  controller,
  filters,
  areas,
  visible,
  onMax,
}: {
  controller: MapController | null;
  filters: Filters | null;
  areas: AreaCollection | null;
  visible: boolean;
  /** The highest density drawn (the layer's colour scale), null when nothing is drawn. */
  onMax: (max: number | null) => void;
}) {
  const [bandwidth, setBandwidth] = useState<number | null>(null);
  const input = filters ? { query: { ...filterQuery(filters), limit: String(MAX_INCIDENT_LIMIT) } } : null;
  const points = useQuery({
    queryKey: routeKey(getIncidents, input ?? undefined),
    queryFn: ({ signal }) => {
      const req = call(getIncidents, input!, { signal });
      return controller ? controller.track(req) : req;
    },
    enabled: visible && !!controller && input !== null,
  });
  const area = useMemo(() => (areas ? studyAreaBng(areas.features.map((f) => f.geometry)) : null), [areas]);
  const surface = useMemo(() => {
    if (!visible || !points.data || !area) return null;
    const c = points.data.columns;
    const t0 = performance.now();
    const s = kdeSurface(
      c.lon.map((lon, i) => [lon, c.lat[i]]),
      area,
      { bandwidth },
    );
    if (!s) return { s: null, ms: 0, fc: EMPTY_FC, max: null };
    const { fc, max } = kdeFeatures(s);
    return { s, fc, max, ms: performance.now() - t0 };
  }, [visible, points.data, area, bandwidth]);

  useEffect(() => {
    if (!controller) return;
    controller.setKde(surface?.fc ?? EMPTY_FC);
    onMax(surface?.max ?? null);
  }, [controller, surface, onMax]);

  if (!visible) return null;
  const s = surface?.s;
  return (
    <div className="panel kde-panel" data-testid="kde-legend">
      <h2 className="panel-title">Density surface (KDE)</h2>
      <label className="field-inline">
        Bandwidth
        <select
          value={bandwidth ?? 'auto'}
          onChange={(e) => setBandwidth(e.target.value === 'auto' ? null : Number(e.target.value))}
          data-testid="kde-bandwidth"
        >
          <option value="auto">Rule of thumb (sfhotspot default)</option>
          {BANDWIDTHS.map((b) => (
            <option key={b} value={b}>
              {b} m
            </option>
          ))}
        </select>
      </label>
      {points.isFetching && <p className="hint">Loading the points…</p>}
      {points.error && <p className="error-text">Points: {errorMessage(points.error)}</p>}
      {points.data?.truncated && (
        <p className="hint" data-testid="kde-truncated">
          The window holds{' '}
          {points.data.total === null
            ? `more than ${points.data.total_cap.toLocaleString('en-GB')}`
            : points.data.total.toLocaleString('en-GB')}{' '}
          incidents; the surface uses the newest {points.data.columns.id.length.toLocaleString('en-GB')}. Narrow the months or
          categories for all of them.
        </p>
      )}
      {points.data && !s && <p className="hint">Fewer than two incidents (or no boundaries): no surface to estimate.</p>}
      {s && surface?.max != null && (
        <>
          <div
            className="kde-ramp"
            aria-hidden="true"
            style={{ background: `linear-gradient(to right, ${KDE_STOPS.map(([p, c]) => `${c} ${p * 100}%`).join(', ')})` }}
          />
          <div className="kde-ramp-labels">
            <span>{fmt(0.01 * surface.max)}</span>
            <span>{fmt(surface.max)} incidents per km²</span>
          </div>
          <p className="hint" data-testid="kde-method">
            Quartic kernel, bandwidth {fmt(s.bandwidth)} m (
            {s.bandwidthRule === 'rule_of_thumb'
              ? 'rule of thumb: mean of MASS bandwidth.nrd on eastings and northings'
              : 'chosen'}
            ), {s.grid.cell} m cells on the British National Grid, {s.points.toLocaleString('en-GB')} incidents. Clipped to the
            boundaries: a cell is shown when its centre is inside. Computed in the browser in {Math.round(surface.ms)} ms.
          </p>
        </>
      )}
    </div>
  );
}
