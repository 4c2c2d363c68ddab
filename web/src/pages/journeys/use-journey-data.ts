// Data for the school-routes map: each hook fetches, prepares (pure functions in map/prepare/journeys)
// and pushes the result into the page's map controller. Only small things (names, ids, table rows,
// class breaks) reach React state; FeatureCollections stay in the controller. The exposure (ranking,
// segments, worst lists) is refetched when the change feed reports new incidents (useJourneyRefresh).
import { useEffect, useRef, useState } from 'react';
import { errorMessage, isAbort } from '../../api/client';
import { journeysApi, journeyQuery, type JourneyFilters, type RankingResponse, type RouteCollection, type RouteProperties, type SegmentsResponse, type SiteCollection, type SiteProperties } from '../../api/journeys';
import type { Classes } from '../../map/classify';
import { exposureClasses, exposureColours, guardianPoints, journeyBounds, segmentCollection } from '../../map/prepare/journeys';
import { useLiveNonce } from '../../lib/live-hooks';
import type { JourneyMapController } from './JourneyMapController';

/** Routes whose segments are drawn coloured at once (each is one exposure request). */
export const MAX_SEGMENT_ROUTES = 12;

export type SiteOption = Pick<SiteProperties, 'id' | 'name' | 'kind'>;

export type RouteOption = Pick<
  RouteProperties,
  'id' | 'name' | 'school_id' | 'school_name' | 'hub_id' | 'hub_name' | 'length_m' | 'segment_m' | 'segments' | 'origin'
>;

/** Schools, hubs and routes: into the map, with names for the pickers; fits the map on first load. */
export function useJourneyBase(controller: JourneyMapController | null, fit: boolean, nonce: number) {
  const [sites, setSites] = useState<{ list: SiteOption[]; fc: SiteCollection } | null>(null);
  const [routes, setRoutes] = useState<{ list: RouteOption[]; fc: RouteCollection } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fitted = useRef(!fit);

  useEffect(() => {
    if (!controller) return;
    const ac = new AbortController();
    controller
      .track(Promise.all([journeysApi.sites(ac.signal), journeysApi.routes(ac.signal)]))
      .then(([s, r]) => {
        controller.setSites(s);
        controller.setRoutes(r);
        setSites({ fc: s, list: s.features.map((f) => ({ id: f.properties.id, name: f.properties.name, kind: f.properties.kind })) });
        setRoutes({ fc: r, list: r.features.map((f) => ({ ...f.properties })) });
        setError(null);
        if (!fitted.current) {
          fitted.current = true;
          const b = journeyBounds(r, s);
          if (b) controller.fitBounds(b);
        }
      })
      .catch((e) => {
        if (!isAbort(e)) setError(errorMessage(e));
      });
    return () => ac.abort();
  }, [controller, nonce]);
  return { sites, routes, error };
}

/**
 * The page's refresh key for exposure data: its own changes (`nonce`: a route saved, terms edited) and
 * new incidents from the live change feed (as on the main map), one refetch per burst.
 */
export function useJourneyRefresh(nonce: number): string {
  const live = useLiveNonce();
  return `${nonce}:${live}`;
}

export function useRanking(controller: JourneyMapController | null, filters: JourneyFilters, refresh: string) {
  const [state, setState] = useState<{ data: RankingResponse | null; error: string | null; loading: boolean }>({ data: null, error: null, loading: true });
  const key = JSON.stringify(journeyQuery(filters));
  useEffect(() => {
    if (!controller) return;
    const ac = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    controller.track(journeysApi.ranking(filters, ac.signal)).then(
      (data) => setState({ data, error: null, loading: false }),
      (e) => {
        if (!isAbort(e)) setState({ data: null, error: errorMessage(e), loading: false });
      },
    );
    return () => ac.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [controller, key, refresh]);
  return state;
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

/**
 * Segments of the selected route and of the highest-ranked routes (up to MAX_SEGMENT_ROUTES), coloured
 * by the ranking measure; guardian points of the worst list (the selected route's, or across routes).
 */
export function useSegments(controller: JourneyMapController | null, filters: JourneyFilters, routeOrder: number[] | null, selectedId: number | null, worstAcross: RankingResponse['worst_segments'] | null, refresh: string): SegmentInfo {
  const [info, setInfo] = useState<SegmentInfo>({ routeIds: [], classes: null, colours: [], selected: null, error: null, loading: false });
  const key = JSON.stringify(journeyQuery(filters));
  const ids = routeOrder ? [...new Set([...(selectedId !== null ? [selectedId] : []), ...routeOrder])].slice(0, MAX_SEGMENT_ROUTES) : null;
  const idsKey = ids?.join(',') ?? '';

  useEffect(() => {
    if (!controller || !ids) return;
    const ac = new AbortController();
    setInfo((i) => ({ ...i, loading: true }));
    // One request for all of them: the server computes the exposure of every route once (the borough
    // average needs them all).
    const run = async (): Promise<SegmentsResponse[]> => (ids.length ? (await journeysApi.segmentsOf(ids, filters, ac.signal)).routes : []);
    controller
      .track(run())
      .then((answers) => {
        const fc = segmentCollection(answers, filters.rankBy);
        const classes = exposureClasses(
          fc.features.map((f) => f.properties.value),
          filters.rankBy,
        );
        controller.setSegments(fc);
        const selected = answers.find((a) => a.route.id === selectedId) ?? null;
        setInfo({ routeIds: ids, classes, colours: exposureColours(classes), selected, error: null, loading: false });
      })
      .catch((e) => {
        if (!isAbort(e)) setInfo((i) => ({ ...i, error: errorMessage(e), loading: false }));
      });
    return () => ac.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [controller, key, idsKey, selectedId, refresh]);

  // Guardian points: the list shown beside the map.
  const worst = selectedId !== null ? (info.selected?.route.id === selectedId ? info.selected.worst : null) : worstAcross;
  useEffect(() => {
    controller?.setGuardians(guardianPoints(worst ?? []));
  }, [controller, worst]);
  return info;
}
