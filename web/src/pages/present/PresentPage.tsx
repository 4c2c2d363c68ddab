// Presentation mode for tasking meetings: the map of this period with its legend always shown, and a
// headline strip (this period against the previous one by category, top hotspots, ward league, what
// changed since the last meeting) in large type with a colour-blind-safe palette; nothing is
// hover-only. Full screen on request; the view is the URL; the presenter's moves go to followers.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ResolvedFilters } from '../../api/client';
import type { AppConfig, Summary } from '../../../../contract/aggregates';
import { classBreaks } from '../../map/classify';
import { MapNotices } from '../map/MapNotices';
import { basemapKey, basemapNoteText, loadBaseStyle } from '../../map/base-style';
import type { MapController, MapEvents } from '../../map/map-controller';
import type { OverlayParams } from '../../map/layers';
import { hasLayer } from '../../state/url-state';
import { areaBounds } from '../../map/prepare/areas';
import { updateView, useViewSnapshot } from '../../state/view-store';
import { useSignedIn } from '../../api/session-store';
import { seesWithheld } from '../../lib/can';
import { useLiveNonce } from '../../lib/live-hooks';
import { comparisonText, periodMonths, presentAreaColours, presentColours } from '../../lib/live-view';
import { useMeeting, useShownWindow } from '../../lib/live-meeting';
import { useMapPeriod } from '../../lib/live-period';
import { MapView } from '../map/MapView';
import { useAreaBoundaries, useAreaStats, useHexLayer, type Viewport } from '../map/use-map-layers';
import { CategoryTable, ChangesSince, HotspotTable, WardLeague } from '../pack/PackTables';
import { usePack, usePackCoverage } from '../pack/use-pack';
import { CoverageStrip } from '../../components/CoverageStrip';
import { LiveToast } from './LiveToast';
import { MeetingBar } from './MeetingBar';
import { PresentLegend } from './PresentLegend';
import '../pack/pack.css';
import './present.css';
import { PngExport, periodText } from '../../components/PngExport';
import { CountPlayback, useCountPlayback } from '../map/CountPlayback';
import { hexResolutionForZoom } from '../../map/prepare/hexes';

/** Ward names on the presentation map, in px: readable from across a room at 1920×1080. */
export const PRESENT_LABEL_PX = 20;

