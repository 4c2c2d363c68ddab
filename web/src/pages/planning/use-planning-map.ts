// Creates the page's PlanningMapController once the basemap is known, wires its events to the latest
// handlers, and loads the ward outlines into it (fitting the map to them on first load).
import { useEffect, useRef, useState } from 'react';
import type { StyleSpecification } from '@maplibre/maplibre-gl-style-spec';
import { getAreas, type AppConfig, type AreaCollection } from '../../../../contract/aggregates';
import { call } from '../../api/call';
import { isAbort } from '../../api/client';
import { loadBaseStyle } from '../../map/base-style';
import { areaBounds, areaLabelPoints } from '../../map/prepare/areas';
import { PlanningMapController, type PlanningMapEvents } from './PlanningMapController';

export function usePlanningMap(container: React.RefObject<HTMLDivElement | null>, config: AppConfig, handlers: PlanningMapEvents, opts: { attributionInMap?: boolean; fitWards?: boolean } = {}) {
  const [style, setStyle] = useState<{ style: StyleSpecification; note: string | null } | null>(null);
  const [controller, setController] = useState<PlanningMapController | null>(null);
  const [wardError, setWardError] = useState<string | null>(null);
  const events = useRef(handlers);
  events.current = handlers;

  useEffect(() => {
    let live = true;
    void loadBaseStyle(config.basemapStyleUrl).then((r) => live && setStyle({ style: r.style, note: config.basemapStyleUrl ? r.fallbackReason : null }));
    return () => {
      live = false;
    };
  }, [config.basemapStyleUrl]);

  useEffect(() => {
    if (!style || !container.current) return;
    const c = new PlanningMapController(container.current, {
      style: style.style,
      camera: null,
      attribution: config.attribution,
      attributionInMap: opts.attributionInMap,
      events: {
        onInterventionClick: (id) => events.current.onInterventionClick(id),
        onWardClick: (code) => events.current.onWardClick(code),
        onMapClick: (ll) => events.current.onMapClick?.(ll),
        onCamera: (cam) => events.current.onCamera(cam),
        onDrawn: (g, f) => events.current.onDrawn(g, f),
      },
    });
    setController(c);
    const ac = new AbortController();
    void c
      .track(call(getAreas, { query: { level: 'ward' } }, { signal: ac.signal }) as Promise<AreaCollection>)
      .then((wards) => {
        c.setWards(wards, areaLabelPoints(wards));
        const b = areaBounds(wards);
        if (b && opts.fitWards !== false) c.fitBounds(b);
      })
      .catch((e) => {
        if (!isAbort(e)) setWardError(`Ward boundaries could not be loaded: ${(e as Error).message}`);
      });
    return () => {
      ac.abort();
      setController(null);
      c.destroy();
    };
    // Created once per page visit, when the basemap is known.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [style]);

  return { controller, basemapNote: style?.note ?? null, wardError };
}
