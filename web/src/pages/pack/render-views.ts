// Map images for the pack: one off-screen MapController draws each chosen view (boundaries, ward
// counts, hexagons for the pack's period) and, once idle, is read back as a PNG (the map keeps its
// drawing buffer). Views are drawn one after another on the same map.
import { getAreas, getAreaStats, getHexes, type AreaCollection } from '../../../../contract/aggregates';
import { call } from '../../api/call';
import { bboxParam, filterQuery, type Filters } from '../../api/client';
import { classBreaks, classColours, legendRows, type LegendRow } from '../../map/classify';
import type { MapController } from '../../map/map-controller';
import type { OverlayParams } from '../../map/layers';
import { areaBounds } from '../../map/prepare/areas';
import { cellsToFeatureCollection, hexResolutionForZoom } from '../../map/prepare/hexes';
import { hasLayer, type ViewState } from '../../state/url-state';

export interface PackView {
  title: string;
  view: ViewState;
}

export interface RenderedView {
  title: string;
  image: string;
  hexLegend: LegendRow[] | null;
  areaLegend: LegendRow[] | null;
  hexRes: number | null;
}

export async function renderView(
  ctrl: MapController,
  v: PackView,
  period: { from: string; to: string },
  signal: AbortSignal,
): Promise<RenderedView> {
  const view = v.view;
  const filters: Filters = { from: period.from, to: period.to, categories: view.categories };
  const [areas, stats] = await ctrl.track(
    Promise.all([
      call(getAreas, { query: { level: view.level } }, { signal }) as Promise<AreaCollection>,
      call(getAreaStats, { query: { level: view.level, ...filterQuery(filters) } }, { signal }),
    ]),
  );
  ctrl.setAreas(areas);
  ctrl.setAreaStats(stats.areas);
  if (view.camera) ctrl.jumpTo(view.camera);
  else {
    const b = areaBounds(areas);
    if (b) ctrl.fitBounds(b);
  }
  const showHexes = hasLayer(view, 'hexes');
  const showFill = hasLayer(view, 'choropleth');
  const { bbox, zoom } = ctrl.viewport();
  const res = view.hexRes === 'auto' ? hexResolutionForZoom(zoom) : view.hexRes;
  const hexes = showHexes
    ? await ctrl.track(
        call(
          getHexes,
          { query: { res: String(res) as '7' | '8' | '9' | '10', bbox: bboxParam(bbox), ...filterQuery(filters) } },
          { signal },
        ),
      )
    : null;
  ctrl.setHexes(cellsToFeatureCollection(hexes?.cells ?? []));
  const hexClasses = hexes
    ? classBreaks(
        hexes.cells.map((c) => c.count),
        view.classMethod,
        'count',
      )
    : null;
  const areaClasses = showFill
    ? classBreaks(
        stats.areas.map((a) => a.count),
        view.classMethod,
        'count',
      )
    : null;
  const hexColours = hexClasses ? classColours(hexClasses, 'YlOrRd') : [];
  const areaColours = areaClasses ? classColours(areaClasses, 'Blues') : [];
  const overlay: OverlayParams = {
    areas: {
      metric: 'count',
      classes: areaClasses,
      colours: areaColours,
      showFill,
      showOutlines: true,
      showLabels: true,
      dimmed: showHexes,
      selectedCode: null,
    },
    hexes: { visible: showHexes, classes: hexClasses, colours: hexColours, selectedH3: null },
    incidents: { visible: false },
  };
  ctrl.setOverlay(overlay);
  // The overlay change and the new data render before the next idle.
  await ctrl.track(Promise.resolve());
  await ctrl.whenIdle();
  if (signal.aborted) throw new DOMException('aborted', 'AbortError');
  return {
    title: v.title,
    image: ctrl.map.getCanvas().toDataURL('image/png'),
    hexLegend: hexClasses ? legendRows(hexClasses, hexColours) : null,
    areaLegend: areaClasses ? legendRows(areaClasses, areaColours) : null,
    hexRes: hexes ? res : null,
  };
}
