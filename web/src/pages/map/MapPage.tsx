// The map page: filters and layers on the left, the map with its legend, and the ranking table and
// detail panel on the right. State lives in the URL; bulk data lives in the map controller.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { errorMessage, type ResolvedFilters } from '../../api/client';
import { useRoute } from '../../api/query';
import { getAreaSets, getCategories, PARTNER_H3_RES, type AppConfig, type Summary } from '../../../../contract/aggregates';
import { classBreaks, classColours } from '../../map/classify';
import { basemapKey, basemapNoteText, loadBaseStyle } from '../../map/base-style';
import type { MapController, MapEvents } from '../../map/map-controller';
import type { OverlayParams } from '../../map/layers';
import { windowLabel } from '../../lib/months';
import { useMapPeriod } from '../../lib/live-period';
import { areaCoverage, areaNoDataLabel } from '../../lib/coverage';
import { hasLayer } from '../../state/url-state';
import { updateView, useViewSnapshot } from '../../state/view-store';
import { useSignedIn } from '../../api/session-store';
import { can, pointsLayerLabel, seesWithheld } from '../../lib/can';
import { MapView } from './MapView';
import { FilterPanel } from './FilterPanel';
import { LayerPanel } from './LayerPanel';
import { Legend } from './Legend';
import { RankingTable } from './RankingTable';
import { DetailPanel } from './DetailPanel';
import { MapNotices } from './MapNotices';
import { MapExportDialog, type ExportKind } from './MapExports';
import { useAreaBoundaries, useAreaStats, useHexLayer, useIncidentLayer, type Viewport } from './use-map-layers';
import { useLiveNonce } from '../../lib/live-hooks';
import { useFollowedDrawnOn, useShownDrawn, useShownWindow } from '../../lib/live-meeting';
import { LiveToast } from '../present/LiveToast';
import { MeetingBar } from '../present/MeetingBar';
import { HotspotLeft, HotspotRight, useHotspots } from './hotspots/HotspotSections';
import { DrawAreaTool, DrawnAreaDetail, useDrawnArea } from './DrawnArea';
import { SearchBox, resultBounds } from '../../components/SearchBox';
import { KdeSection } from './KdeSection';
import { HotspotLegend } from './hotspots/HotspotLegend';
import { MapLegendBox } from '../../components/MapLegendBox';
import { PngExport } from '../../components/PngExport';
import { CountPlayback, useCountPlayback } from './CountPlayback';
import { hexResolutionForZoom } from '../../map/prepare/hexes';

const AREA_SCHEME = 'Blues' as const;
const HEX_SCHEME = 'YlOrRd' as const;

