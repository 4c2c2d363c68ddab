// "Draw an area" on the main map (issue 4): the tool in the left column starts terra-draw's polygon mode
// through the map controller; the drawn polygon (simplified to the API's 200 vertices) gets the same time
// profile as a selected cell or ward — total, monthly chart, hour-of-week or the precision note — for the
// page's window and categories. Partners see "withheld" where the API withholds counts.
import { useCallback, useEffect, useState } from 'react';
import type { Polygon } from 'geojson';
import type { Filters } from '../../api/client';
import { getProfile } from '../../../../contract/hotspots';
import { filterQuery } from '../../api/hotspots';
import { useRoute } from '../../api/query';
import { formatCount, WITHHELD } from '../../lib/format';
import type { MapController } from '../../map/map-controller';
import { drawnPolygon, polygonParam } from '../../map/prepare/drawn';
import { TimeProfile } from './hotspots/TimeProfile';

export interface DrawnArea {
  /** The polygon sent to the API (closed, at most 200 vertices); null: none drawn. */
  polygon: Polygon | null;
  /** Loading terra-draw (first use) before the map takes clicks. */
  preparing: boolean;
  /** The map takes clicks for the area's corners. */
  drawing: boolean;
  start(): void;
  clear(): void;
}

export function useDrawnArea(controller: MapController | null): DrawnArea {
  const [polygon, setPolygon] = useState<Polygon | null>(null);
  const [drawing, setDrawing] = useState(false);
  const [preparing, setPreparing] = useState(false);
  const start = useCallback(() => {
    if (!controller) return;
    setPolygon(null);
    setPreparing(true);
    // The hint ("click points on the map") only once the map takes clicks: terra-draw loads on first use.
    controller
      .startPolygonDraw((p) => {
        setDrawing(false);
        setPolygon(drawnPolygon(p));
      })
      .then(
        () => setDrawing(true),
        () => setDrawing(false),
      )
      .finally(() => setPreparing(false));
  }, [controller]);
  const clear = useCallback(() => {
    controller?.clearDrawn();
    setDrawing(false);
    setPolygon(null);
  }, [controller]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new map controller (a new map) drops the polygon drawn on the old one.
  useEffect(() => () => setPolygon(null), [controller]);
  return { polygon, preparing, drawing, start, clear };
}

export function DrawAreaTool({ drawn, disabled }: { drawn: DrawnArea; disabled: boolean }) {
  return (
    <div className="panel" data-testid="draw-area-tool">
      <h2 className="panel-title">Time profile of an area</h2>
      {drawn.preparing ? (
        <p className="hint" data-testid="draw-area-loading">
          Loading the drawing tool…
        </p>
      ) : drawn.drawing ? (
        <p className="hint" data-testid="draw-area-hint">
          Click points on the map; click the first point again (or press Enter) to close the area.
        </p>
      ) : (
        <p className="hint">Draw any area to see its incidents by month (and by hour of week where records have times).</p>
      )}
      <div className="button-row">
        <button
          type="button"
          onClick={drawn.start}
          disabled={disabled || drawn.drawing || drawn.preparing}
          data-testid="draw-area"
        >
          Draw an area
        </button>
        {(drawn.drawing || drawn.polygon) && (
          <button type="button" onClick={drawn.clear} data-testid="draw-area-clear">
            {drawn.drawing ? 'Cancel' : 'Clear area'}
          </button>
        )}
      </div>
    </div>
  );
}

export function DrawnAreaDetail({ polygon, filters, onClear }: { polygon: Polygon; filters: Filters; onClear: () => void }) {
  const param = polygonParam(polygon);
  const profile = useRoute(getProfile, { query: { polygon: param, ...filterQuery(filters) } });
  const total = profile.data?.total;
  return (
    <div className="panel detail" data-testid="drawn-area-detail">
      <div className="detail-head">
        <div>
          <h2 className="detail-title">Drawn area</h2>
          <p className="hint">{`${polygon.coordinates[0].length - 1} vertices`}</p>
        </div>
        <button type="button" className="close" onClick={onClear} aria-label="Clear area" data-testid="drawn-area-close">
          ×
        </button>
      </div>
      {profile.isLoading && <p className="hint">Loading…</p>}
      {profile.error && <p className="error-text">{profile.error.message}</p>}
      {profile.data && (
        <>
          <dl className="detail-figures">
            <div>
              <dt>Incidents</dt>
              <dd data-testid="drawn-total">{total === null || total === undefined ? WITHHELD : formatCount(total)}</dd>
            </div>
          </dl>
          <TimeProfile profile={profile.data} />
        </>
      )}
      <div className="button-row">
        <button type="button" onClick={onClear} data-testid="drawn-area-clear">
          Clear area
        </button>
      </div>
    </div>
  );
}
