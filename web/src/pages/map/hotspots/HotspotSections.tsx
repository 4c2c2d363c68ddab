// The hotspot statistics on the map page, composed: the hook that picks the units (H3 resolution from
// the zoom or the chosen one, or the area level), loads the statistic into the map and gives the layer
// parameters; the left column (mode switch and parameters, month-precision message, playback, legend)
// and the right column (selected unit with its time profile; the mode's list: Gi* top-N, Change's
// increases and decreases, Emerging's units by pattern).
import { useEffect, useMemo, useState } from 'react';
import type { Filters } from '../../../api/client';
import type { AreaCollection } from '../../../../../contract/aggregates';
import { getHarmSchemes, type HarmScheme } from '../../../../../contract/hotspots';
import type { UnitQuery } from '../../../api/hotspots';
import { useRoute } from '../../../api/query';
import { useSignedIn } from '../../../api/session-store';
import { can } from '../../../lib/can';
import type { HotspotLayerParams } from '../../../map/layers/hotspots';
import type { MapController } from '../../../map/map-controller';
import { hexResolutionForZoom } from '../../../map/prepare/hexes';
import { unitBbox } from '../../../map/prepare/hotspots';
import type { ViewState } from '../../../state/url-state';
import { updateView } from '../../../state/view-store';
import { HotspotDetail } from './HotspotDetail';
import { HotspotPanel, setHotspot } from './HotspotPanel';
import { Playback } from './Playback';
import { SideLists } from './SideLists';
import { TopList } from './TopList';
import { useHotspotLayer, type HotspotInfo } from './use-hotspots';

export interface Hotspots {
  active: boolean;
  unit: UnitQuery | null;
  unitLabel: string;
  info: HotspotInfo;
  layer: HotspotLayerParams;
  /** The data have month precision only (the API refused 28-day / weekly periods once). */
  monthOnly: boolean;
  /** An error for the map's notices (the month-precision refusal is explained in its own panel instead). */
  notice: string | null;
}

export function useHotspots(
  controller: MapController | null,
  view: ViewState,
  levelLabel: string,
  filters: Filters | null,
  zoom: number | null,
  /** The loaded boundaries of view.level (useAreaBoundaries). */
  boundaries: AreaCollection | null,
): Hotspots {
  const hs = view.hotspot;
  const res = view.hexRes === 'auto' ? (zoom === null ? null : hexResolutionForZoom(zoom)) : view.hexRes;
  const unit = useMemo<UnitQuery | null>(
    () => (hs.unit === 'area' ? { level: view.level } : res === null ? null : { res }),
    [hs.unit, view.level, res],
  );
  const info = useHotspotLayer(controller, hs, unit, filters, boundaries);
  const [monthOnly, setMonthOnly] = useState(false);
  useEffect(() => {
    if (info.errorCode === 'month_precision') setMonthOnly(true);
  }, [info.errorCode]);

  const periods = info.data?.mode === 'emerging' ? info.data.meta.periods.length : 0;
  const step = hs.mode === 'emerging' && hs.step !== null && periods ? Math.min(hs.step, periods - 1) : null;
  const sel = view.selected;
  const selectedId = sel ? (sel.kind === 'area' ? sel.code : sel.h3) : null;
  const z = info.zScale;
  const layer = useMemo<HotspotLayerParams>(
    () => ({ mode: hs.mode, step, zScale: z, vs: hs.vs, selectedId }),
    [hs.mode, step, z, hs.vs, selectedId],
  );
  const unitLabel = hs.unit === 'area' ? levelLabel.toLowerCase() : res ? `H3 res ${res} cells` : 'H3 cells';
  const notice = info.errorCode === 'month_precision' ? null : info.error;
  return { active: hs.mode !== null, unit, unitLabel, info, layer, monthOnly, notice };
}