export function PresentPage({ summary, config }: { summary: Summary; config: AppConfig }) {
  const { view, source } = useViewSnapshot();
  const session = useSignedIn();
  const root = useRef<HTMLDivElement>(null);
  const [controller, setController] = useState<MapController | null>(null);
  const [viewport, setViewport] = useState<Viewport | null>(null);
  const [fullscreen, setFullscreen] = useState(false);
  const initialCamera = useRef(view.camera).current;
  const live = useLiveNonce();
  // The map page's default period (whole months; the 12 to the newest month with data) unless the URL
  // names months or a comparison length; the pack compares it with the period before.
  const { period } = useMapPeriod(view, summary);
  const [pFrom, pTo] = [period?.from ?? null, period?.to ?? null];
  const packView = useMemo(() => (!view.compare && pFrom && pTo ? { ...view, from: pFrom, to: pTo } : view), [view, pFrom, pTo]);
  const { pack, error, sinceLabel, monthPrecision } = usePack(packView);
  const meeting = useMeeting();
  const cov = usePackCoverage(pack, live);

  // The map shows the pack's current period, so the map and the headline agree.
  const from = pack?.period.from;
  const to = pack?.period.to;
  const categoryKey = view.categories.join(',');
  const filters: ResolvedFilters | null = useMemo(
    () => (from && to ? { from, to, categories: categoryKey ? categoryKey.split(',') : [] } : null),
    [from, to, categoryKey],
  );
  // Followers get the period this map shows (the pack's), not their own default window.
  useShownWindow(periodMonths(pack?.period));
  // The whole study area at load (a camera carried over from the map page too), once the headline has
  // taken its height (the map's size is final then); a follower goes where the presenter is.
  const boundaries = useAreaBoundaries(controller, view.level, false);
  const fitted = useRef(false);
  const following = meeting.mode === 'following';
  const areas = boundaries.areas;
  const hasPack = !!pack;
  useEffect(() => {
    if (!controller || !areas || !hasPack || fitted.current || following) return;
    fitted.current = true;
    const b = areaBounds(areas);
    controller.map.resize();
    if (b) controller.fitBounds(b);
  }, [controller, areas, hasPack, following]);
  // Playback of the count maps (branch playback) over the pack's whole months.
  const showHexes = hasLayer(view, 'hexes');
  const pm = periodMonths(pack?.period);
  const [pmFrom, pmTo] = [pm?.from, pm?.to];
  const monthFilters = useMemo(
    () => (filters && pmFrom && pmTo ? { ...filters, from: pmFrom, to: pmTo } : null),
    [filters, pmFrom, pmTo],
  );
  const pb = useCountPlayback({
    controller,
    playback: view.playback,
    filters: monthFilters,
    level: view.level,
    method: view.classMethod,
    metric: 'count',
    showAreas: hasLayer(view, 'choropleth'),
    showHexes,
    hexRes: view.hexRes !== 'auto' ? view.hexRes : viewport ? hexResolutionForZoom(viewport.zoom) : null,
    areas: boundaries.areas,
  });
  const shownFilters = pb.index !== null ? pb.filters : filters;
  // The headline tables follow the playback step: the pack of the step's window (against the same length
  // before it). Off playback this is the whole period's pack request itself (same key: no second request).
  const [sFrom, sTo] = [pb.index !== null ? pb.filters?.from : null, pb.index !== null ? pb.filters?.to : null];
  const stepView = useMemo(() => (sFrom && sTo ? { ...packView, from: sFrom, to: sTo } : packView), [packView, sFrom, sTo]);
  const step = usePack(stepView);
  const stepping = pb.index !== null;
  const tables = stepping ? step.pack : pack;
  const stats = useAreaStats(controller, view.level, shownFilters);
  const reloadStats = useRef(stats.refetch);
  reloadStats.current = stats.refetch;
  useEffect(() => {
    if (live) void reloadStats.current();
  }, [live]);
  const hexes = useHexLayer(controller, shownFilters, viewport, view.hexRes, showHexes, view.classMethod, live);

  const areaClasses = useMemo(
    () =>
      pb.areaScale ??
      (stats.data
        ? classBreaks(
            stats.data.areas.map((a) => a.count),
            view.classMethod,
            'count',
          )
        : null),
    [stats.data, view.classMethod, pb.areaScale],
  );
  const areaColours = useMemo(() => (areaClasses ? presentAreaColours(areaClasses.thresholds.length + 1) : []), [areaClasses]);
  const hexClasses = pb.hexScale ?? hexes?.classes ?? null;
  const hexColours = useMemo(() => (hexClasses ? presentColours(hexClasses.thresholds.length + 1) : []), [hexClasses]);
  const showFill = hasLayer(view, 'choropleth');
  const overlay: OverlayParams = useMemo(
    () => ({
      // Ward names are always drawn in presentation mode (nothing is hover-only).
      areas: {
        metric: 'count',
        classes: areaClasses,
        colours: areaColours,
        showFill,
        showOutlines: true,
        showLabels: true,
        dimmed: showHexes,
        selectedCode: null,
        labelSize: PRESENT_LABEL_PX,
      },
      hexes: { visible: showHexes, classes: hexClasses, colours: hexColours, selectedH3: null },
      incidents: { visible: false },
    }),
    [areaClasses, areaColours, showFill, showHexes, hexClasses, hexColours],
  );
  useEffect(() => controller?.setOverlay(overlay), [controller, overlay]);
  const basemap = basemapKey(config);
  const [basemapNote, setBasemapNote] = useState<string | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `basemap` stands for config.basemap's content
  useEffect(() => {
    if (!controller) return;
    let on = true;
    void controller.track(loadBaseStyle(config)).then((r) => {
      if (!on) return;
      if (!r.fallbackReason && config.basemap && config.basemap.kind !== 'none') controller.setBaseStyle(r.style);
      setBasemapNote(basemapNoteText(r.fallbackReason));
    });
    return () => {
      on = false;
    };
  }, [controller, basemap]);
  useEffect(() => controller?.setAttribution(config.attribution), [controller, config.attribution]);
  useEffect(() => {
    if (controller && view.camera && source !== 'map') controller.jumpTo(view.camera);
  }, [controller, view.camera, source]);

  useEffect(() => {
    const on = () => setFullscreen(document.fullscreenElement === root.current);
    document.addEventListener('fullscreenchange', on);
    return () => document.removeEventListener('fullscreenchange', on);
  }, []);
  // The map canvas follows the page's new size when going full screen.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `fullscreen` is the trigger: the canvas must be resized after the page changes size.
  useEffect(() => {
    controller?.map.resize();
  }, [controller, fullscreen]);

  const events: MapEvents = {
    onSelect: () => undefined,
    onCamera: (camera) => updateView({ camera }, { source: 'map' }),
    onViewport: (bbox, zoom) => setViewport({ bbox, zoom }),
  };
  const toggleFullscreen = () => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void root.current?.requestFullscreen?.().catch(() => undefined);
  };

  return (
    <div className="present-page" ref={root} data-testid="present-page">
      <header className="present-head">
        <div className="present-title">
          <h1>Tasking meeting</h1>
          {pack && (
            <p className="present-period" data-testid="present-period">
              {comparisonText(pack.period, monthPrecision)}
            </p>
          )}
          {pack && (
            <div className="present-coverage">
              <CoverageStrip categories={cov.categories} period={cov.period} previous={cov.previous} report={cov.report} />
            </div>
          )}
        </div>
        <MeetingBar large />
        <button type="button" className="present-button" onClick={toggleFullscreen} data-testid="present-fullscreen">
          {fullscreen ? 'Exit full screen' : 'Full screen'}
        </button>
      </header>
      {error && <p className="error-text present-error">Pack: {error}</p>}
      {pack && (
        <section className="present-strip" aria-label="This period against the previous one" data-testid="present-headline">
          {stepping && (
            <p className="present-step" data-testid="present-step-tables">
              {step.pack
                ? `Tables for the playback step: ${comparisonText(step.pack.period, step.monthPrecision)}`
                : step.error
                  ? `Tables for the playback step: ${step.error}`
                  : `Tables for the playback step (${pb.label}): loading…`}
            </p>
          )}
          {tables && <CategoryTable pack={tables} limit={6} />}
        </section>
      )}
      <div className="present-body">
        <section className="present-map">
          <MapView initialCamera={initialCamera} events={events} onController={setController} />
          <PngExport
            map={controller?.map ?? null}
            page="present"
            title="Tasking meeting"
            period={pb.label ?? periodText(pack?.period)}
            attribution={config.attribution}
          />
          <MapNotices messages={[basemapNote]} />
          <LiveToast />
        </section>
        <aside className="present-side">
          {/* The legend beside the map, never over the data. */}
          <PresentLegend
            areaClasses={showFill ? areaClasses : null}
            areaColours={areaColours}
            hexClasses={showHexes ? hexClasses : null}
            fixedScale={{ areas: showFill ? pb.areaText : null, hexes: showHexes ? pb.hexText : null }}
            hexColours={hexColours}
            hexRes={hexes?.res ?? null}
            withheldMin={seesWithheld(session) ? (pack?.disclosure?.min_count ?? null) : null}
          />
          <CountPlayback pb={pb} controller={controller} />
          {pack ? (
            <>
              {tables && <HotspotTable pack={tables} limit={5} showCell={false} />}
              {tables && <WardLeague pack={tables} limit={8} />}
              <section className="present-changes" aria-label="What changed since the last meeting">
                <h2>Since the last meeting</h2>
                <ChangesSince pack={pack} sinceLabel={sinceLabel} />
                <label className="since-picker">
                  Changes since{' '}
                  <input
                    type="date"
                    value={view.since && /^\d{4}-/.test(view.since) ? view.since : ''}
                    onChange={(e) => updateView({ since: e.target.value || null })}
                    data-testid="present-since"
                  />
                </label>
              </section>
            </>
          ) : (
            <p className="page-loading">Loading…</p>
          )}
        </aside>
      </div>
    </div>
  );
}
