// The map container. Creates the one MapController for the page and hands it up; nothing else here
// touches MapLibre.
import { useEffect, useRef } from 'react';
import { MapController, type MapEvents } from '../../map/map-controller';
import type { Camera } from '../../state/url-state';

export function MapView({
  initialCamera,
  events,
  onController,
}: {
  initialCamera: Camera | null;
  events: MapEvents;
  onController: (c: MapController | null) => void;
}) {
  const container = useRef<HTMLDivElement>(null);
  const latestEvents = useRef(events);
  latestEvents.current = events;

  useEffect(() => {
    const controller = new MapController(container.current!, {
      camera: initialCamera,
      events: {
        onSelect: (s) => latestEvents.current.onSelect(s),
        onCamera: (c) => latestEvents.current.onCamera(c),
        onViewport: (b, z) => latestEvents.current.onViewport(b, z),
      },
    });
    onController(controller);
    return () => {
      onController(null);
      controller.destroy();
    };
    // Created once per mount; later camera changes go through the controller.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return <div ref={container} className="map-container" data-testid="map" aria-label="Map of incidents" role="region" />;
}
