// Creates the page's PlanningMapController once the basemap is known, wires its events to the latest
// handlers, and loads the ward outlines into it (fitting the map to them on first load).
import { useEffect, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { StyleSpecification } from '@maplibre/maplibre-gl-style-spec';
import { getAreas, type AreaCollection } from '../../../../contract/aggregates';
import { call } from '../../api/call';
import type { AppConfig } from '../../../../contract/aggregates';
import { basemapKey, basemapNoteText, loadBaseStyle } from '../../map/base-style';
import { areaBounds, areaLabelPoints } from '../../map/prepare/areas';
import { PlanningMapController, type PlanningMapEvents } from './PlanningMapController';

/**
 * The ward outlines (GET /api/areas?level=ward), cached by TanStack Query under the key a contract route
 * for /areas will use (path, then the call's input), so pages showing wards share one request.
 */
export function useWardAreas() {
  return useQuery({
    queryKey: ['/areas', { query: { level: 'ward' } }],
    queryFn: ({ signal }) => call(getAreas, { query: { level: 'ward' } }, { signal }) as Promise<AreaCollection>,
    // Ward boundaries change only when an analyst loads new ones.
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** Counts a request the page's data hooks are running towards the map's "not idle" state (browser tests wait for idle). */
export function useMapBusy(controller: PlanningMapController | null, busy: boolean) {
  useEffect(() => {
    if (!controller || !busy) return;
    let done: () => void = () => {};
    void controller.track(
      new Promise<void>((resolve) => {
        done = resolve;
      }),
    );
    return () => done();
  }, [controller, busy]);
}

export function usePlanningMap(
  container: React.RefObject<HTMLDivElement | null>,
  config: AppConfig,
  handlers: PlanningMapEvents,
  opts: { attributionInMap?: boolean; fitWards?: boolean } = {},
) {
  const [style, setStyle] = useState<{ style: StyleSpecification; note: string | null } | null>(null);
  const [controller, setController] = useState<PlanningMapController | null>(null);
  const events = useRef(handlers);
  events.current = handlers;
  // Read when the map is created: the page's choices for its lifetime.
  const created = useRef({
    attribution: config.attribution,
    attributionInMap: opts.attributionInMap,
    fitWards: opts.fitWards !== false,
  });
  const wards = useWardAreas();
  const wardData = wards.data;

  const basemap = basemapKey(config);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `basemap` stands for config.basemap's content
  useEffect(() => {
    let live = true;
    void loadBaseStyle(config).then((r) => live && setStyle({ style: r.style, note: basemapNoteText(r.fallbackReason) }));
    return () => {
      live = false;
    };
  }, [basemap]);

  // Created once per page visit, when the basemap is known.
  useEffect(() => {
    if (!style || !container.current) return;
    const c = new PlanningMapController(container.current, {
      style: style.style,
      camera: null,
      attribution: created.current.attribution,
      attributionInMap: created.current.attributionInMap,
      events: {
        onInterventionClick: (id) => events.current.onInterventionClick(id),
        onWardClick: (code) => events.current.onWardClick(code),
        onMapClick: (ll) => events.current.onMapClick?.(ll),
        onCamera: (cam) => events.current.onCamera(cam),
        onDrawn: (g, f) => events.current.onDrawn(g, f),
      },
    });
    setController(c);
    return () => {
      setController(null);
      c.destroy();
    };
  }, [style, container]);

  // The map is busy until the wards arrive; then they are drawn (and fitted, once per map).
  const fitted = useRef<PlanningMapController | null>(null);
  useMapBusy(controller, wards.isPending);
  useEffect(() => {
    if (!controller || !wardData) return;
    controller.setWards(wardData, areaLabelPoints(wardData));
    const b = areaBounds(wardData);
    if (b && created.current.fitWards && fitted.current !== controller) controller.fitBounds(b);
    fitted.current = controller;
  }, [controller, wardData]);

  const wardError = wards.error ? `Ward boundaries could not be loaded: ${wards.error.message}` : null;
  return { controller, basemapNote: style?.note ?? null, wardError };
}