export function MapPage({ summary, config }: { summary: Summary; config: AppConfig }) {
  const { view, source } = useViewSnapshot();
  const session = useSignedIn();
  const [exporting, setExporting] = useState<ExportKind | null>(null);
  const [controller, setController] = useState<MapController | null>(null);
  const [viewport, setViewport] = useState<Viewport | null>(null);
  const [basemapNote, setBasemapNote] = useState<string | null>(null);
  const initialCamera = useRef(view.camera).current;

  // Where the data of the selected categories are (GET /api/coverage): the default period ends at their
  // newest month. Until it answers (and with a period in the URL) the summary's default is used.
  const { period, coverageReport } = useMapPeriod(view, summary);
  // A meeting presented from this page sends the months this map shows (the default when the URL has none).
  useShownWindow(period);
  const catKey = view.categories.join(',');
  const [from, to] = [period?.from, period?.to];
  // One object per from/to/categories (the layers refetch when it changes, not on every render).
  const filters: ResolvedFilters | null = useMemo(
    () => (from && to ? { from, to, categories: catKey ? catKey.split(',') : [] } : null),
    [from, to, catKey],
  );

  const areaSets = useRoute(getAreaSets, { query: {} });
  const categories = useRoute(getCategories, { query: {} });
  const boundaries = useAreaBoundaries(controller, view.level, initialCamera === null);
  // A hotspot statistic (Gi*, emerging, change) replaces the count hexagons and choropleth while shown.
  const showHexes = hasLayer(view, 'hexes') && !view.hotspot.mode;
  // Playback of the count maps (branch playback): the month's window replaces the period's filters.
  const pbHexRes = view.hexRes !== 'auto' ? view.hexRes : viewport ? hexResolutionForZoom(viewport.zoom) : null;
  const pb = useCountPlayback({
    controller,
    // Partners step through single months only (issue 15: rolling windows are not partner periods).
    playback: {
      ...view.playback,
      ...(view.hotspot.mode ? { month: null } : {}),
      ...(seesWithheld(session) ? { window: 1 as const } : {}),
    },
    filters,
    level: view.level,
    method: view.classMethod,
    metric: view.metric === 'rate' ? 'rate' : 'count',
    showAreas: hasLayer(view, 'choropleth'),
    showHexes,
    hexRes: seesWithheld(session) ? PARTNER_H3_RES : pbHexRes,
    areas: boundaries.areas,
  });
  const stats = useAreaStats(controller, view.level, pb.filters);
  // Record-level points only for roles that may see them (a shared URL may ask for them anyway).
  const showIncidents = hasLayer(view, 'incidents') && can(session, 'records.read');
  // Live updates: new incidents refetch the statistics, hexagons and points shown.
  const live = useLiveNonce();
  // Partners get H3 at one resolution only (issue 15): their hexagons and hotspots use it at every zoom.
  const partner = seesWithheld(session);
  const unitView = useMemo(() => (partner ? { ...view, hexRes: PARTNER_H3_RES } : view), [partner, view]);
  // Without a camera in the URL the map opens at a default view and then fits the boundaries: the layers
  // wait for that fit (or for the boundaries to fail), or every first load fetched the default view's
  // hexagons (another resolution) and points only to drop them.
  const cameraSettled = initialCamera !== null || boundaries.count !== null || boundaries.error !== null;
  const layerViewport = cameraSettled ? viewport : null;
  const hexes = useHexLayer(controller, pb.filters, layerViewport, unitView.hexRes, showHexes, view.classMethod, live);
  const incidents = useIncidentLayer(controller, filters, layerViewport, showIncidents, live);
  // The density surface needs record-level points, like the points layer.
  const showKde = hasLayer(view, 'kde') && can(session, 'records.read') && !view.hotspot.mode;
  const [kdeMax, setKdeMax] = useState<number | null>(null);
  const { refetch: refetchStats } = stats;
  useEffect(() => {
    if (live) void refetchStats();
  }, [live, refetchStats]);

  // Change is only meaningful when the data cover the whole previous period (the API says: issue 11).
  const coverage = areaCoverage(stats.data ?? null);
  const previousCovered = !coverage.noPrevious;
  const hasPopulation = !!stats.data?.areas.some((a) => a.rate_per_1000 !== null);
  const metric = view.metric === 'rate' && hasPopulation ? 'rate' : 'count';
  const areaClasses = useMemo(
    () =>
      pb.areaScale ??
      (stats.data
        ? classBreaks(
            stats.data.areas.map((a) => (metric === 'rate' ? a.rate_per_1000 : a.count)),
            view.classMethod,
            metric,
          )
        : null),
    [stats.data, metric, view.classMethod, pb.areaScale],
  );
  const areaColours = useMemo(() => (areaClasses ? classColours(areaClasses, AREA_SCHEME) : []), [areaClasses]);
  const levelLabel = areaSets.data?.sets.find((s) => s.level === view.level)?.label ?? view.level;
  const hot = useHotspots(controller, unitView, levelLabel, filters, layerViewport?.zoom ?? null, boundaries.areas);
  const drawn = useDrawnArea(controller);
  // Meetings: the drawn area goes to followers; a follower shows the presenter's.
  useShownDrawn(drawn.polygon);
  const drawnPolygon = useFollowedDrawnOn(controller) ?? drawn.polygon;
  const hexClasses = pb.hexScale ?? hexes?.classes ?? null;
  const hexColours = useMemo(() => (hexClasses ? classColours(hexClasses, HEX_SCHEME) : []), [hexClasses]);

  const selected = view.selected;
  const showFill = hasLayer(view, 'choropleth') && !hot.active;
  const showOutlines = hasLayer(view, 'outlines');
  const showLabels = hasLayer(view, 'labels');
  const overlay: OverlayParams = useMemo(
    () => ({
      areas: {
        metric,
        classes: areaClasses,
        colours: areaColours,
        showFill,
        showOutlines,
        showLabels,
        dimmed: showHexes,
        selectedCode: selected?.kind === 'area' ? selected.code : null,
      },
      hexes: {
        visible: showHexes,
        classes: hexClasses,
        colours: hexColours,
        selectedH3: selected?.kind === 'hex' ? selected.h3 : null,
      },
      incidents: { visible: showIncidents },
      hotspots: hot.layer,
      kde: { visible: showKde, max: kdeMax },
    }),
    [
      metric,
      areaClasses,
      areaColours,
      showFill,
      showOutlines,
      showLabels,
      showHexes,
      showIncidents,
      selected,
      hexClasses,
      hexColours,
      hot.layer,
      showKde,
      kdeMax,
    ],
  );
  useEffect(() => controller?.setOverlay(overlay), [controller, overlay]);

  // Basemap: the app's PMTiles extract or the online style, else the plain local background already on
  // the map, with the reason shown.
  const basemap = basemapKey(config);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `basemap` stands for config.basemap's content
  useEffect(() => {
    if (!controller) return;
    let live = true;
    void controller.track(loadBaseStyle(config)).then((r) => {
      if (!live) return;
      if (!r.fallbackReason && config.basemap && config.basemap.kind !== 'none') controller.setBaseStyle(r.style);
      setBasemapNote(basemapNoteText(r.fallbackReason));
    });
    return () => {
      live = false;
    };
  }, [controller, basemap]);
  useEffect(() => controller?.setAttribution(config.attribution), [controller, config.attribution]);

  // URL camera -> map, except for moves the map reported itself.
  useEffect(() => {
    if (controller && view.camera && source !== 'map') controller.jumpTo(view.camera);
  }, [controller, view.camera, source]);

  const events: MapEvents = {
    onSelect: (sel) => updateView({ selected: sel }, { push: true }),
    onCamera: (camera) => updateView({ camera }, { source: 'map' }),
    onViewport: (bbox, zoom) => setViewport({ bbox, zoom }),
  };
  const zoomToArea = useCallback(
    (code: string) => {
      controller?.zoomToArea(code);
      updateView({ selected: { kind: 'area', code } }, { push: true });
    },
    [controller],
  );

  return (
    <div className="map-page">
      <aside className="sidebar sidebar-left" aria-label="Filters and layers">
        <FilterPanel
          view={view}
          summary={summary}
          period={period}
          coverageReport={coverageReport}
          categories={categories.data?.categories ?? []}
          areaSets={areaSets.data?.sets ?? []}
          hasPopulation={hasPopulation}
          partner={seesWithheld(session)}
        />
        <HotspotLeft hot={hot} view={view} hasPopulation={hasPopulation} levelLabel={levelLabel} controller={controller} />
        {!hot.active && <CountPlayback pb={pb} controller={controller} singleMonths={partner} />}
        <KdeSection controller={controller} filters={filters} areas={boundaries.areas} visible={showKde} onMax={setKdeMax} />
        {/* Partners get published geographies only (issue 15): no drawn areas. */}
        {!partner && <DrawAreaTool drawn={drawn} disabled={!controller} />}
        <LayerPanel
          view={view}
          autoRes={hexes?.res ?? null}
          pointsLabel={can(session, 'records.read') ? pointsLayerLabel(session.user) : null}
        />
        {can(session, 'records.export') && filters && (
          <div className="panel">
            <h2 className="panel-title">Export</h2>
            <button type="button" onClick={() => setExporting('incidents')} data-testid="export-incidents">
              Export incident records…
            </button>
          </div>
        )}
      </aside>
      <section className="map-wrap">
        <MapView initialCamera={initialCamera} events={events} onController={setController} />
        <SearchBox className="map-search" onChoose={(r) => controller?.fitBounds(resultBounds(r), true)} />
        {/* The legend on the map, collapsible, so no screen size puts it below the fold (issue 14). */}
        <MapLegendBox>
          {hot.active && <HotspotLegend info={hot.info} hs={view.hotspot} unitLabel={hot.unitLabel} />}
          {!hot.active && (
            <Legend
              levelLabel={levelLabel}
              metric={metric}
              method={view.classMethod}
              showAreas={hasLayer(view, 'choropleth')}
              areaClasses={areaClasses}
              areaColours={areaColours}
              areaNoDataLabel={areaNoDataLabel(stats.data ?? null, metric, seesWithheld(session))}
              noCurrentData={coverage.noCurrent}
              coverageNotes={coverage.notes}
              coverageRule={stats.data?.coverage.rule ?? null}
              population={stats.data?.population}
              showHexes={showHexes}
              hexClasses={hexClasses}
              fixedScale={{ areas: pb.areaText, hexes: pb.hexText }}
              hexColours={hexColours}
              hexRes={hexes?.res ?? null}
              showIncidents={showIncidents}
              withheldMin={
                seesWithheld(session) ? (stats.data?.disclosure?.min_count ?? summary.disclosure?.min_count ?? null) : null
              }
              hexWithheld={!!hexes?.withheld}
              perturbedStatement={typeof stats.data?.disclosure?.statement === 'string' ? stats.data.disclosure.statement : null}
              categorySet={stats.data?.category_set ?? null}
            />
          )}
        </MapLegendBox>
        <PngExport
          map={controller?.map ?? null}
          page="map"
          title={hot.active ? `${levelLabel}: hot spots` : `${levelLabel}: incidents`}
          period={pb.label ?? (period ? windowLabel(period.from, period.to) : '')}
          attribution={config.attribution}
        />
        <MeetingBar />
        <LiveToast />
        <MapNotices
          messages={[
            basemapNote,
            boundaries.error && `Boundaries: ${boundaries.error}`,
            stats.error && `Statistics: ${errorMessage(stats.error)}`,
            hexes?.error && `Hexagons: ${hexes.error}`,
            hot.notice && `Hot spots: ${hot.notice}`,
            incidents?.error && `Incidents: ${incidents.error}`,
            incidents?.truncated
              ? `Showing ${incidents.shown.toLocaleString('en-GB')} of ${incidents.total === null ? `more than ${incidents.cap.toLocaleString('en-GB')}` : incidents.total.toLocaleString('en-GB')} incidents around this view — zoom in to see them all.`
              : null,
            boundaries.count === 0 ? `No ${levelLabel} boundaries are loaded. Import a boundary file on the Import page.` : null,
          ]}
        />
      </section>
      <aside className="sidebar sidebar-right" aria-label="Ranking and details">
        {drawnPolygon && filters && <DrawnAreaDetail polygon={drawnPolygon} filters={filters} onClear={drawn.clear} />}
        {hot.active && filters && (
          <HotspotRight hot={hot} view={view} filters={filters} levelLabel={levelLabel} controller={controller} />
        )}
        {selected && filters && !hot.active && (
          <DetailPanel
            selection={selected}
            level={view.level}
            levelLabel={levelLabel}
            filters={filters}
            stats={stats.data ?? null}
            previousCovered={previousCovered}
            onClose={() => updateView({ selected: null }, { push: true })}
          />
        )}
        <RankingTable
          stats={stats.data ?? null}
          loading={stats.isFetching}
          levelLabel={levelLabel}
          sort={view.sort}
          previousCovered={previousCovered}
          selectedCode={selected?.kind === 'area' ? selected.code : null}
          onSort={(sort) => updateView({ sort })}
          onPick={zoomToArea}
          onExport={filters ? () => setExporting('areas') : null}
        />
      </aside>
      {exporting && filters && (
        <MapExportDialog
          kind={exporting}
          level={view.level}
          levelLabel={levelLabel}
          filters={filters}
          viewBbox={viewport?.bbox ?? null}
          partner={seesWithheld(session)}
          categoryLabel={(slug) => categories.data?.categories.find((c) => c.slug === slug)?.label ?? slug}
          onClose={() => setExporting(null)}
        />
      )}
    </div>
  );
}
