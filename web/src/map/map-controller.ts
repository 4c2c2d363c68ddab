// The one owner of every imperative MapLibre call. React creates it once and pushes state into it:
// overlay parameters (diffed against the layers already on the map), source data (skipped when the
// same object is pushed again) and feature states. It reports clicks, camera moves and readiness back.
import { diff, type LayerSpecification, type StyleSpecification } from '@maplibre/maplibre-gl-style-spec';
import type { FeatureCollection, Point } from 'geojson';
import type { Bbox } from '../api/client';
import type { AreaCollection, AreaStat, IncidentProperties } from '../api/types';
import type { Camera, Selection } from '../state/url-state';
import { maplibregl } from './maplibre';
import { fallbackStyle } from './base-style';
import {
  AREA_LABEL_SOURCE,
  AREA_SOURCE,
  HEX_FILL_LAYER,
  HEX_SOURCE,
  INCIDENT_CLUSTER_LAYER,
  INCIDENT_POINT_LAYER,
  INCIDENT_SOURCE,
  WARD_FILL_LAYER,
  areaSources,
  hexSources,
  incidentSources,
  overlayLayers,
  type OverlayParams,
} from './layers';
import { EMPTY_FC } from './layers/common';
import { areaBounds, areaFeatureStates, areaLabelPoints } from './prepare/areas';
import { incidentPopup } from './prepare/incidents';
import { popupElement } from './popup-dom';

export interface MapEvents {
  /** A ward or hexagon was clicked (null: empty map clicked). */
  onSelect(sel: Selection): void;
  /** The camera settled (user or programmatic move). */
  onCamera(camera: Camera): void;
  /** The visible extent after a move, for viewport-driven fetches. */
  onViewport(bbox: Bbox, zoom: number): void;
}

export interface SaferplacesTestHook {
  map: maplibregl.Map;
  controller: MapController;
  /** Resolves the next time the map is idle with all data loaded. */
  idle(): Promise<void>;
}

declare global {
  interface Window {
    __saferplaces?: SaferplacesTestHook;
  }
}

/** Layer-diff commands the controller applies one to one as Map methods. */
const LAYER_COMMANDS = new Set(['addLayer', 'removeLayer', 'setPaintProperty', 'setLayoutProperty', 'setFilter', 'setLayerZoomRange']);

export class MapController {
  readonly map: maplibregl.Map;
  private readonly container: HTMLElement;
  private events: MapEvents;
  private overlay: OverlayParams | null = null;
  /** The overlay layers currently on the map (null: none, e.g. during a style swap). */
  private applied: LayerSpecification[] | null = null;
  private styleReady = false;
  private areas: AreaCollection | null = null;
  private areaLabels: FeatureCollection = EMPTY_FC;
  private hexes: FeatureCollection = EMPTY_FC;
  private incidents: FeatureCollection = EMPTY_FC;
  private areaStats: readonly AreaStat[] = [];
  private hoveredId: number | string | null = null;
  private attribution: maplibregl.AttributionControl | null = null;
  private popup: maplibregl.Popup | null = null;
  private pending = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(container: HTMLElement, opts: { camera: Camera | null; events: MapEvents }) {
    this.container = container;
    this.events = opts.events;
    this.container.dataset.mapIdle = 'false';
    const cam = opts.camera;
    this.map = new maplibregl.Map({
      container,
      style: fallbackStyle() as maplibregl.StyleSpecification,
      center: cam ? [cam.lng, cam.lat] : [-0.02, 51.45],
      zoom: cam ? cam.zoom : 11,
      attributionControl: false,
      maxPitch: 0,
      dragRotate: false,
      canvasContextAttributes: { preserveDrawingBuffer: true },
    });
    this.map.touchZoomRotate.disableRotation();
    this.map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    this.map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');

    this.map.on('style.load', () => this.install());
    this.map.on('moveend', () => this.reportView());
    this.map.once('load', () => this.reportView());
    this.map.on('idle', () => this.checkIdle());
    this.map.on('dataloading', () => this.markBusy());
    this.map.on('click', (e) => this.handleClick(e));
    this.map.on('mousemove', (e) => this.handleHover(e));
    this.map.on('mouseout', () => this.setHover(null));

    window.__saferplaces = { map: this.map, controller: this, idle: () => this.whenIdle() };
  }

  setEvents(events: MapEvents) {
    this.events = events;
  }

  destroy() {
    this.popup?.remove();
    this.map.remove();
    if (window.__saferplaces?.controller === this) delete window.__saferplaces;
  }

