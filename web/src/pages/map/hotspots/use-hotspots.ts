// Data for the hotspot statistic on the map: Gi*, emerging hot spots or change for the whole study area
// (TanStack Query: one cached answer per statistic and parameters, refetched when the live feed reports
// new data), prepared into units (pure functions in map/prepare/hotspots.ts) and pushed into the map
// controller. While new parameters load, the previous statistic stays drawn; a failed request leaves
// none.
import { useEffect, useMemo } from 'react';
import { keepPreviousData } from '@tanstack/react-query';
import {
  getChange,
  getEmerging,
  getHotspots,
  type ChangeMeta,
  type ChangeRow,
  type EmergingMeta,
  type EmergingRow,
  type HotspotMeta,
  type HotspotRow,
} from '../../../../../contract/hotspots';
import { ApiError, type Filters } from '../../../api/client';
import { rowsOf, statQuery, unitQuery, type UnitQuery } from '../../../api/hotspots';
import { useRoute } from '../../../api/query';
import type { AreaCollection } from '../../../../../contract/aggregates';
import { useTrackedFetching } from '../../../lib/use-tracked';
import type { MapController } from '../../../map/map-controller';
import { EMPTY_FC } from '../../../map/layers/common';
import { changeKey } from '../../../map/layers/change';
import {
  areaGeometries,
  changeClass,
  changeFeatures,
  emergingFeatures,
  hotspotFeatures,
  partialCount,
  playbackScale,
  tally,
  unitId,
  type AreaGeometries,
} from '../../../map/prepare/hotspots';
import type { HotspotView } from './hotspot-url';

export type HotspotData =
  | { mode: 'gi'; meta: HotspotMeta; rows: HotspotRow[] }
  | { mode: 'emerging'; meta: EmergingMeta; rows: EmergingRow[] }
  | { mode: 'change'; meta: ChangeMeta; rows: ChangeRow[] };

export type AnyRow = HotspotRow | EmergingRow | ChangeRow;

export interface HotspotInfo {
  data: HotspotData | null;
  loading: boolean;
  error: string | null;
  /** The API's error code (month_precision: the data cannot form 28-day or weekly periods). */
  errorCode: string | null;
  /** Units per class / pattern / change class as drawn now (the playback step included). */
  tally: Record<string, number>;
  /** The fixed playback z scale (null: partners, coloured by class). */
  zScale: [number, number] | null;
  /** Drawn cells cut by the study area's boundary (dashed outline). */
  partial: number;
  /** The unit's row of the statistic shown, by h3 or area code. */
  row(id: string): AnyRow | undefined;
  /** Area polygons by code (for zooming to a listed ward). */
  areas: AreaGeometries;
}

const NO_AREAS: AreaGeometries = new Map();

/** `boundaries`: the polygons of the map's area level (null until loaded), the units when the statistic is on areas. */
export function useHotspotLayer(
  controller: MapController | null,
  hs: HotspotView,
  unit: UnitQuery | null,
  filters: Filters | null,
  boundaries: AreaCollection | null,
): HotspotInfo {
  const level = unit && 'level' in unit ? unit.level : null;
  const areas = useMemo(() => (hs.mode && level && boundaries ? areaGeometries(boundaries) : null), [hs.mode, level, boundaries]);
  // Area statistics wait for the polygons.
  const ready = controller && unit && filters && (!level || areas) ? { unit, filters } : null;
  const stat = { weights: hs.weights, k: hs.k, correction: hs.correction };
  const keep = { placeholderData: keepPreviousData };
  const gi = useRoute(
    getHotspots,
    ready && hs.mode === 'gi' ? { query: statQuery(ready.unit, ready.filters, stat) } : null,
    keep,
  );
  const emerging = useRoute(
    getEmerging,
    ready && hs.mode === 'emerging'
      ? { query: { ...statQuery(ready.unit, ready.filters, stat), period: hs.period, include: 'series' } }
      : null,
    keep,
  );
  const change = useRoute(
    getChange,
    ready && hs.mode === 'change' ? { query: { ...unitQuery(ready.unit, ready.filters), weights: hs.weights } } : null,
    keep,
  );
  const q = hs.mode === 'gi' ? gi : hs.mode === 'emerging' ? emerging : hs.mode === 'change' ? change : null;
  useTrackedFetching(controller, !!q?.isFetching);

  const data = useMemo((): HotspotData | null => {
    if (hs.mode === 'gi' && gi.data) return { mode: 'gi', meta: gi.data.meta, rows: rowsOf(gi.data) };
    if (hs.mode === 'emerging' && emerging.data)
      return { mode: 'emerging', meta: emerging.data.meta, rows: rowsOf(emerging.data) };
    if (hs.mode === 'change' && change.data) return { mode: 'change', meta: change.data.meta, rows: rowsOf(change.data) };
    return null;
  }, [hs.mode, gi.data, emerging.data, change.data]);
  const error = q?.error ?? null;

  const asked = !!hs.mode && !!ready;
  useEffect(() => {
    if (!controller) return;
    // Nothing asked, or a failed request: no statistic on the map (no stale one either).
    if (!asked || error) controller.setHotspots(EMPTY_FC);
    else if (data?.mode === 'gi') controller.setHotspots(hotspotFeatures(data.rows, areas ?? NO_AREAS));
    else if (data?.mode === 'emerging') controller.setHotspots(emergingFeatures(data.rows, areas ?? NO_AREAS));
    else if (data?.mode === 'change') controller.setHotspots(changeFeatures(data.rows, areas ?? NO_AREAS));
  }, [controller, asked, error, data, areas]);

  const byId = useMemo(() => new Map<string, AnyRow>((data?.rows ?? []).map((x) => [unitId(x), x])), [data]);
  const step = hs.mode === 'emerging' ? hs.step : null;
  const counts = useMemo(() => {
    if (!data) return {};
    if (data.mode === 'gi') return tally(data.rows.map((r) => r.class));
    if (data.mode === 'emerging')
      return tally(step === null ? data.rows.map((r) => r.pattern) : data.rows.map((r) => r.class?.[step] ?? 'not_significant'));
    const k = changeKey(hs.vs) === 'vs_year' ? 'vs_year_ago' : 'vs_previous';
    return tally(
      data.rows.map((r) => changeClass(r[k], r.current === null || (k === 'vs_year_ago' ? r.year_ago : r.previous) === null)),
    );
  }, [data, step, hs.vs]);

  return {
    data: error ? null : data,
    loading: !!q?.isFetching,
    error: error ? error.message : null,
    errorCode: error instanceof ApiError ? error.code : null,
    tally: counts,
    zScale: useMemo(() => (data?.mode === 'emerging' ? playbackScale(data.meta.z_range) : null), [data]),
    partial: useMemo(() => partialCount(data?.rows ?? []), [data]),
    row: useMemo(() => (id: string) => byId.get(id), [byId]),
    areas: areas ?? NO_AREAS,
  };
}
