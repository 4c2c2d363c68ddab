// Data for the school-routes map: each hook reads its routes through TanStack Query (one cached answer
// per route and filters; new incidents from the live change feed and the page's own changes invalidate
// them), prepares it (pure functions in map/prepare/journeys) and pushes the result into the page's map
// controller. Only small things (names, ids, table rows, class breaks) reach React state; while new
// filters load, the previous answer stays on the map.
import { useEffect, useMemo, useRef } from 'react';
import { keepPreviousData, useQueryClient } from '@tanstack/react-query';
import {
  listRoutes,
  ranking,
  segmentsBatch,
  type RankingResponse,
  type RouteProperties,
  type SegmentsResponse,
  type SiteProperties,
} from '../../../../contract/journeys';
import { journeyQuery, useSites, type JourneyFilters } from '../../api/journeys';
import { useRoute } from '../../api/query';
import { useTrackedFetching } from '../../lib/use-tracked';
import { exposureClasses, exposureColours, guardianPoints, journeyBounds, segmentCollection } from '../../map/prepare/journeys';
import type { Classes } from '../../map/classify';
import type { JourneyMapController } from './JourneyMapController';

/** Routes whose segments are drawn coloured at once (each is one exposure request). */
export const MAX_SEGMENT_ROUTES = 12;

export type SiteOption = Pick<SiteProperties, 'id' | 'name' | 'kind'>;

export type RouteOption = Pick<
  RouteProperties,
  'id' | 'name' | 'school_id' | 'school_name' | 'hub_id' | 'hub_name' | 'length_m' | 'segment_m' | 'segments' | 'origin'
>;

/** After the page changed something (a route saved, terms edited): every journey answer refetches. */
export function useJourneyReload() {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ predicate: (q) => String(q.queryKey[0]).startsWith('/journeys/') });
}

/** Schools, hubs and routes: into the map, with names for the pickers; fits the map on first load. */
export function useJourneyBase(controller: JourneyMapController | null, fit: boolean) {
  const sitesQ = useSites();
  const routesQ = useRoute(listRoutes, { query: {} });
  useTrackedFetching(controller, sitesQ.isFetching || routesQ.isFetching);
  const fitted = useRef(!fit);
  const s = sitesQ.data;
  const r = routesQ.data;

  useEffect(() => {
    if (controller && s) controller.setSites(s);
  }, [controller, s]);
  useEffect(() => {
    if (controller && r) controller.setRoutes(r);
  }, [controller, r]);
  useEffect(() => {
    if (!controller || !s || !r || fitted.current) return;
    fitted.current = true;
    const b = journeyBounds(r, s);
    if (b) controller.fitBounds(b);
  }, [controller, s, r]);

  const sites = useMemo(
    () =>
      s
        ? {
            fc: s,
            list: s.features.map((f): SiteOption => ({ id: f.properties.id, name: f.properties.name, kind: f.properties.kind })),
          }
        : null,
    [s],
  );
  const routes = useMemo(() => (r ? { fc: r, list: r.features.map((f): RouteOption => ({ ...f.properties })) } : null), [r]);
  const error = sitesQ.error ?? routesQ.error;
  return { sites, routes, error: error ? error.message : null };
}

export function useRanking(controller: JourneyMapController | null, filters: JourneyFilters) {
  const q = useRoute(ranking, controller ? { query: journeyQuery(filters) } : null, { placeholderData: keepPreviousData });
  useTrackedFetching(controller, q.isFetching);
  return { data: q.error ? null : (q.data ?? null), error: q.error ? q.error.message : null, loading: q.isFetching };
}

export interface SegmentInfo {
  /** Routes whose segments are on the map. */
  routeIds: number[];
  classes: Classes | null;
  colours: string[];
  /** The selected route's answer (its worst segments, totals, meta). */
  selected: SegmentsResponse | null;
  error: string | null;
  loading: boolean;
}

const NO_ANSWERS: SegmentsResponse[] = [];
const NO_COLOURS: string[] = [];

/**
 * Segments of the selected route and of the highest-ranked routes (up to MAX_SEGMENT_ROUTES), coloured
 * by the ranking measure; guardian points of the worst list (the selected route's, or across routes).
 */
export function useSegments(
  controller: JourneyMapController | null,
  filters: JourneyFilters,
  routeOrder: number[] | null,
  selectedId: number | null,
  worstAcross: RankingResponse['worst_segments'] | null,
): SegmentInfo {
  const ids = routeOrder
    ? [...new Set([...(selectedId !== null ? [selectedId] : []), ...routeOrder])].slice(0, MAX_SEGMENT_ROUTES)
    : null;
  // One request for all of them: the server computes the exposure of every route once (the borough
  // average needs them all).
  const q = useRoute(
    segmentsBatch,
    controller && ids?.length ? { query: { ...journeyQuery(filters), routes: ids.join(',') } } : null,
    { placeholderData: keepPreviousData },
  );
  useTrackedFetching(controller, q.isFetching);
  // No route to draw: nothing coloured.
  const answers = ids?.length === 0 ? NO_ANSWERS : q.data?.routes;
  const rankBy = answers?.[0]?.meta.rank_by ?? filters.rankBy;

  const drawn = useMemo(() => {
    if (!answers) return null;
    const fc = segmentCollection(answers, rankBy);
    const classes = exposureClasses(
      fc.features.map((f) => f.properties.value),
      rankBy,
    );
    return { fc, classes, colours: exposureColours(classes), routeIds: answers.map((a) => a.route.id) };
  }, [answers, rankBy]);
  useEffect(() => {
    if (controller && drawn) controller.setSegments(drawn.fc);
  }, [controller, drawn]);

  const selected = answers?.find((a) => a.route.id === selectedId) ?? null;
  // Guardian points: the list shown beside the map.
  const worst = selectedId !== null ? (selected?.worst ?? null) : worstAcross;
  useEffect(() => {
    controller?.setGuardians(guardianPoints(worst ?? []));
  }, [controller, worst]);
  return {
    routeIds: drawn?.routeIds ?? [],
    classes: drawn?.classes ?? null,
    colours: drawn?.colours ?? NO_COLOURS,
    selected,
    error: q.error ? q.error.message : null,
    loading: q.isFetching,
  };
}
