// Data for the map layers: each hook fetches, prepares (pure functions) and pushes the result into the
// map controller. Only small derived values (class breaks, counts) reach React state.
import { useEffect, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import {
  getAreas,
  getAreaStats,
  getHexes,
  getIncidents,
  type AreaCollection,
  type AreaStats,
} from '../../../../contract/aggregates';
import { incidentsToFeatureCollection } from '../../map/prepare/incidents';
import { bboxParam, errorMessage, filterQuery, isAbort, type Bbox, type Filters } from '../../api/client';
import { call, routeKey } from '../../api/call';
import { classBreaks, type ClassMethod, type Classes } from '../../map/classify';
import type { MapController } from '../../map/map-controller';
import { areaBounds } from '../../map/prepare/areas';
import {
  cellsToFeatureCollection,
  hexResolutionForZoom,
  needsRefetch,
  padBbox,
  type FetchExtent,
  type HexRes,
} from '../../map/prepare/hexes';
import { EMPTY_FC } from '../../map/layers/common';
import { INCIDENT_TILE_MIN_ZOOM } from '../../map/layers/incidents';

/** The filters (and live refresh count) a layer's fetched extent belongs to. */
const fetchKey = (f: Filters | null, refresh: number) => `${f?.from}|${f?.to}|${f?.categories?.join(',') ?? ''}|${refresh}`;

export interface Viewport {
  bbox: Bbox;
  zoom: number;
}

/**
 * Boundaries of the level; fits the map to them on first load when the URL had no camera. Returns them
 * (with the level they belong to) for the hotspot statistic on areas, so it does not fetch them again.
 */
export function useAreaBoundaries(controller: MapController | null, level: string, fitOnLoad: boolean) {
  const [state, setState] = useState<{
    count: number | null;
    error: string | null;
    loaded: { level: string; areas: AreaCollection } | null;
  }>({
    count: null,
    error: null,
    loaded: null,
  });
  const fitted = useRef(!fitOnLoad);
  useEffect(() => {
    if (!controller) return;
    const ac = new AbortController();
    controller
      // GeoJSON built by PostGIS (the contract declares it as a file; its shape is AreaCollection).
      .track(call(getAreas, { query: { level } }, { signal: ac.signal }) as Promise<AreaCollection>)
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
  const input = filters ? { query: { level, ...filterQuery(filters) } } : null;
  // The cache of GET /stats/areas, with the request counted by the map's idle tracking.
  const stats = useQuery<AreaStats, Error>({
    queryKey: routeKey(getAreaStats, input ?? undefined),
    queryFn: ({ signal }) => {
      const req = call(getAreaStats, input!, { signal });
      return controller ? controller.track(req) : req;
    },
    enabled: !!controller && input !== null,
  });
  useEffect(() => {
    if (controller && stats.data) controller.setAreaStats(stats.data.areas);
  }, [controller, stats.data]);
  return stats;
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
  // What was fetched: the extent is refetched only when this changes or the view leaves it.
  const key = `${res}|${fetchKey(filters, refresh)}`;
  // The class method re-classes loaded cells (below); it does not refetch.
  const methodRef = useRef(method);
  methodRef.current = method;

  useEffect(() => {
    if (!controller || !filters || !viewport || !enabled || res === null) return;
    if (!needsRefetch(last.current, key, viewport.bbox)) return;
    const bbox = padBbox(viewport.bbox, 0.5);
    const ac = new AbortController();
    controller
      .track(
        call(
          getHexes,
          { query: { res: String(res) as '7' | '8' | '9' | '10', bbox: bboxParam(bbox), ...filterQuery(filters) } },
          { signal: ac.signal },
        ).then((r) => {
          last.current = { key, bbox };
          counts.current = r.cells.map((c) => c.count);
          controller.setHexes(cellsToFeatureCollection(r.cells));
          const withheld = r.cells.filter((c) => c.count === null).length;
          setInfo({
            res: r.res,
            cells: r.cells.length,
            classes: classBreaks(counts.current, methodRef.current, 'count'),
            error: null,
            withheld,
          });
        }),
      )
      .catch((e) => {
        if (!isAbort(e)) setInfo((i) => ({ res, cells: 0, classes: i?.classes ?? null, error: errorMessage(e), withheld: 0 }));
      });
    return () => ac.abort();
  }, [controller, key, viewport, enabled, filters, res]);

  // Re-class the loaded cells when only the method changes.
  useEffect(() => {
    setInfo((i) => (i ? { ...i, classes: classBreaks(counts.current, method, 'count') } : i));
  }, [method]);
  return info;
}

export interface IncidentInfo {
  shown: number;
  /** null: more than `cap` matched (the API counts no further). */
  total: number | null;
  cap: number;
  truncated: boolean;
  error: string | null;
  /** The view is at zoom 14 or more: points come from the vector tiles (every point of the view). */
  tiles?: boolean;
}

export const INCIDENT_LIMIT = 10000;

/** Incident points for the view, fetched only while the layer is on. */
export function useIncidentLayer(
  controller: MapController | null,
  filters: Filters | null,
  viewport: Viewport | null,
  enabled: boolean,
  refresh = 0,
): IncidentInfo | null {
  const [info, setInfo] = useState<IncidentInfo | null>(null);
  const last = useRef<FetchExtent | null>(null);
  const key = fetchKey(filters, refresh);

  // From zoom 14 the points come from vector tiles (the map fetches them): only their filters are set here,
  // and new data (live updates) reloads them.
  const tiles = viewport !== null && viewport.zoom >= INCIDENT_TILE_MIN_ZOOM;
  const tileKey = useRef(key);
  useEffect(() => {
    if (!controller || !filters || !enabled) return;
    controller.setIncidentTiles(filterQuery(filters), tileKey.current !== key);
    tileKey.current = key;
  }, [controller, key, enabled, filters]);

  useEffect(() => {
    if (!controller || !filters || !viewport || !enabled) return;
    if (tiles) {
      setInfo({ shown: 0, total: 0, cap: 0, truncated: false, error: null, tiles: true });
      return;
    }
    // A truncated answer only covers part of the extent: refetch on every move until it is complete.
    if (!needsRefetch(last.current, key, viewport.bbox)) return;
    const bbox = padBbox(viewport.bbox, 0.25);
    const ac = new AbortController();
    controller
      .track(
        call(
          getIncidents,
          { query: { bbox: bboxParam(bbox), ...filterQuery(filters), limit: String(INCIDENT_LIMIT) } },
          { signal: ac.signal },
        ).then((cols) => {
          const fc = incidentsToFeatureCollection(cols);
          const truncated = !!fc.truncated;
          last.current = truncated ? null : { key, bbox };
          controller.setIncidents(fc);
          setInfo({ shown: fc.features.length, total: fc.total, cap: fc.total_cap, truncated, error: null });
        }),
      )
      .catch((e) => {
        if (!isAbort(e)) setInfo({ shown: 0, total: 0, cap: 0, truncated: false, error: errorMessage(e) });
      });
    return () => ac.abort();
  }, [controller, key, viewport, enabled, filters, tiles]);

  useEffect(() => {
    if (!enabled && controller) {
      controller.setIncidents(EMPTY_FC);
      last.current = null;
      setInfo(null);
    }
  }, [enabled, controller]);
  return info;
}
