// The planning maps' controller (Planning and CHB pages): the one owner of their imperative MapLibre and
// terra-draw calls, as web/src/map/map-controller.ts is for the main map. React creates it once and pushes
// layer parameters (diffed against what is on the map), source data (skipped when the same object comes
// again) and drawing commands into it; it reports intervention and ward clicks, camera moves and the shape
// being drawn back.
import type { LayerSpecification, StyleSpecification } from '@maplibre/maplibre-gl-style-spec';
import type { FeatureCollection, Point, Polygon } from 'geojson';
import { TerraDraw, TerraDrawPointMode, TerraDrawPolygonMode, TerraDrawSelectMode } from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';
import { DrawEditor } from '../../map/draw-editor';
import { maplibregl } from '../../map/maplibre';
import { MapControllerBase } from '../../map/controller-base';
import { EMPTY_FC } from '../../map/layers/common';
import { CHB_SOURCE, PLAN_WARD_FILL_LAYER, PLAN_WARD_LABEL_SOURCE, PLAN_WARD_SOURCE } from '../../map/layers/chb';
import { INTERVENTION_INTERACTIVE_LAYERS, INTERVENTION_SOURCE } from '../../map/layers/interventions';
import { GAP_SOURCE, OUTREACH_SOURCE, PATROL_SOURCE } from '../../map/layers/patrol';
import { planningLayers, planningSources, type PlanningLayerParams, type SourceKey } from './planning-layers';
import { siteGeometry } from '../../map/prepare/planning';
import type { Bbox } from '../../api/client';
import type { SiteGeometry } from '../../../../contract/planning';
import type { Camera } from '../../state/url-state';

export interface PlanningMapEvents {
  onInterventionClick(id: number | null): void;
  onWardClick(code: string | null): void;
  /** Any click on the map outside the drawing tool, with where it was (lon, lat): the CHB page picks H3 cells. */
  onMapClick?(lngLat: [number, number]): void;
  onCamera(c: Camera): void;
  /** The shape being drawn or edited changed; `finished` when a new shape was completed. */
  onDrawn(g: SiteGeometry | null, finished: boolean): void;
}

export type DrawKind = 'point' | 'polygon';
export type { PlanningLayerParams };

declare global {
  interface Window {
    /** Test hook (browser tests): the planning map, its controller and an idle promise. */
    __saferplacesPlanning?: { map: maplibregl.Map; controller: PlanningMapController; idle(): Promise<void> };
  }
}

const DRAW_COLOUR = '#6a3d9a';

export class PlanningMapController extends MapControllerBase {
  private events: PlanningMapEvents;
  private params: PlanningLayerParams | null = null;
  private onMap: LayerSpecification[] | null = null;
  private data = new Map<SourceKey, FeatureCollection>();
  private editor = new DrawEditor<SiteGeometry>({
    editMode: 'select',
    read: (d) => {
      const f = d.getSnapshot().find((x) => x.geometry.type === 'Point' || x.geometry.type === 'Polygon');
      return f ? siteGeometry(f.geometry as Point | Polygon) : null;
    },
    onDrawn: (shape, finished) => this.events.onDrawn(shape, finished),
    canvas: () => this.map.getCanvas(),
  });
  private readonly attributionInMap: boolean;

  constructor(
    container: HTMLElement,
    opts: {
      style: StyleSpecification;
      camera: Camera | null;
      attribution: string[];
      attributionInMap?: boolean;
      events: PlanningMapEvents;
    },
  ) {
    super(container, { style: opts.style, camera: opts.camera, zoom: 11.5 });
    this.events = opts.events;
    // Small maps (the CHB dashboard) show the attribution beside the map instead, so it does not cover it.
    this.attributionInMap = opts.attributionInMap ?? true;
    if (this.attributionInMap) this.setAttribution(opts.attribution);
    this.map.once('style.load', () => this.install());
    this.map.on('moveend', () => this.events.onCamera(this.camera()));
    this.map.on('click', (e) => this.handleClick(e));
    this.map.on('mousemove', (e) => this.handleHover(e));
    window.__saferplacesPlanning = { map: this.map, controller: this, idle: () => this.whenIdle() };
  }

