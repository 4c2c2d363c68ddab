// Data for the hotspot statistic on the map: fetches Gi*, emerging hot spots or change for the whole
// study area, prepares the units (pure functions in map/prepare/hotspots.ts) and pushes them into the
// map controller. Rows stay in a ref (looked up for the detail panel); React state holds only the small
// meta, the class tally and errors.
import { useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, errorMessage, isAbort, type Filters } from '../../../api/client';
import type { FeatureCollection } from 'geojson';
import type { AreaCollection } from '../../../../../contract/aggregates';
import {
  hotspotApi,
  rowsOf,
  type ChangeMeta,
  type ChangeRow,
  type EmergingMeta,
  type EmergingRow,
  type HotspotMeta,
  type HotspotRow,
  type UnitQuery,
} from '../../../api/hotspots';
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
  | { mode: 'gi'; meta: HotspotMeta }
  | { mode: 'emerging'; meta: EmergingMeta }
  | { mode: 'change'; meta: ChangeMeta };

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

const unitKey = (u: UnitQuery) => ('res' in u ? `res:${u.res}` : `level:${u.level}`);

/** `boundaries`: the polygons of the map's area level (null until loaded), the units when the statistic is on areas. */
export function useHotspotLayer(
  controller: MapController | null,
  hs: HotspotView,
  unit: UnitQuery | null,
  filters: Filters | null,
  boundaries: AreaCollection | null,
  refresh = 0,
): HotspotInfo {
  const [state, setState] = useState<{ data: HotspotData | null; loading: boolean; error: string | null; errorCode: string | null; version: number }>({
    data: null,
    loading: false,
    error: null,
    errorCode: null,
    version: 0,
  });
  const rows = useRef<Map<string, AnyRow>>(new Map());
  const level = unit && 'level' in unit ? unit.level : null;
  const areas = useMemo(() => (hs.mode && level && boundaries ? areaGeometries(boundaries) : null), [hs.mode, level, boundaries]);
  const stat = { weights: hs.weights, k: hs.k, correction: hs.correction };
  const key = JSON.stringify([hs.mode, unit && unitKey(unit), filters?.from, filters?.to, filters?.categories, stat, hs.mode === 'emerging' ? hs.period : null, refresh]);

  useEffect(() => {
    if (!controller || !hs.mode || !unit || !filters) {
      controller?.setHotspots(EMPTY_FC);
      rows.current = new Map();
      setState((s) => ({ data: null, loading: false, error: null, errorCode: null, version: s.version + 1 }));
      return;
    }
    if (level && !areas) return; // wait for the polygons
    const geoms = areas ?? new Map();
    const ac = new AbortController();
    setState((s) => ({ ...s, loading: true, error: null, errorCode: null }));
    const show = <R extends AnyRow>(list: R[], features: (list: R[], geoms: AreaGeometries) => FeatureCollection) => {
      rows.current = new Map(list.map((x) => [unitId(x), x]));
      controller.setHotspots(features(list, geoms));
    };
    const load = async (): Promise<HotspotData> => {
      if (hs.mode === 'gi') {
        const r = await hotspotApi.hotspots(unit, filters, stat, ac.signal);
        show(rowsOf(r), hotspotFeatures);
        return { mode: 'gi', meta: r.meta };
      }
      if (hs.mode === 'emerging') {
        const r = await hotspotApi.emerging(unit, filters, stat, hs.period, ac.signal);
        show(rowsOf(r), emergingFeatures);
        return { mode: 'emerging', meta: r.meta };
      }
      const r = await hotspotApi.change(unit, filters, hs.weights, ac.signal);
      show(rowsOf(r), changeFeatures);
      return { mode: 'change', meta: r.meta };
    };
    controller.track(load()).then(
      (data) => setState((s) => ({ data, loading: false, error: null, errorCode: null, version: s.version + 1 })),
      (e) => {
        if (isAbort(e)) return;
        // A failed request leaves no stale statistic on the map.
        controller.setHotspots(EMPTY_FC);
        rows.current = new Map();
        setState((s) => ({ data: null, loading: false, error: errorMessage(e), errorCode: e instanceof ApiError ? e.code : null, version: s.version + 1 }));
      },
    );
    return () => ac.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [controller, key, areas]);

  const data = state.data;
  const step = hs.mode === 'emerging' ? hs.step : null;
  const counts = useMemo(() => {
    if (!data) return {};
    const list = [...rows.current.values()];
    if (data.mode === 'gi') return tally((list as HotspotRow[]).map((r) => r.class));
    if (data.mode === 'emerging') {
      const e = list as EmergingRow[];
      return tally(step === null ? e.map((r) => r.pattern) : e.map((r) => r.class?.[step] ?? 'not_significant'));
    }
    const k = changeKey(hs.vs) === 'vs_year' ? 'vs_year_ago' : 'vs_previous';
    return tally(
      (list as ChangeRow[]).map((r) => changeClass(r[k], r.current === null || (k === 'vs_year_ago' ? r.year_ago : r.previous) === null)),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state.version, step, hs.vs]);

  const zScale = data?.mode === 'emerging' ? playbackScale(data.meta.z_range) : null;
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const partial = useMemo(() => partialCount([...rows.current.values()]), [state.version]);
  return {
    data,
    loading: state.loading,
    error: state.error,
    errorCode: state.errorCode,
    tally: counts,
    zScale,
    partial,
    // eslint-disable-next-line react-hooks/exhaustive-deps
    row: useMemo(() => (id: string) => rows.current.get(id), [state.version]),
    areas: areas ?? new Map(),
  };
}
