// The school-routes page's map: the one owner of its imperative MapLibre and terra-draw calls (as
// web/src/map/map-controller.ts is for the main map). React creates it once with the basemap style and
// pushes layer parameters (diffed against what is on the map), source data (skipped when the same
// object comes again), hover/selection feature state and drawing commands into it; it reports route
// clicks and hovers, camera moves and drawn lines back.
import type { LayerSpecification, StyleSpecification } from '@maplibre/maplibre-gl-style-spec';
import type { FeatureCollection, LineString } from 'geojson';
import { TerraDraw, TerraDrawLineStringMode, TerraDrawSelectMode } from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';
import { DrawEditor } from '../../map/draw-editor';
import { maplibregl } from '../../map/maplibre';
import { MapControllerBase } from '../../map/controller-base';
import { EMPTY_FC } from '../../map/layers/common';
import {
  ROUTE_INTERACTIVE_LAYERS,
  ROUTE_SOURCE,
  routeLayers,
  routeSources,
  GUARDIAN_SOURCE,
  PROPOSAL_SOURCE,
  SEGMENT_SOURCE,
  type RouteLayerParams,
} from '../../map/layers/routes';
import {
  SITE_ICONS,
  SITE_SOURCE,
  WARD_LABEL_SOURCE,
  WARD_SOURCE,
  siteLayers,
  siteSources,
  wardLayers,
  wardSources,
  type SiteLayerParams,
  type WardLayerParams,
} from '../../map/layers/sites';
import { drawnLine, siteIcon } from '../../map/prepare/journeys';
import type { Camera } from '../../state/url-state';

export interface JourneyMapEvents {
  onRouteClick(id: number | null): void;
  onCamera(c: Camera): void;
  /** The line being drawn or edited changed; `finished` when a new line was completed. */
  onDrawn(line: LineString | null, finished: boolean): void;
}

export interface JourneyLayerParams {
  routes: RouteLayerParams;
  sites: SiteLayerParams;
  wards: WardLayerParams;
}

type SourceKey =
  | typeof ROUTE_SOURCE
  | typeof SEGMENT_SOURCE
  | typeof GUARDIAN_SOURCE
  | typeof PROPOSAL_SOURCE
  | typeof SITE_SOURCE
  | typeof WARD_SOURCE
  | typeof WARD_LABEL_SOURCE;

declare global {
  interface Window {
    /** Test hook (browser tests): the page's map, its controller and an idle promise. */
    __saferplacesJourneys?: { map: maplibregl.Map; controller: JourneyMapController; idle(): Promise<void> };
  }
}

const DRAW_MODE = 'linestring';
const EDIT_MODE = 'select';

export class JourneyMapController extends MapControllerBase {
  private events: JourneyMapEvents;
  private params: JourneyLayerParams | null = null;
  private onMap: LayerSpecification[] | null = null;
  private data = new Map<SourceKey, FeatureCollection>();
  private hovered: number | null = null;
  private selected: number | null = null;
  private editor = new DrawEditor<LineString>({
    editMode: EDIT_MODE,
    read: (d) => {
      const f = d.getSnapshot().find((x) => x.geometry.type === 'LineString');
      return f ? drawnLine(f.geometry as LineString) : null;
    },
    onDrawn: (shape, finished) => this.events.onDrawn(shape, finished),
    canvas: () => this.map.getCanvas(),
  });

  constructor(
    container: HTMLElement,
    opts: { style: StyleSpecification; camera: Camera | null; attribution: string[]; events: JourneyMapEvents },
  ) {
    super(container, { style: opts.style, camera: opts.camera, zoom: 12 });
    this.events = opts.events;
    this.setAttribution(opts.attribution);
    this.map.once('style.load', () => this.install());
    this.map.on('moveend', () => this.events.onCamera(this.camera()));
    this.map.on('click', (e) => this.handleClick(e));
    this.map.on('mousemove', (e) => this.handleHover(e));
    this.map.on('mouseout', () => this.hoverRoute(null));
    window.__saferplacesJourneys = { map: this.map, controller: this, idle: () => this.whenIdle() };
  }

  setEvents(e: JourneyMapEvents) {
    this.events = e;
  }

  destroy() {
    this.editor.destroy();
    this.map.remove();
    if (window.__saferplacesJourneys?.controller === this) delete window.__saferplacesJourneys;
  }

  protected get ready() {
    return this.onMap !== null;
  }

