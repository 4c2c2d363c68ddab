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
  // Read once, when the map is created (later camera changes go through the controller).
  const camera = useRef(initialCamera);
  const handUp = useRef(onController);
  handUp.current = onController;

  useEffect(() => {
    const controller = new MapController(container.current!, {
      camera: camera.current,
      events: {
        onSelect: (s) => latestEvents.current.onSelect(s),
        onCamera: (c) => latestEvents.current.onCamera(c),
        onViewport: (b, z) => latestEvents.current.onViewport(b, z),
      },
    });
    handUp.current(controller);
    return () => {
      handUp.current(null);
      controller.destroy();
    };
  }, []);

  return <div ref={container} className="map-container" data-testid="map" aria-label="Map of incidents" role="region" />;
}
