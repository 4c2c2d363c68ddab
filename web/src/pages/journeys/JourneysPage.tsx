// "School routes" (issue 5): schools, hubs and journey routes on their own map, segments coloured by
// exposure, the worst segments with guardian points, the route ranking, the term calendar, and (for
// analysts and officers) drawing, editing, importing, proposing and exporting routes. The view lives
// in the URL (/journeys?...); bulk data lives in the page's map controller.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { LineString } from 'geojson';
import type { StyleSpecification } from '@maplibre/maplibre-gl-style-spec';
import { getCategories } from '../../../../contract/aggregates';
import { getHarmSchemes, SHIPPED_SCHEME_NAMES } from '../../../../contract/hotspots';
import type { Proposal, SegmentRow } from '../../../../contract/journeys';
import type { AppConfig } from '../../../../contract/aggregates';
import type { JourneyFilters } from '../../api/journeys';
import { useRoute } from '../../api/query';
import { useSignedIn } from '../../api/session-store';
import { can, seesWithheld } from '../../lib/can';
import { basemapKey, basemapNoteText, loadBaseStyle } from '../../map/base-style';
import { corridorWidth, nearestSite, needsAllTimes, pinnedSchools, proposalCollection } from '../../map/prepare/journeys';
import { formatCount, formatCountOrWithheld, formatRate, WITHHELD } from '../../lib/format';
import { JourneyMapController, type JourneyMapEvents } from './JourneyMapController';
import { formatJourneyView, parseJourneyView, type JourneyView } from './journey-url';
import { useJourneyBase, useJourneyReload, useRanking, useSegments } from './use-journey-data';
import { LiveToast } from '../present/LiveToast';
import { JourneyFiltersPanel } from './JourneyFiltersPanel';
import { JourneyLegend } from './JourneyLegend';
import { WorstSegments } from './WorstSegments';
import { RouteRanking } from './RouteRanking';
import { SchoolRanking } from './SchoolRanking';
import { TermCalendar } from './TermCalendar';
import { RouteForm, type RouteDraft } from './RouteForm';
import { RouteImport, RouteProposals } from './RouteImport';
import { JourneyExportDialog } from './JourneyExport';
import { JourneyNotices } from './JourneyNotices';
import './journeys.css';
import { SearchBox, resultBounds } from '../../components/SearchBox';
import { PngExport, periodText } from '../../components/PngExport';
import { useWardAreas } from '../planning/use-planning-map';
import { areaLabelPoints } from '../../map/prepare/areas';
import { useTrackedFetching } from '../../lib/use-tracked';

/** The worst-ranked schools whose names are always on the map (with the selected route's school). */
const PINNED_SCHOOLS = 3;

const PATH = '/journeys';