  // ---- basemap and attribution -------------------------------------------------------------

  /** Swaps the basemap; the overlay is re-installed on the new style's `style.load`. */
  setBaseStyle(style: StyleSpecification) {
    this.styleReady = false;
    this.applied = null;
    this.markBusy();
    this.map.setStyle(style as maplibregl.StyleSpecification, { diff: false });
  }

  setAttribution(lines: string[]) {
    if (this.attribution) this.map.removeControl(this.attribution);
    this.attribution = new maplibregl.AttributionControl({ compact: false, customAttribution: lines });
    this.map.addControl(this.attribution, 'bottom-right');
  }

  // ---- overlay ------------------------------------------------------------------------------

  setOverlay(params: OverlayParams) {
    this.overlay = params;
    if (this.styleReady) this.applyLayers();
  }

  private install() {
    this.styleReady = true;
    const sources = {
      ...areaSources(this.areas ?? EMPTY_FC, this.areaLabels),
      ...hexSources(this.hexes),
      ...incidentSources(this.incidents),
    };
    for (const [id, spec] of Object.entries(sources)) {
      if (!this.map.getSource(id)) this.map.addSource(id, spec as maplibregl.SourceSpecification);
    }
    this.applied = [];
    this.applyLayers();
    this.applyAreaStates();
  }

  private applyLayers() {
    if (!this.overlay) return;
    const next = overlayLayers(this.overlay);
    const prev = this.applied ?? [];
    const cmds = diff({ version: 8, sources: {}, layers: prev }, { version: 8, sources: {}, layers: next });
    const map = this.map as unknown as Record<string, (...args: unknown[]) => unknown>;
    for (const c of cmds) {
      if (LAYER_COMMANDS.has(c.command)) {
        map[c.command].apply(this.map, c.args);
      } else {
        // Anything else (a changed type or source): replace the layer.
        const id = (c.args as [string])[0];
        const spec = next.find((l) => l.id === id);
        if (this.map.getLayer(id)) this.map.removeLayer(id);
        if (spec) this.map.addLayer(spec as maplibregl.AddLayerObject, next[next.indexOf(spec) + 1]?.id);
      }
    }
    this.applied = next;
  }

  // ---- data -----------------------------------------------------------------------------------

  private setSourceData(id: string, data: FeatureCollection) {
    if (!this.styleReady) return;
    const src = this.map.getSource(id) as maplibregl.GeoJSONSource | undefined;
    src?.setData(data as GeoJSON.GeoJSON);
    this.markBusy();
  }

  setAreas(areas: AreaCollection) {
    if (areas === this.areas) return;
    this.areas = areas;
    this.areaLabels = areaLabelPoints(areas);
    this.hoveredId = null;
    this.setSourceData(AREA_SOURCE, areas);
    this.setSourceData(AREA_LABEL_SOURCE, this.areaLabels);
    this.applyAreaStates();
  }

  /** Statistics per area code, shown as feature state `count` / `rate` on the matching polygons. */
  setAreaStats(rows: readonly AreaStat[]) {
    if (rows === this.areaStats) return;
    this.areaStats = rows;
    this.applyAreaStates();
  }

  private applyAreaStates() {
    if (!this.styleReady || !this.areas || !this.map.getSource(AREA_SOURCE)) return;
    this.map.removeFeatureState({ source: AREA_SOURCE });
    this.hoveredId = null;
    for (const { id, state } of areaFeatureStates(this.areas, this.areaStats)) {
      this.map.setFeatureState({ source: AREA_SOURCE, id }, { ...state });
    }
    this.markBusy();
    this.map.triggerRepaint();
  }

  setHexes(fc: FeatureCollection) {
    if (fc === this.hexes) return;
    this.hexes = fc;
    this.setSourceData(HEX_SOURCE, fc);
  }

  setIncidents(fc: FeatureCollection) {
    if (fc === this.incidents) return;
    this.incidents = fc;
    this.popup?.remove();
    this.setSourceData(INCIDENT_SOURCE, fc);
  }

  // ---- camera -------------------------------------------------------------------------------

  fitBounds(b: Bbox, animate = false) {
    this.map.fitBounds(
      [
        [b[0], b[1]],
        [b[2], b[3]],
      ],
      // Extra room at the bottom for the (several lines of) attribution.
      { padding: { top: 32, left: 32, right: 32, bottom: 72 }, animate, maxZoom: 16 },
    );
  }

