// The one owner of every imperative MapLibre call. React creates it once and pushes state into it:
// overlay parameters (diffed against the layers already on the map), source data (skipped when the
// same object is pushed again) and feature states. It reports clicks, camera moves and readiness back.
import type { LayerSpecification, StyleSpecification } from '@maplibre/maplibre-gl-style-spec';
import type { FeatureCollection, Point, Polygon } from 'geojson';
import type { TerraDraw } from 'terra-draw';
import type { Bbox } from '../api/client';
import type { AreaCollection, AreaStat, IncidentProperties } from '../../../contract/aggregates';
import type { Camera, Selection } from '../state/url-state';
import { maplibregl } from './maplibre';
import { fallbackStyle } from './base-style';
import { MapControllerBase } from './controller-base';
import {
  AREA_LABEL_SOURCE,
  AREA_SOURCE,
  CHANGE_FILL_LAYER,
  EMERGING_FILL_LAYER,
  HEX_FILL_LAYER,
  HEX_SOURCE,
  HOTSPOT_FILL_LAYER,
  HOTSPOT_SOURCE,
  INCIDENT_CLUSTER_LAYER,
  INCIDENT_POINT_LAYER,
  INCIDENT_SOURCE,
  INCIDENT_TILE_POINT_LAYER,
  INCIDENT_TILE_SOURCE,
  WARD_FILL_LAYER,
  areaSources,
  hexSources,
  KDE_SOURCE,
  kdeSources,
  hotspotSources,
  incidentSources,
  incidentTileSource,
  incidentTileUrl,
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

/** The fills of the hotspot statistics (Gi*, emerging, change): clicking a unit selects it. */
const HOTSPOT_FILLS = [HOTSPOT_FILL_LAYER, EMERGING_FILL_LAYER, CHANGE_FILL_LAYER];
/** Layers that react to clicks and hover (pointer cursor), in click priority order. */
const POINT_LAYERS = [INCIDENT_POINT_LAYER, INCIDENT_TILE_POINT_LAYER];
const CLICKABLE = [...POINT_LAYERS, INCIDENT_CLUSTER_LAYER, ...HOTSPOT_FILLS, HEX_FILL_LAYER, WARD_FILL_LAYER];

export class MapController extends MapControllerBase {
  private events: MapEvents;
  private overlay: OverlayParams | null = null;
  /** The overlay layers currently on the map (null: none, e.g. during a style swap). */
  private applied: LayerSpecification[] | null = null;
  private styleReady = false;
  private areas: AreaCollection | null = null;
  private areaLabels: FeatureCollection = EMPTY_FC;
  private hexes: FeatureCollection = EMPTY_FC;
  private kde: FeatureCollection = EMPTY_FC;
  private incidents: FeatureCollection = EMPTY_FC;
  /** The incident tiles' URL template (its query: the filters). */
  private incidentTiles = incidentTileUrl(window.location.origin, {});
  private hotspots: FeatureCollection = EMPTY_FC;
  private areaStats: readonly AreaStat[] = [];
  private hoveredId: number | string | null = null;
  private popup: maplibregl.Popup | null = null;
  /** "Draw an area": terra-draw, loaded with its first use (keeps it out of the entry chunk). */
  private draw: TerraDraw | null = null;
  private drawing = false;
  /** When the last polygon was finished: the click that closed it is not a ward click. */
  private drawFinishedAt = 0;
  private drawnArea: Polygon | null = null;
  private onDrawn: ((polygon: Polygon) => void) | null = null;

  constructor(container: HTMLElement, opts: { camera: Camera | null; events: MapEvents }) {
    super(container, { style: fallbackStyle(), camera: opts.camera, zoom: 11 });
    this.events = opts.events;

    this.map.on('style.load', () => this.install());
    this.map.on('moveend', () => this.reportView());
    this.map.once('load', () => this.reportView());
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
    this.draw?.stop();
    this.map.remove();
    if (window.__saferplaces?.controller === this) delete window.__saferplaces;
  }

  // ---- basemap and attribution -------------------------------------------------------------

  /** Swaps the basemap; the overlay is re-installed on the new style's `style.load`. */
  setBaseStyle(style: StyleSpecification) {
    // terra-draw's layers go with the old style; the drawn area is drawn again on the new one (install).
    this.draw?.stop();
    this.draw = null;
    this.styleReady = false;
    this.applied = null;
    this.markBusy();
    this.map.setStyle(style as maplibregl.StyleSpecification, { diff: false });
  }

  // ---- overlay ------------------------------------------------------------------------------

  setOverlay(params: OverlayParams) {
    this.overlay = params;
    if (this.styleReady) this.applyLayers();
  }

  protected get ready() {
    return this.styleReady;
  }

  private install() {
    this.styleReady = true;
    const sources = {
      ...areaSources(this.areas ?? EMPTY_FC, this.areaLabels),
      ...hexSources(this.hexes),
      ...kdeSources(this.kde),
      ...hotspotSources(this.hotspots),
      ...incidentSources(this.incidents),
      ...incidentTileSource(this.incidentTiles),
    };
    for (const [id, spec] of Object.entries(sources)) {
      if (!this.map.getSource(id)) this.map.addSource(id, spec as maplibregl.SourceSpecification);
    }
    this.applied = [];
    this.applyLayers();
    this.applyAreaStates();
    if (this.drawnArea && !this.draw) void this.showDrawn(this.drawnArea);
    // A basemap swap in the middle of drawing: polygon mode again on the new style (the points so far are lost).
    if (this.drawing && this.onDrawn) void this.startPolygonDraw(this.onDrawn);
  }

  private applyLayers() {
    if (!this.overlay) return;
    const next = overlayLayers(this.overlay);
    this.applyLayerDiff(this.applied ?? [], next);
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

  /** The kernel density surface's squares (prepare/kde.ts); the same object again is skipped. */
  setKde(fc: FeatureCollection) {
    if (fc === this.kde) return;
    this.kde = fc;
    this.setSourceData(KDE_SOURCE, fc);
  }

  /** Units of the hotspot statistic shown (prepare/hotspots.ts); the same object again is skipped. */
  setHotspots(fc: FeatureCollection) {
    if (fc === this.hotspots) return;
    this.hotspots = fc;
    this.setSourceData(HOTSPOT_SOURCE, fc);
  }

  setIncidents(fc: FeatureCollection) {
    if (fc === this.incidents) return;
    this.incidents = fc;
    this.popup?.remove();
    this.setSourceData(INCIDENT_SOURCE, fc);
  }

  /** The filters of the incident tiles (from zoom 14); `reload` fetches them again (new data: the ETag says). */
  setIncidentTiles(query: Record<string, string | undefined>, reload = false) {
    const url = incidentTileUrl(window.location.origin, query);
    if (url === this.incidentTiles && !reload) return;
    this.incidentTiles = url;
    if (!this.styleReady) return;
    const src = this.map.getSource(INCIDENT_TILE_SOURCE) as maplibregl.VectorTileSource | undefined;
    src?.setTiles([url]);
    this.markBusy();
  }

  // ---- camera -------------------------------------------------------------------------------

  fitBounds(b: Bbox, animate = false) {
    // Extra room at the bottom for the (several lines of) attribution.
    this.fitBbox(b, { top: 32, left: 32, right: 32, bottom: 72 }, animate);
  }

  jumpTo(c: Camera) {
    const cur = this.map.getCenter();
    if (Math.abs(cur.lng - c.lng) < 1e-5 && Math.abs(cur.lat - c.lat) < 1e-5 && Math.abs(this.map.getZoom() - c.zoom) < 0.01)
      return;
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
    const { bbox, zoom } = this.viewport();
    this.events.onCamera(this.camera());
    this.events.onViewport(bbox, zoom);
  }

  // ---- interaction ----------------------------------------------------------------------------

  private handleClick(e: maplibregl.MapMouseEvent) {
    if (this.drawing || performance.now() - this.drawFinishedAt < 500) return;
    const layers = this.visibleLayers(CLICKABLE);
    if (layers.length === 0) return;
    const hits = this.map.queryRenderedFeatures(e.point, { layers });
    const first = (layer: string) => hits.find((f) => f.layer.id === layer);

    const points = hits.filter((f) => POINT_LAYERS.includes(f.layer.id));
    if (points.length) {
      this.showIncidentPopup(points as unknown as GeoJSON.Feature<Point, IncidentProperties>[]);
      return;
    }
    const cluster = first(INCIDENT_CLUSTER_LAYER);
    if (cluster) {
      const src = this.map.getSource(INCIDENT_SOURCE) as maplibregl.GeoJSONSource;
      const center = (cluster.geometry as Point).coordinates as [number, number];
      void src
        .getClusterExpansionZoom(cluster.properties.cluster_id)
        .then((zoom) => this.map.easeTo({ center, zoom: zoom + 0.1 }));
      return;
    }
    const unit = hits.find((f) => HOTSPOT_FILLS.includes(f.layer.id));
    if (unit) {
      const { h3, code } = unit.properties as { h3?: string; code?: string };
      this.events.onSelect(h3 ? { kind: 'hex', h3 } : code ? { kind: 'area', code } : null);
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
    if (this.drawing) return;
    const hits = this.renderedAt(e.point, CLICKABLE);
    this.map.getCanvas().style.cursor = hits.length ? 'pointer' : '';
    const area = hits.find((f) => f.layer.id === WARD_FILL_LAYER);
    this.setHover(area?.id ?? null);
  }

  private setHover(id: number | string | null) {
    if (id === this.hoveredId) return;
    if (this.hoveredId !== null && this.map.getSource(AREA_SOURCE))
      this.map.setFeatureState({ source: AREA_SOURCE, id: this.hoveredId }, { hover: false });
    this.hoveredId = id;
    if (id !== null) this.map.setFeatureState({ source: AREA_SOURCE, id }, { hover: true });
  }

  // ---- drawing an area (terra-draw polygon mode) ----------------------------------------------

  private async drawTool(): Promise<TerraDraw> {
    if (this.draw) return this.draw;
    const [{ TerraDraw, TerraDrawPolygonMode }, { TerraDrawMapLibreGLAdapter }] = await Promise.all([
      import('terra-draw'),
      import('terra-draw-maplibre-gl-adapter'),
    ]);
    // Not map.isStyleLoaded(): it is false while any tile or source is loading, after `style.load` has
    // fired, so waiting for `style.load` then would wait for ever. `styleReady` is set by install().
    if (!this.styleReady) await this.map.once('style.load');
    if (this.draw) return this.draw;
    const draw = new TerraDraw({
      adapter: new TerraDrawMapLibreGLAdapter({ map: this.map, coordinatePrecision: 9 }),
      modes: [
        new TerraDrawPolygonMode({
          styles: {
            fillColor: '#6a3d9a',
            fillOpacity: 0.12,
            outlineColor: '#6a3d9a',
            outlineWidth: 3,
            closingPointColor: '#ffffff',
            closingPointOutlineColor: '#6a3d9a',
            closingPointWidth: 6,
          },
        }),
      ],
    });
    draw.start();
    draw.on('finish', (id) => this.drawFinished(draw, id));
    this.draw = draw;
    return draw;
  }

  private async showDrawn(p: Polygon) {
    const draw = await this.drawTool();
    draw.addFeatures([{ type: 'Feature', geometry: p, properties: { mode: 'polygon' } }]);
  }

  /** Click points on the map; click the first point again (or press Enter) to close the polygon. Resolves
   *  once terra-draw (loaded on first use) is in polygon mode and takes clicks. */
  async startPolygonDraw(onFinish: (polygon: Polygon) => void): Promise<void> {
    const draw = await this.drawTool();
    draw.clear();
    this.onDrawn = onFinish;
    this.drawing = true;
    this.drawnArea = null;
    this.popup?.remove();
    this.setHover(null);
    draw.setMode('polygon');
  }

  private drawFinished(draw: TerraDraw, id: string | number) {
    const f = draw.getSnapshotFeature(id);
    if (!this.drawing || f?.geometry.type !== 'Polygon') return;
    this.drawing = false;
    this.drawFinishedAt = performance.now();
    this.drawnArea = f.geometry as Polygon;
    draw.setMode('static');
    this.onDrawn?.(this.drawnArea);
  }

  /** Shows an area drawn elsewhere (a meeting's presenter) as the drawn area; null removes it. */
  async showDrawnArea(p: Polygon | null): Promise<void> {
    this.clearDrawn();
    if (!p) return;
    this.drawnArea = p;
    const draw = await this.drawTool();
    if (this.drawnArea !== p) return;
    draw.clear();
    draw.setMode('static');
    await this.showDrawn(p);
  }

  /** Removes the drawn area (or stops drawing one). */
  clearDrawn() {
    this.drawing = false;
    this.drawnArea = null;
    if (!this.draw) return;
    this.draw.clear();
    this.draw.setMode('static');
    this.map.getCanvas().style.cursor = '';
  }
}