/** The page's URL state: read once, written with replaceState (pushState for route selection). */
function useJourneyView(): [JourneyView, (change: Partial<JourneyView>, push?: boolean) => void] {
  const [view, setView] = useState(() => parseJourneyView(window.location.search));
  useEffect(() => {
    const onPop = () => window.location.pathname.startsWith(PATH) && setView(parseJourneyView(window.location.search));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const update = useCallback((change: Partial<JourneyView>, push = false) => {
    setView((v) => {
      const next = { ...v, ...change };
      const url = PATH + formatJourneyView(next);
      if (url !== window.location.pathname + window.location.search)
        window.history[push ? 'pushState' : 'replaceState'](null, '', url);
      return next;
    });
  }, []);
  return [view, update];
}

type Mode = { kind: 'view' } | { kind: 'draw' | 'edit'; draft: RouteDraft };

export function JourneysPage({ config }: { config: AppConfig }) {
  const session = useSignedIn();
  const editor = can(session, 'journeys.write');
  const partner = seesWithheld(session);
  const [view, setView] = useJourneyView();
  const filters = view.filters;
  const [style, setStyle] = useState<{ style: StyleSpecification; note: string | null } | null>(null);
  const [controller, setController] = useState<JourneyMapController | null>(null);
  const [mode, setMode] = useState<Mode>({ kind: 'view' });
  const [line, setLine] = useState<LineString | null>(null);
  const [suggest, setSuggest] = useState<{ school_id: number | null; hub_id: number | null } | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [exporting, setExporting] = useState<number | null | 'all'>(null);
  const container = useRef<HTMLDivElement>(null);
  const initialCamera = useRef(view.camera).current;

  const basemap = basemapKey(config);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `basemap` stands for config.basemap's content
  useEffect(() => {
    let live = true;
    void loadBaseStyle(config).then((r) => live && setStyle({ style: r.style, note: basemapNoteText(r.fallbackReason) }));
    return () => {
      live = false;
    };
  }, [basemap]);

  const base = useJourneyBase(controller, initialCamera === null);
  const ranking = useRanking(controller, filters);
  const categories = useRoute(getCategories, { query: {} });
  const schemesQ = useRoute(getHarmSchemes, { query: {} });
  // Without the scheme list (an error), the shipped schemes by name.
  const schemes = useMemo(
    () => schemesQ.data?.schemes ?? (schemesQ.error ? SHIPPED_SCHEME_NAMES.map((name) => ({ name, label: name })) : []),
    [schemesQ.data, schemesQ.error],
  );
  const routeOrder = useMemo(() => ranking.data?.routes.map((r) => r.route_id) ?? null, [ranking.data]);
  const routeIds = new Set(base.routes?.list.map((r) => r.id) ?? []);
  const selectedId = view.routeId !== null && (!base.routes || routeIds.has(view.routeId)) ? view.routeId : null;
  const segs = useSegments(controller, filters, routeOrder, selectedId, ranking.data?.worst_segments ?? null);
  const refetchAll = useJourneyReload();
  // Ward outlines and names under the routes: the planning map's request (one cached answer) and labels.
  const wards = useWardAreas();
  const wardData = wards.data;
  useTrackedFetching(controller, wards.isFetching);
  const wardLabels = useMemo(() => (wardData ? areaLabelPoints(wardData) : null), [wardData]);
  useEffect(() => {
    if (controller && wardData && wardLabels) controller.setWards(wardData, wardLabels);
  }, [controller, wardData, wardLabels]);
  const wardError = wards.error ? `Ward boundaries could not be loaded: ${wards.error.message}` : null;
  const selectedRoute = base.routes?.list.find((r) => r.id === selectedId) ?? null;
  const meta = ranking.data?.meta ?? null;
  // police.uk data only (no times near the routes): say so up front and rank by all incidents (any time)
  // instead of showing zeros. Once per page visit, so the user can still choose the windows again.
  const [allTimes, setAllTimes] = useState<'shown' | 'withheld' | null>(null);
  const switchedToAll = useRef(false);
  useEffect(() => {
    if (!ranking.data) return;
    if (needsAllTimes(ranking.data)) {
      if (partner) setAllTimes('withheld');
      else if (!switchedToAll.current) {
        switchedToAll.current = true;
        setAllTimes('shown');
        setView({ filters: { ...filters, rankBy: 'all' } });
      }
    } else if (ranking.data.meta.rank_by !== 'all') setAllTimes(null);
  }, [ranking.data, partner, filters, setView]);

  // Events from the map, always seeing the latest state.
  const events = useRef<JourneyMapEvents>(null!);
  events.current = {
    onRouteClick: (id) => mode.kind === 'view' && setView({ routeId: id }, true),
    onCamera: (camera) => setView({ camera }),
    onDrawn: (l, finished) => {
      setLine(l);
      if (finished && l && mode.kind === 'draw' && base.sites) {
        // Suggest the school nearest the start and the hub nearest the end (either way round).
        const a = l.coordinates[0] as [number, number];
        const b = l.coordinates[l.coordinates.length - 1] as [number, number];
        setSuggest({
          school_id: nearestSite(base.sites.fc, a, 'school') ?? nearestSite(base.sites.fc, b, 'school'),
          hub_id: nearestSite(base.sites.fc, b, 'hub') ?? nearestSite(base.sites.fc, a, 'hub'),
        });
      }
    },
  };

  useEffect(() => {
    if (!style || !container.current) return;
    const c = new JourneyMapController(container.current, {
      style: style.style,
      camera: initialCamera,
      attribution: config.attribution,
      events: {
        onRouteClick: (id) => events.current.onRouteClick(id),
        onCamera: (cam) => events.current.onCamera(cam),
        onDrawn: (l, f) => events.current.onDrawn(l, f),
      },
    });
    setController(c);
    return () => {
      setController(null);
      c.destroy();
    };
    // Created once per page visit, when the basemap is known (the initial camera is read once).
  }, [style, initialCamera, config.attribution]);

  const lat = view.camera?.lat ?? 51.45;
  const drawing = mode.kind !== 'view';
  // Always labelled: the selected route's school and the worst-ranked schools with something counted.
  const selectedSchool = selectedRoute?.school_id ?? null;
  const rankedSchools = ranking.data?.schools;
  const rankBy = ranking.data?.meta.rank_by ?? null;
  const pinnedSchoolIds = useMemo(
    () => pinnedSchools(rankedSchools ?? [], rankBy, selectedSchool, PINNED_SCHOOLS),
    [rankedSchools, rankBy, selectedSchool],
  );
  const layerParams = useMemo(
    () => ({
      routes: {
        classes: segs.classes,
        colours: segs.colours,
        corridorWidth: corridorWidth(filters.corridor, Math.round(lat * 10) / 10),
        selectedRouteId: selectedId,
        showGuardians: !drawing,
        showProposals: true,
        dimmed: drawing,
      },
      sites: { showSchools: true, showHubs: true, showLabels: true, pinnedSchoolIds },
      wards: { showWards: true, showWardLabels: true },
    }),
    [segs.classes, segs.colours, filters.corridor, lat, selectedId, drawing, pinnedSchoolIds],
  );
  useEffect(() => controller?.setParams(layerParams), [controller, layerParams]);
  useEffect(() => controller?.selectRoute(selectedId), [controller, selectedId]);

  const changeFilters = (f: Partial<JourneyFilters>) => setView({ filters: { ...filters, ...f } });
  const reload = (msg: string | null) => {
    setMessage(msg);
    void refetchAll();
  };
  const stopDrawing = () => {
    controller?.stopDrawing();
    setMode({ kind: 'view' });
    setLine(null);
    setSuggest(null);
  };
  const startDrawing = () => {
    setMessage(null);
    setMode({ kind: 'draw', draft: { id: null, name: '', school_id: null, hub_id: null, segment_m: 100 } });
    setLine(null);
    controller?.startDrawing();
  };
  const startEditing = () => {
    const f = base.routes?.fc.features.find((x) => x.id === selectedId);
    if (!f || !selectedRoute) return;
    setMessage(null);
    setMode({
      kind: 'edit',
      draft: {
        id: selectedRoute.id,
        name: selectedRoute.name,
        school_id: selectedRoute.school_id,
        hub_id: selectedRoute.hub_id,
        segment_m: selectedRoute.segment_m,
      },
    });
    setLine(null);
    controller?.editLine(f.geometry);
  };
  const focusSegment = (s: SegmentRow) => {
    const [x, y] = s.guardian_point;
    controller?.fitBounds([x - 0.002, y - 0.0012, x + 0.002, y + 0.0012], true);
  };
  const siteName = (id: number) => base.sites?.list.find((s) => s.id === id)?.name ?? `site ${id}`;
  const categoryLabel = (slug: string) => categories.data?.categories.find((c) => c.slug === slug)?.label ?? slug;
  const worstRows =
    selectedId !== null
      ? segs.selected?.route.id === selectedId
        ? segs.selected.worst
        : null
      : (ranking.data?.worst_segments ?? null);
  const total = segs.selected?.route;

  return (
    <div className="map-page journeys-page" data-testid="journeys-page">
      <aside className="sidebar sidebar-left">
        <JourneyFiltersPanel
          filters={filters}
          period={meta ? { from: meta.from, to: meta.to } : null}
          categories={categories.data?.categories ?? []}
          schemes={schemes}
          partner={partner}
          onChange={changeFilters}
        />
        <JourneyLegend
          meta={meta}
          classes={segs.classes}
          colours={segs.colours}
          segmentRoutes={segs.routeIds.length}
          totalRoutes={base.routes?.list.length ?? 0}
          partner={partner}
          categoryLabel={categoryLabel}
        />
      </aside>
      <div className="map-wrap">
        <div
          ref={container}
          className="map-container"
          data-testid="map"
          role="region"
          aria-label="Map of school-journey routes"
        />
        <SearchBox className="map-search" onChoose={(r) => controller?.fitBounds(resultBounds(r), true)} />
        <PngExport
          map={controller?.map ?? null}
          page="journeys"
          title="School-journey routes"
          period={periodText(meta)}
          attribution={config.attribution}
        />
        <LiveToast />
        <JourneyNotices
          ranking={ranking.data}
          errors={[base.error, ranking.error, segs.error, wardError]}
          note={style?.note ?? null}
          sites={base.sites?.list ?? null}
          onRankAll={() => changeFilters({ rankBy: 'all' })}
          allTimes={allTimes}
        />
        {editor && (
          <div className="draw-toolbar" data-testid="draw-toolbar">
            {!drawing ? (
              <button type="button" className="primary" onClick={startDrawing} disabled={!controller} data-testid="draw-route">
                Draw a route
              </button>
            ) : (
              <span className="draw-status">
                {mode.kind === 'draw'
                  ? line
                    ? 'Line finished — name it and save'
                    : 'Click points; click the last one again to finish'
                  : 'Editing the line'}
              </span>
            )}
          </div>
        )}
      </div>
      <aside className="sidebar sidebar-right">
        {message && (
          <p className="ok-text" role="status" data-testid="journey-message">
            {message}
          </p>
        )}
        {drawing && base.sites && (
          <RouteForm
            key={`${mode.kind}:${mode.draft.id}`}
            draft={mode.draft}
            line={line}
            sites={base.sites.list}
            original={mode.kind === 'edit' ? selectedRoute : null}
            suggest={suggest}
            onSaved={(id, msg) => {
              stopDrawing();
              setView({ routeId: id }, true);
              reload(msg);
            }}
            onCancel={stopDrawing}
          />
        )}
        {!drawing && selectedRoute && (
          <section className="panel route-detail" data-testid="route-detail">
            <h2 className="panel-title">
              {selectedRoute.name}
              <button type="button" className="link-button panel-action" onClick={() => setView({ routeId: null }, true)}>
                all routes
              </button>
            </h2>
            <p className="hint">
              {[selectedRoute.school_name, selectedRoute.hub_name].filter(Boolean).join(' → ') || 'No school or hub linked'} ·{' '}
              {formatCount(Math.round(selectedRoute.length_m))} m in {selectedRoute.segments} segments of{' '}
              {selectedRoute.segment_m} m
            </p>
            {total && (
              <p data-testid="route-totals">
                In windows {formatCountOrWithheld(total.count, total.count === null)} · unknown time{' '}
                {formatCountOrWithheld(total.unknown_time, total.unknown_time === null)}
                {total.unknown_age !== null && ` · unknown age ${formatCount(total.unknown_age)}`}
                {total.all !== null && ` · all ${formatCount(total.all)}`} ·{' '}
                {total.rate_per_100m === null ? `per 100 m ${WITHHELD}` : `${formatRate(total.rate_per_100m)} per 100 m`}
              </p>
            )}
            {editor && (
              <div className="form-actions">
                <button type="button" onClick={startEditing} data-testid="route-edit">
                  Edit or delete
                </button>
                <button type="button" onClick={() => setExporting(selectedRoute.id)} data-testid="export-route">
                  Export worst segments
                </button>
              </div>
            )}
          </section>
        )}
        {!drawing && (
          <WorstSegments
            rows={worstRows}
            rankBy={filters.rankBy}
            average={ranking.data?.average ?? null}
            scope={selectedRoute?.name ?? null}
            onFocus={focusSegment}
          />
        )}
        {!drawing && editor && !selectedRoute && (
          <div className="form-actions">
            <button type="button" onClick={() => setExporting('all')} data-testid="export-all">
              Export worst segments (all routes)
            </button>
          </div>
        )}
        <RouteRanking
          ranking={ranking.data}
          selectedId={selectedId}
          onSelect={(id) => !drawing && setView({ routeId: id }, true)}
          onHover={(id) => controller?.hoverRoute(id)}
        />
        {!drawing && <SchoolRanking ranking={ranking.data} onFocus={focusSegment} />}
        <TermCalendar canEdit={editor} onSaved={() => reload('Term calendar saved.')} />
        {editor && (
          <details className="panel" data-testid="route-files">
            <summary className="panel-title">Import routes</summary>
            <RouteImport onImported={(msg) => reload(msg)} />
            <h3 className="subhead">Candidate routes along the walking network</h3>
            <RouteProposals
              siteName={siteName}
              onPreview={(ps: Proposal[] | null) => controller?.setProposals(ps ? proposalCollection(ps) : null)}
              onSaved={(msg) => reload(msg)}
            />
          </details>
        )}
      </aside>
      {exporting !== null && (
        <JourneyExportDialog
          filters={filters}
          routeId={exporting === 'all' ? null : exporting}
          routeName={exporting === 'all' ? null : (base.routes?.list.find((r) => r.id === exporting)?.name ?? null)}
          meta={meta}
          categoryLabel={categoryLabel}
          onClose={() => setExporting(null)}
        />
      )}
    </div>
  );
}
