// What every map controller (main map, School routes, Planning/CHB) shares: the MapLibre map with the
// app's common options and controls, the readiness signal the browser tests wait for (`data-map-idle`
// on the container, `whenIdle()`), request tracking, and applying a layer diff to the map.
import { diff, type LayerSpecification, type StyleSpecification } from '@maplibre/maplibre-gl-style-spec';
import type { Bbox } from '../api/client';
import type { Camera } from '../state/url-state';
import { BASEMAP_SOURCE } from './base-style';
import { maplibregl } from './maplibre';

/** Layer-diff commands applied one to one as Map methods. */
const LAYER_COMMANDS = new Set([
  'addLayer',
  'removeLayer',
  'setPaintProperty',
  'setLayoutProperty',
  'setFilter',
  'setLayerZoomRange',
]);

export abstract class MapControllerBase {
  readonly map: maplibregl.Map;
  protected readonly container: HTMLElement;
  private pending = 0;
  private idleWaiters: (() => void)[] = [];

  /** A map without rotation or pitch, with navigation and scale controls, not idle until `ready`. */
  constructor(container: HTMLElement, opts: { style: StyleSpecification; camera: Camera | null; zoom: number }) {
    this.container = container;
    container.dataset.mapIdle = 'false';
    const cam = opts.camera;
    this.map = new maplibregl.Map({
      container,
      style: opts.style as maplibregl.StyleSpecification,
      center: cam ? [cam.lng, cam.lat] : [-0.02, 51.45],
      zoom: cam ? cam.zoom : opts.zoom,
      attributionControl: false,
      maxPitch: 0,
      dragRotate: false,
      canvasContextAttributes: { preserveDrawingBuffer: true },
    });
    this.map.touchZoomRotate.disableRotation();
    this.map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    this.map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
    this.map.on('idle', () => this.checkIdle());
    this.map.on('dataloading', () => this.markBusy());
    // Every map credits its basemap (the style's source attribution) in the compact "i" control, also
    // where the page shows its data credits beside the map instead (the CHB dashboard).
    this.attributionControl = new maplibregl.AttributionControl({ compact: true });
    this.map.addControl(this.attributionControl, 'bottom-right');
    // MapLibre opens a compact attribution when it first gets text (here: when the basemap loads) until the
    // first drag; keep it closed over the data until someone opens it.
    const keepClosed = () => {
      if (!this.attributionOpened)
        this.container.querySelector('.maplibregl-ctrl-attrib')?.classList.remove('maplibregl-compact-show');
    };
    this.map.on('styledata', keepClosed);
    this.map.on('sourcedata', keepClosed);
    container.addEventListener('click', (e) => {
      if ((e.target as Element).closest?.('.maplibregl-ctrl-attrib-button')) this.attributionOpened = true;
    });
  }

  private attributionControl: maplibregl.AttributionControl | null = null;
  private attributionOpened = false;

  /**
   * The data credits as a compact "i" control (issue 13): collapsed at first, opened by a click, instead of
   * several lines over the map. Replaces any earlier one.
   */
  setAttribution(lines: string[]) {
    if (this.attributionControl) this.map.removeControl(this.attributionControl);
    this.attributionOpened = false;
    this.attributionControl = new maplibregl.AttributionControl({ compact: true, customAttribution: lines });
    this.map.addControl(this.attributionControl, 'bottom-right');
    // MapLibre opens a compact attribution until the first drag; start it closed.
    this.container.querySelector('.maplibregl-ctrl-attrib')?.classList.remove('maplibregl-compact-show');
  }

  /** The controller's sources and layers are on the map (idle is only reported after that). */
  protected abstract get ready(): boolean;

  // ---- readiness ------------------------------------------------------------------------------

  /** Counts a data request towards "not idle" until it settles. */
  track<T>(p: Promise<T>): Promise<T> {
    this.pending++;
    this.markBusy();
    const done = () => {
      this.pending--;
      // The next render after the data lands fires 'idle' again.
      if (this.pending === 0) this.map.triggerRepaint();
    };
    p.then(done, done);
    return p;
  }

