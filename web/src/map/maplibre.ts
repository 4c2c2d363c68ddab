// MapLibre, with its worker URL set for the Vite build (without it production builds fail: "Worker failed to load"),
// and the pmtiles:// protocol registered once, for the app's own basemap archive (api/basemap/).
import * as maplibregl from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { Protocol } from 'pmtiles';
import 'maplibre-gl/dist/maplibre-gl.css';

maplibregl.setWorkerUrl(workerUrl);
maplibregl.addProtocol('pmtiles', new Protocol().tile);

export { maplibregl };