  setEvents(e: PlanningMapEvents) {
    this.events = e;
  }

  destroy() {
    this.editor.destroy();
    this.map.remove();
    if (window.__saferplacesPlanning?.controller === this) delete window.__saferplacesPlanning;
  }

  protected get ready() {
    return this.onMap !== null;
  }

  private install() {
    const sources = planningSources(Object.fromEntries(this.data));
    for (const [id, spec] of Object.entries(sources)) this.map.addSource(id, spec as maplibregl.SourceSpecification);
    this.onMap = [];
    this.applyLayers();
    const styles = {
      point: { pointColor: DRAW_COLOUR, pointWidth: 7, pointOutlineColor: '#ffffff', pointOutlineWidth: 2 },
      polygon: {
        fillColor: DRAW_COLOUR,
        fillOpacity: 0.2,
        outlineColor: DRAW_COLOUR,
        outlineWidth: 3,
        closingPointColor: '#ffffff',
        closingPointOutlineColor: DRAW_COLOUR,
        closingPointWidth: 6,
      },
    } as const;
    this.editor.attach(
      new TerraDraw({
        adapter: new TerraDrawMapLibreGLAdapter({ map: this.map, coordinatePrecision: 9 }),
        modes: [
          new TerraDrawPointMode({ styles: styles.point }),
          new TerraDrawPolygonMode({ styles: styles.polygon }),
          new TerraDrawSelectMode({
            flags: {
              point: { feature: { draggable: true } },
              polygon: { feature: { draggable: true, coordinates: { midpoints: true, draggable: true, deletable: true } } },
            },
            styles: {
              selectedPointColor: DRAW_COLOUR,
              selectedPointWidth: 8,
              selectedPointOutlineColor: '#ffffff',
              selectedPolygonColor: DRAW_COLOUR,
              selectedPolygonFillOpacity: 0.2,
              selectedPolygonOutlineColor: DRAW_COLOUR,
              selectedPolygonOutlineWidth: 3,
              selectionPointColor: '#ffffff',
              selectionPointOutlineColor: DRAW_COLOUR,
              selectionPointWidth: 6,
              midPointColor: DRAW_COLOUR,
            },
          }),
        ],
      }),
    );
  }

  // ---- layers and data ----------------------------------------------------------------------

  setParams(p: PlanningLayerParams) {
    this.params = p;
    if (this.ready) this.applyLayers();
  }

  private applyLayers() {
    if (!this.params) return;
    const next = planningLayers(this.params);
    // terra-draw's own layers stay on top: new layers go below the first of them.
    this.applyLayerDiff(this.onMap ?? [], next, () => this.map.getStyle().layers.find((l) => l.id.startsWith('td-'))?.id);
    this.onMap = next;
    this.markBusy();
  }

  private setData(id: SourceKey, fc: FeatureCollection | null) {
    const data = fc ?? EMPTY_FC;
    if (this.data.get(id) === data) return;
    this.data.set(id, data);
    if (!this.ready) return;
    (this.map.getSource(id) as maplibregl.GeoJSONSource).setData(data as GeoJSON.GeoJSON);
    this.markBusy();
  }

  setWards(fc: FeatureCollection, labels: FeatureCollection) {
    this.setData(PLAN_WARD_SOURCE, fc);
    this.setData(PLAN_WARD_LABEL_SOURCE, labels);
    if (this.nameMarkersWanted) this.showWardNameMarkers(true);
  }