  private install() {
    for (const id of SITE_ICONS) {
      const icon = siteIcon(id, 2);
      if (!this.map.hasImage(id))
        this.map.addImage(id, { width: icon.width, height: icon.height, data: icon.data }, { pixelRatio: 2 });
    }
    const sources = {
      ...routeSources({
        routes: this.data.get(ROUTE_SOURCE),
        segments: this.data.get(SEGMENT_SOURCE),
        guardians: this.data.get(GUARDIAN_SOURCE),
        proposals: this.data.get(PROPOSAL_SOURCE),
      }),
      ...siteSources(this.data.get(SITE_SOURCE)),
      ...wardSources({ wards: this.data.get(WARD_SOURCE), labels: this.data.get(WARD_LABEL_SOURCE) }),
    };
    for (const [id, spec] of Object.entries(sources)) this.map.addSource(id, spec as maplibregl.SourceSpecification);
    this.onMap = [];
    this.applyLayers();
    this.applyRouteStates();
    this.editor.attach(
      new TerraDraw({
        adapter: new TerraDrawMapLibreGLAdapter({ map: this.map, coordinatePrecision: 9 }),
        modes: [
          new TerraDrawLineStringMode({
            styles: {
              lineStringColor: '#6a3d9a',
              lineStringWidth: 4,
              closingPointColor: '#ffffff',
              closingPointOutlineColor: '#6a3d9a',
              closingPointWidth: 6,
            },
          }),
          new TerraDrawSelectMode({
            flags: {
              [DRAW_MODE]: { feature: { draggable: false, coordinates: { midpoints: true, draggable: true, deletable: true } } },
            },
            styles: {
              selectedLineStringColor: '#6a3d9a',
              selectedLineStringWidth: 4,
              selectionPointColor: '#ffffff',
              selectionPointOutlineColor: '#6a3d9a',
              selectionPointWidth: 6,
            },
          }),
        ],
      }),
    );
  }

  // ---- layers and data ----------------------------------------------------------------------

  setParams(p: JourneyLayerParams) {
    this.params = p;
    if (this.ready) this.applyLayers();
  }

  private applyLayers() {
    if (!this.params) return;
    // Ward outlines and names at the bottom; sites below the routes would hide schools under lines:
    // routes next, then the sites (and school names, placed first) on top.
    const next = [...wardLayers(this.params.wards), ...routeLayers(this.params.routes), ...siteLayers(this.params.sites)];
    this.applyLayerDiff(this.onMap ?? [], next);
    this.onMap = next;
    this.markBusy();
  }

  private setData(id: SourceKey, fc: FeatureCollection) {
    if (this.data.get(id) === fc) return;
    this.data.set(id, fc);
    if (!this.ready) return;
    (this.map.getSource(id) as maplibregl.GeoJSONSource).setData(fc as GeoJSON.GeoJSON);
    if (id === ROUTE_SOURCE) this.applyRouteStates();
    this.markBusy();
  }

  setRoutes(fc: FeatureCollection) {
    this.setData(ROUTE_SOURCE, fc);
  }
  setSegments(fc: FeatureCollection) {
    this.setData(SEGMENT_SOURCE, fc);
  }
  setGuardians(fc: FeatureCollection) {
    this.setData(GUARDIAN_SOURCE, fc);
  }
  setProposals(fc: FeatureCollection | null) {
    this.setData(PROPOSAL_SOURCE, fc ?? EMPTY_FC);
  }
  setSites(fc: FeatureCollection) {
    this.setData(SITE_SOURCE, fc);
  }
  /** Ward outlines and their label points (prepare/areas areaLabelPoints), as the planning map takes them. */
  setWards(fc: FeatureCollection, labels: FeatureCollection) {
    this.setData(WARD_SOURCE, fc);
    this.setData(WARD_LABEL_SOURCE, labels);
  }

  // ---- hover and selection (feature state on the routes) -------------------------------------

  private applyRouteStates() {
    if (!this.ready) return;
    this.map.removeFeatureState({ source: ROUTE_SOURCE });
    if (this.hovered !== null) this.map.setFeatureState({ source: ROUTE_SOURCE, id: this.hovered }, { hover: true });
    if (this.selected !== null) this.map.setFeatureState({ source: ROUTE_SOURCE, id: this.selected }, { selected: true });
  }

  /** Shows the corridor of a route (hovered on the map or in a table). */
  hoverRoute(id: number | null) {
    if (id === this.hovered) return;
    this.hovered = id;
    this.applyRouteStates();
  }

  selectRoute(id: number | null) {
    if (id === this.selected) return;
    this.selected = id;
    this.applyRouteStates();
  }

  private routeAt(e: maplibregl.MapMouseEvent): number | null {
    if (!this.ready || this.editor.state !== 'off') return null;
    const hit = this.map.queryRenderedFeatures(e.point, { layers: ROUTE_INTERACTIVE_LAYERS })[0];
    return hit ? Number(hit.id) : null;
  }

  private handleClick(e: maplibregl.MapMouseEvent) {
    if (this.editor.state !== 'off') return;
    this.events.onRouteClick(this.routeAt(e));
  }

  private handleHover(e: maplibregl.MapMouseEvent) {
    const id = this.routeAt(e);
    if (this.editor.state === 'off') this.map.getCanvas().style.cursor = id !== null ? 'pointer' : '';
    this.hoverRoute(id);
  }

  // ---- camera -------------------------------------------------------------------------------

  fitBounds(b: [number, number, number, number], animate = false) {
    this.fitBbox(b, { top: 40, left: 40, right: 40, bottom: 72 }, animate);
  }

  // ---- drawing (terra-draw) -----------------------------------------------------------------

  /** Click points on the map; click the last point again (or press Enter) to finish. */
  startDrawing() {
    this.editor.start(DRAW_MODE);
    this.hoverRoute(null);
  }

  /** Loads a saved route's line for editing: drag vertices, drag midpoints to add, click a vertex to delete. */
  editLine(line: LineString) {
    this.editor.edit(line, DRAW_MODE);
    this.hoverRoute(null);
  }

  stopDrawing() {
    this.editor.stop();
  }
}