  jumpTo(c: Camera) {
    const cur = this.map.getCenter();
    if (Math.abs(cur.lng - c.lng) < 1e-5 && Math.abs(cur.lat - c.lat) < 1e-5 && Math.abs(this.map.getZoom() - c.zoom) < 0.01) return;
    this.map.jumpTo({ center: [c.lng, c.lat], zoom: c.zoom });
  }

  zoomToArea(code: string) {
    if (!this.areas) return;
    const b = areaBounds(this.areas, code);
    if (b) this.fitBounds(b, true);
  }

  viewport(): { bbox: Bbox; zoom: number } {
    const b = this.map.getBounds();
    return { bbox: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], zoom: this.map.getZoom() };
  }

  private reportView() {
    const c = this.map.getCenter();
    const { bbox, zoom } = this.viewport();
    this.events.onCamera({ zoom, lat: c.lat, lng: c.lng });
    this.events.onViewport(bbox, zoom);
  }

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

  private markBusy() {
    this.container.dataset.mapIdle = 'false';
  }

  private checkIdle() {
    if (this.pending > 0 || !this.styleReady || !this.map.loaded()) return;
    this.container.dataset.mapIdle = 'true';
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    waiters.forEach((w) => w());
  }

  whenIdle(): Promise<void> {
    if (this.container.dataset.mapIdle === 'true') return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  // ---- interaction ----------------------------------------------------------------------------

  private visibleLayers(ids: string[]): string[] {
    return ids.filter((id) => this.map.getLayer(id) && this.map.getLayoutProperty(id, 'visibility') !== 'none');
  }

  private handleClick(e: maplibregl.MapMouseEvent) {
    const layers = this.visibleLayers([INCIDENT_POINT_LAYER, INCIDENT_CLUSTER_LAYER, HEX_FILL_LAYER, WARD_FILL_LAYER]);
    if (layers.length === 0) return;
    const hits = this.map.queryRenderedFeatures(e.point, { layers });
    const first = (layer: string) => hits.find((f) => f.layer.id === layer);

    const points = hits.filter((f) => f.layer.id === INCIDENT_POINT_LAYER);
    if (points.length) {
      this.showIncidentPopup(points as unknown as GeoJSON.Feature<Point, IncidentProperties>[]);
      return;
    }
    const cluster = first(INCIDENT_CLUSTER_LAYER);
    if (cluster) {
      const src = this.map.getSource(INCIDENT_SOURCE) as maplibregl.GeoJSONSource;
      const center = (cluster.geometry as Point).coordinates as [number, number];
      void src.getClusterExpansionZoom(cluster.properties.cluster_id).then((zoom) => this.map.easeTo({ center, zoom: zoom + 0.1 }));
      return;
    }
    const hex = first(HEX_FILL_LAYER);
    if (hex) {
      this.events.onSelect({ kind: 'hex', h3: String(hex.properties.h3) });
      return;
    }
    const area = first(WARD_FILL_LAYER);
    this.events.onSelect(area ? { kind: 'area', code: String(area.properties.code) } : null);
  }

  private showIncidentPopup(points: GeoJSON.Feature<Point, IncidentProperties>[]) {
    const [p, ...rest] = points;
    const cats = [...new Set(rest.map((r) => r.properties.category_label || r.properties.category))];
    this.popup?.remove();
    this.popup = new maplibregl.Popup({ maxWidth: '320px', closeButton: true })
      .setLngLat(p.geometry.coordinates as [number, number])
      .setDOMContent(popupElement(incidentPopup(p.properties), { count: rest.length, categories: cats }))
      .addTo(this.map);
  }

  private handleHover(e: maplibregl.MapMouseEvent) {
    const layers = this.visibleLayers([INCIDENT_POINT_LAYER, INCIDENT_CLUSTER_LAYER, HEX_FILL_LAYER, WARD_FILL_LAYER]);
    const hits = layers.length ? this.map.queryRenderedFeatures(e.point, { layers }) : [];
    this.map.getCanvas().style.cursor = hits.length ? 'pointer' : '';
    const area = hits.find((f) => f.layer.id === WARD_FILL_LAYER);
    this.setHover(area?.id ?? null);
  }

  private setHover(id: number | string | null) {
    if (id === this.hoveredId) return;
    if (this.hoveredId !== null && this.map.getSource(AREA_SOURCE)) this.map.setFeatureState({ source: AREA_SOURCE, id: this.hoveredId }, { hover: false });
    this.hoveredId = id;
    if (id !== null) this.map.setFeatureState({ source: AREA_SOURCE, id }, { hover: true });
  }
}