  // Ward names as HTML markers (CHB create map), for styles without glyphs (the offline background):
  // a symbol layer cannot draw text there. With glyphs, the label layer draws them and no marker is added.
  private nameMarkers: maplibregl.Marker[] = [];
  private nameMarkersWanted = false;
  /** Shows (or removes) ward names as HTML markers; returns whether they are HTML (no glyphs in the style). */
  showWardNameMarkers(on: boolean): boolean {
    this.nameMarkersWanted = on;
    for (const m of this.nameMarkers) m.remove();
    this.nameMarkers = [];
    const html = !this.map.getStyle()?.glyphs;
    const labels = this.data.get(PLAN_WARD_LABEL_SOURCE);
    if (!on || !html || !labels) return html;
    for (const f of labels.features) {
      if (f.geometry?.type !== 'Point') continue;
      const el = document.createElement('div');
      el.className = 'ward-name-marker';
      el.dataset.testid = 'ward-name-marker';
      el.textContent = String(f.properties?.name ?? '');
      const [lng, lat] = (f.geometry as Point).coordinates;
      this.nameMarkers.push(new maplibregl.Marker({ element: el }).setLngLat([lng, lat]).addTo(this.map));
    }
    return html;
  }
  setChbRegions(fc: FeatureCollection | null) {
    this.setData(CHB_SOURCE, fc);
  }
  setInterventions(fc: FeatureCollection) {
    this.setData(INTERVENTION_SOURCE, fc);
  }
  setGaps(fc: FeatureCollection | null) {
    this.setData(GAP_SOURCE, fc);
  }
  setPatrol(fc: FeatureCollection | null) {
    this.setData(PATROL_SOURCE, fc);
  }
  setOutreach(fc: FeatureCollection | null) {
    this.setData(OUTREACH_SOURCE, fc);
  }

  // ---- clicks ---------------------------------------------------------------------------------

  private handleClick(e: maplibregl.MapMouseEvent) {
    if (!this.ready || this.editor.state !== 'off') return;
    const iv = this.renderedAt(e.point, INTERVENTION_INTERACTIVE_LAYERS)[0];
    if (iv) {
      this.events.onInterventionClick(Number(iv.properties.id));
      return;
    }
    this.events.onInterventionClick(null);
    this.events.onMapClick?.([e.lngLat.lng, e.lngLat.lat]);
    const ward = this.renderedAt(e.point, [PLAN_WARD_FILL_LAYER])[0];
    this.events.onWardClick(ward ? String(ward.properties.code) : null);
  }

  private handleHover(e: maplibregl.MapMouseEvent) {
    if (!this.ready || this.editor.state !== 'off') return;
    this.map.getCanvas().style.cursor = this.renderedAt(e.point, INTERVENTION_INTERACTIVE_LAYERS).length ? 'pointer' : '';
  }

  // ---- camera ---------------------------------------------------------------------------------

  private fitted: Bbox | null = null;
  private resizeHooked = false;

  /** Fits the map to `b` now and again whenever the container changes size (dashboard layout, printing). */
  keepFitted(b: Bbox | null) {
    if (!this.resizeHooked) this.map.on('resize', () => this.fitted && this.fitBounds(this.fitted));
    this.resizeHooked = true;
    this.fitted = b;
    if (b) this.fitBounds(b);
  }

  fitBounds(b: Bbox, animate = false) {
    if (this.fitted && b !== this.fitted) this.fitted = null;
    // Room at the bottom for the attribution button when it is on the map.
    this.fitBbox(b, this.attributionInMap ? { top: 40, left: 40, right: 40, bottom: 40 } : 20, animate);
  }

  // ---- drawing (terra-draw) -------------------------------------------------------------------

  /** Point: click the map once. Polygon: click the corners, then the first corner again (or Enter). */
  startDrawing(kind: DrawKind) {
    this.editor.start(kind);
  }

  /** Loads a saved shape for editing: drag it (or a polygon's corners; midpoints add corners). */
  editShape(g: SiteGeometry) {
    this.editor.edit(g, g.type === 'Point' ? 'point' : 'polygon');
  }

  stopDrawing() {
    this.editor.stop();
  }
}
