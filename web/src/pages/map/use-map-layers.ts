// Data for the map layers: each hook fetches, prepares (pure functions) and pushes the result into the
// map controller. Only small derived values (class breaks, counts) reach React state.
import { useEffect, useRef, useState } from 'react';
import { api, errorMessage, isAbort, type Bbox, type Filters } from '../../api/client';
import type { AreaCollection, AreaStats } from '../../api/types';
import { classBreaks, type ClassMethod, type Classes } from '../../map/classify';
import type { MapController } from '../../map/map-controller';
import { areaBounds } from '../../map/prepare/areas';
import { cellsToFeatureCollection, hexResolutionForZoom, needsRefetch, padBbox, type FetchExtent, type HexRes } from '../../map/prepare/hexes';
import { EMPTY_FC } from '../../map/layers/common';
import { useApi } from '../../lib/use-api';

export interface Viewport {
  bbox: Bbox;
  zoom: number;
}

/**
 * Boundaries of the level; fits the map to them on first load when the URL had no camera. Returns them
 * (with the level they belong to) for the hotspot statistic on areas, so it does not fetch them again.
 */
export function useAreaBoundaries(controller: MapController | null, level: string, fitOnLoad: boolean) {
  const [state, setState] = useState<{ count: number | null; error: string | null; loaded: { level: string; areas: AreaCollection } | null }>({
    count: null,
    error: null,
    loaded: null,
  });
  const fitted = useRef(!fitOnLoad);
  useEffect(() => {
    if (!controller) return;
    const ac = new AbortController();
    controller
      .track(api.areas(level, ac.signal))
      .then((fc) => {
        controller.setAreas(fc);
        if (!fitted.current) {
          fitted.current = true;
          const b = areaBounds(fc);
          if (b) controller.fitBounds(b);
        }
        setState({ count: fc.features.length, error: null, loaded: { level, areas: fc } });
      })
      .catch((e) => {
        if (!isAbort(e)) setState((s) => ({ count: null, error: errorMessage(e), loaded: s.loaded }));
      });
    return () => ac.abort();
  }, [controller, level]);
  return { count: state.count, error: state.error, areas: state.loaded?.level === level ? state.loaded.areas : null };
}

/** Area statistics for the ranking table, the detail panel and the choropleth (as feature state). */
export function useAreaStats(controller: MapController | null, level: string, filters: Filters | null) {
  // Always the same length: React requires a dependency list of constant size.
  const key = [filters?.from, filters?.to, filters?.categories?.join(',')];
  return useApi<AreaStats>(
    controller && filters
      ? (signal) =>
          controller.track(
            api.areaStats(level, filters, signal).then((s) => {
              controller.setAreaStats(s.areas);
              return s;
            }),
          )
      : null,
    [controller, level, ...key],
  );
}

export interface HexInfo {
  res: number;
  cells: number;
  classes: Classes | null;
  error: string | null;
  /** Partners: how many cells have their count withheld. */
  withheld: number;
}

/** Hexagon counts for the view (plus a margin), refetched when the view leaves the fetched extent. */
export function useHexLayer(
  controller: MapController | null,
  filters: Filters | null,
  viewport: Viewport | null,
  hexRes: 'auto' | HexRes,
  enabled: boolean,
  method: ClassMethod,
  /** Bumped when the data changed (live updates): refetch the same extent. */
  refresh = 0,
): HexInfo | null {
  const [info, setInfo] = useState<HexInfo | null>(null);
  const last = useRef<FetchExtent | null>(null);
  const counts = useRef<(number | null)[]>([]);
  const res = hexRes === 'auto' ? (viewport ? hexResolutionForZoom(viewport.zoom) : null) : hexRes;
  const key = JSON.stringify([res, filters?.from, filters?.to, filters?.categories, refresh]);

  useEffect(() => {
    if (!controller || !filters || !viewport || !enabled || res === null) return;
    if (!needsRefetch(last.current, key, viewport.bbox)) return;
    const bbox = padBbox(viewport.bbox, 0.5);
    const ac = new AbortController();
    controller
      .track(
        api.hexes(res, bbox, filters, ac.signal).then((r) => {
          last.current = { key, bbox };
          counts.current = r.cells.map((c) => c.count);
          controller.setHexes(cellsToFeatureCollection(r.cells));
          const withheld = r.cells.filter((c) => c.count === null).length;
          setInfo({ res: r.res, cells: r.cells.length, classes: classBreaks(counts.current, method, 'count'), error: null, withheld });
        }),
      )
      .catch((e) => {
        if (!isAbort(e)) setInfo((i) => ({ res, cells: 0, classes: i?.classes ?? null, error: errorMessage(e), withheld: 0 }));
      });
    return () => ac.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [controller, key, viewport, enabled]);

  // Re-class the loaded cells when only the method changes.
  useEffect(() => {
    setInfo((i) => (i ? { ...i, classes: classBreaks(counts.current, method, 'count') } : i));
  }, [method]);
  return info;
}

export interface IncidentInfo {
  shown: number;
  total: number;
  truncated: boolean;
  error: string | null;
}

export const INCIDENT_LIMIT = 10000;

/** Incident points for the view, fetched only while the layer is on. */
export function useIncidentLayer(controller: MapController | null, filters: Filters | null, viewport: Viewport | null, enabled: boolean, refresh = 0): IncidentInfo | null {
  const [info, setInfo] = useState<IncidentInfo | null>(null);
  const last = useRef<FetchExtent | null>(null);
  const key = JSON.stringify([filters?.from, filters?.to, filters?.categories, refresh]);

  useEffect(() => {
    if (!controller || !filters || !viewport || !enabled) return;
    // A truncated answer only covers part of the extent: refetch on every move until it is complete.
    if (!needsRefetch(last.current, key, viewport.bbox)) return;
    const bbox = padBbox(viewport.bbox, 0.25);
    const ac = new AbortController();
    controller
      .track(
        api.incidents(bbox, filters, INCIDENT_LIMIT, ac.signal).then((fc) => {
          const truncated = !!fc.truncated;
          last.current = truncated ? null : { key, bbox };
          controller.setIncidents(fc);
          setInfo({ shown: fc.features.length, total: fc.total ?? fc.features.length, truncated, error: null });
        }),
      )
      .catch((e) => {
        if (!isAbort(e)) setInfo({ shown: 0, total: 0, truncated: false, error: errorMessage(e) });
      });
    return () => ac.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [controller, key, viewport, enabled]);

  useEffect(() => {
    if (!enabled && controller) {
      controller.setIncidents(EMPTY_FC);
      last.current = null;
      setInfo(null);
    }
  }, [enabled, controller]);
  return info;
}