/** The month-precision refusal in words, with the period lengths that work. */
function MonthPrecision({ message }: { message: string }) {
  return (
    <div className="panel notice-panel" role="alert" data-testid="month-precision">
      <p>
        <strong>28-day and weekly periods need dated records.</strong> These data have the month of each incident only (police.uk
        publishes the month, not the day), so an incident cannot be placed in a 28-day or weekly period. Use months or quarters.
      </p>
      <p className="hint">{message}</p>
      <div className="button-row">
        <button type="button" onClick={() => setHotspot({ period: 'month' })} data-testid="use-month">
          Use months
        </button>
        <button type="button" onClick={() => setHotspot({ period: 'quarter' })} data-testid="use-quarter">
          Use quarters
        </button>
      </div>
    </div>
  );
}

export function HotspotLeft({
  hot,
  view,
  hasPopulation,
  levelLabel,
  controller,
}: {
  hot: Hotspots;
  view: ViewState;
  hasPopulation: boolean;
  levelLabel: string;
  controller: MapController | null;
}) {
  const schemes = useRoute(getHarmSchemes, { query: {} });
  // Loading a scheme: those who may (POST /api/harm-schemes); the new one is listed and selected.
  const analyst = can(useSignedIn(), 'harm-schemes.write');
  const loaded = (s: HarmScheme) => {
    void schemes.refetch();
    setHotspot({ weights: s.name }, true);
  };
  const d = hot.info.data;
  return (
    <>
      <HotspotPanel
        view={view}
        schemes={schemes.data?.schemes ?? []}
        hasPopulation={hasPopulation}
        levelLabel={levelLabel}
        monthOnly={hot.monthOnly}
        onSchemeLoaded={analyst ? loaded : undefined}
      />
      {view.hotspot.mode === 'emerging' && hot.info.errorCode === 'month_precision' && (
        <MonthPrecision message={hot.info.error ?? ''} />
      )}
      {d?.mode === 'emerging' && <Playback meta={d.meta} step={hot.layer.step} controller={controller} />}
      {/* The hot spot legend is on the map (MapPage's MapLegendBox, issue 14). */}
    </>
  );
}

export function HotspotRight({
  hot,
  view,
  filters,
  levelLabel,
  controller,
}: {
  hot: Hotspots;
  view: ViewState;
  filters: Filters;
  levelLabel: string;
  controller: MapController | null;
}) {
  const hs = view.hotspot;
  // Cells: centre on the cell at the same zoom (a zoom change could change the resolution); areas: fit.
  const pick = (u: { h3?: string; code?: string }) => {
    const b = unitBbox(u, hot.info.areas);
    const selected = u.h3 ? ({ kind: 'hex', h3: u.h3 } as const) : ({ kind: 'area', code: u.code! } as const);
    if (b && u.h3 && view.camera)
      updateView(
        { selected, camera: { zoom: view.camera.zoom, lng: (b[0] + b[2]) / 2, lat: (b[1] + b[3]) / 2 } },
        { push: true },
      );
    else {
      if (b && controller) controller.fitBounds(b, true);
      updateView({ selected }, { push: true });
    }
  };
  return (
    <>
      {view.selected && (
        <HotspotDetail
          selection={view.selected}
          level={view.level}
          levelLabel={levelLabel}
          filters={filters}
          info={hot.info}
          hs={hs}
          onClose={() => updateView({ selected: null }, { push: true })}
        />
      )}
      {hot.unit && (hs.mode === 'change' || hs.mode === 'emerging') && (
        <SideLists
          data={hot.info.data}
          hs={hs}
          cells={'res' in hot.unit}
          unitLabel={hot.unitLabel}
          selectedId={hot.layer.selectedId}
          onPick={pick}
        />
      )}
      {hot.unit && hs.mode === 'gi' && (
        <TopList
          unit={hot.unit}
          unitLabel={hot.unitLabel}
          filters={filters}
          stat={{ weights: hs.weights, k: hs.k, correction: hs.correction }}
          n={hs.top}
          selectedId={hot.layer.selectedId}
          onPick={pick}
        />
      )}
    </>
  );
}