  protected markBusy() {
    this.container.dataset.mapIdle = 'false';
  }

  private checkIdle() {
    if (this.pending > 0 || !this.ready || !this.map.loaded()) return;
    this.container.dataset.mapIdle = 'true';
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    waiters.forEach((w) => w());
  }

  /** Resolves the next time the map is idle with all data loaded. */
  whenIdle(): Promise<void> {
    if (this.container.dataset.mapIdle === 'true') return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** The map's current centre and zoom. */
  protected camera(): Camera {
    const c = this.map.getCenter();
    return { zoom: this.map.getZoom(), lat: c.lat, lng: c.lng };
  }

  protected fitBbox(b: Bbox, padding: number | maplibregl.PaddingOptions, animate: boolean) {
    this.map.fitBounds(
      [
        [b[0], b[1]],
        [b[2], b[3]],
      ],
      { padding, animate, maxZoom: 16 },
    );
  }

  /** Those of `layers` that are on the map and visible. */
  protected visibleLayers(ids: string[]): string[] {
    return ids.filter((id) => this.map.getLayer(id) && this.map.getLayoutProperty(id, 'visibility') !== 'none');
  }

  /** Features under a point in those of `layers` that are on the map and visible. */
  protected renderedAt(point: maplibregl.PointLike, layers: string[]) {
    const present = this.visibleLayers(layers);
    return present.length ? this.map.queryRenderedFeatures(point, { layers: present }) : [];
  }

  /**
   * Brings the map's layers from `prev` to `next` with the style-spec diff; a layer whose type or source
   * changed is replaced. `defaultBefore` names the layer to insert below when the diff gives none.
   */
  protected applyLayerDiff(prev: LayerSpecification[], next: LayerSpecification[], defaultBefore?: () => string | undefined) {
    this.applyDiffCommands(prev, next, defaultBefore);
    this.keepBasemapLabelsOnTop(next);
  }

  /**
   * The overlay's fills, lines and points go under the basemap's labels (street and place names stay
   * readable over hexagons and wards); its own labels stay above everything. In order, so the overlay's own
   * stacking is kept. Nothing moves when the basemap has no labels (the plain background).
   */
  private keepBasemapLabelsOnTop(next: LayerSpecification[]) {
    const order = this.map.getLayersOrder();
    const labelAt = order.findIndex((id) => {
      const l = this.map.getLayer(id);
      return l?.type === 'symbol' && l.source === BASEMAP_SOURCE;
    });
    if (labelAt < 0) return;
    const below = next.filter((l) => l.type !== 'symbol' && this.map.getLayer(l.id)).map((l) => l.id);
    if (below.every((id) => order.indexOf(id) < labelAt)) return;
    for (const id of below) this.map.moveLayer(id, order[labelAt]);
  }

  private applyDiffCommands(prev: LayerSpecification[], next: LayerSpecification[], defaultBefore?: () => string | undefined) {
    const target = this.map as unknown as Record<string, (...args: unknown[]) => unknown>;
    for (const c of diff({ version: 8, sources: {}, layers: prev }, { version: 8, sources: {}, layers: next })) {
      if (c.command === 'addLayer' && defaultBefore) {
        const [spec, before] = c.args as [maplibregl.AddLayerObject, string | undefined];
        this.map.addLayer(spec, before ?? defaultBefore());
      } else if (LAYER_COMMANDS.has(c.command)) {
        target[c.command].apply(this.map, c.args as unknown[]);
      } else {
        const id = (c.args as [string])[0];
        const i = next.findIndex((l) => l.id === id);
        if (this.map.getLayer(id)) this.map.removeLayer(id);
        if (i >= 0) this.map.addLayer(next[i] as maplibregl.AddLayerObject, next[i + 1]?.id ?? defaultBefore?.());
      }
    }
  }
}
