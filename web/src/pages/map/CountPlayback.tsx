// Time playback over the count maps (issue 14): step or play through the months (or, where the API says the
// incidents have dates, the weeks or days) of the
// period, each step showing a rolling window of N months ending at its month, with the colour scale fixed
// for the whole playback. Every step's figures are fetched up front (one request per step through GET
// /api/stats/areas and GET /api/hexes, cached by TanStack Query, so the step shown is a cache hit) and
// classed together (lib/playback.ts). The month and the window are in the URL (pstep, pwin).
import { useMemo } from 'react';
import { useQueries, useQuery } from '@tanstack/react-query';
import { getAreaStats, getHexes, type AreaCollection } from '../../../../contract/aggregates';
import { bboxParam, filterQuery, type ResolvedFilters } from '../../api/client';
import { call, routeKey } from '../../api/call';
import type { ClassMethod, Classes } from '../../map/classify';
import type { MapController } from '../../map/map-controller';
import { areaBounds } from '../../map/prepare/areas';
import {
  PLAYBACK_UNITS,
  UNIT_WINDOWS,
  unitFits,
  fixedScale,
  fixedScaleText,
  playbackSteps,
  stepIndex,
  stepLabel,
  stepWindows,
  type PlaybackUnit,
  type PlaybackView,
} from '../../lib/playback';
import { updateView } from '../../state/view-store';
import { StepPlayer } from '../../components/StepPlayer';

export interface CountPlaybackState {
  steps: string[];
  /** What a step is: the unit asked for when the data and the period allow it, else months. */
  unit: PlaybackUnit;
  /** Per unit: null when offered, else why not (the data's time precision from GET /stats/areas, or the period's length). */
  units: Record<PlaybackUnit, string | null>;
  /** The step shown; null = playback off (the whole period). */
  index: number | null;
  window: number;
  /** The filters of the step shown, else the period's. */
  filters: ResolvedFilters | null;
  label: string | null;
  areaScale: Classes | null;
  hexScale: Classes | null;
  /** "scale fixed for playback: 0–N" for each layer (null while off or loading). */
  areaText: string | null;
  hexText: string | null;
  loading: boolean;
  error: string | null;
}

const setPlayback = (p: Partial<PlaybackView>) => updateView((v) => ({ ...v, playback: { ...v.playback, ...p } }));

export function useCountPlayback(args: {
  controller: MapController | null;
  playback: PlaybackView;
  filters: ResolvedFilters | null;
  level: string;
  method: ClassMethod;
  /** The choropleth's value: rates are classed as rates. */
  metric: 'count' | 'rate';
  showAreas: boolean;
  showHexes: boolean;
  hexRes: number | null;
  areas: AreaCollection | null;
}): CountPlaybackState {
  const { playback, filters, level, method } = args;
  const [from, to] = [filters?.from, filters?.to];
  // The period's statistics (the map's own request, so usually a cache hit) say which steps the data support.
  const periodInput = { query: { level, ...filterQuery(filters ?? {}) } };
  const period = useQuery({
    queryKey: routeKey(getAreaStats, periodInput),
    queryFn: ({ signal }) => call(getAreaStats, periodInput, { signal }),
    enabled: filters !== null,
  });
  const supported = period.data?.time.steps;
  const units = useMemo(() => {
    const out = {} as Record<PlaybackUnit, string | null>;
    for (const u of PLAYBACK_UNITS) {
      out[u] =
        u === 'month'
          ? null
          : !supported
            ? 'waiting for the data’s time precision'
            : !supported.includes(u)
              ? 'needs incidents with dates (police.uk data are by month only)'
              : unitFits(from && to ? { from, to } : null, u);
    }
    return out;
  }, [supported, from, to]);
  const unit: PlaybackUnit = units[playback.unit] === null ? playback.unit : 'month';
  const steps = useMemo(() => (from && to ? playbackSteps({ from, to }, unit) : []), [from, to, unit]);
  const index = stepIndex(steps, playback.month);
  const active = index !== null;
  const win = UNIT_WINDOWS[unit].includes(playback.window) ? playback.window : 1;
  const windows = useMemo(() => stepWindows(steps, win, unit, to), [steps, win, unit, to]);
  const stepFilters = (i: number): ResolvedFilters => ({ ...filters!, from: windows[i].from, to: windows[i].to });
  const bounds = args.areas ? areaBounds(args.areas) : null;

  const areaQs = useQueries({
    queries: windows.map((_, i) => {
      const input = { query: { level, ...filterQuery(active ? stepFilters(i) : {}) } };
      return {
        queryKey: routeKey(getAreaStats, input),
        queryFn: ({ signal }: { signal: AbortSignal }) => call(getAreaStats, input, { signal }),
        enabled: active && args.showAreas,
      };
    }),
  });
  const hexQs = useQueries({
    queries: windows.map((_, i) => {
      const input = {
        query: {
          res: String(args.hexRes) as '7' | '8' | '9' | '10',
          bbox: bounds ? bboxParam(bounds) : '',
          ...filterQuery(active ? stepFilters(i) : {}),
        },
      };
      return {
        queryKey: routeKey(getHexes, input),
        queryFn: ({ signal }: { signal: AbortSignal }) => call(getHexes, input, { signal }),
        enabled: active && args.showHexes && args.hexRes !== null && bounds !== null,
      };
    }),
  });
  const areaVals = areaQs.map((q) => q.data?.areas.map((a) => (args.metric === 'rate' ? a.rate_per_1000 : a.count)));
  const hexVals = hexQs.map((q) => q.data?.cells.map((c) => c.count));
  const areaKey = areaQs.map((q) => q.dataUpdatedAt).join(',');
  const hexKey = hexQs.map((q) => q.dataUpdatedAt).join(',');
  // biome-ignore lint/correctness/useExhaustiveDependencies: the keys stand for the queries' data
  const areaScale = useMemo(
    () => (active && args.showAreas ? fixedScale(areaVals, method, args.metric) : null),
    [areaKey, active, method, args.metric],
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: the keys stand for the queries' data
  const hexScale = useMemo(() => (active && args.showHexes ? fixedScale(hexVals, method) : null), [hexKey, active, method]);
  const err = [...areaQs, ...hexQs].find((q) => q.error)?.error;
  const shown = useMemo(
    () => (active && filters ? { ...filters, from: windows[index].from, to: windows[index].to } : filters),
    [active, filters, windows, index],
  );
  return {
    steps,
    unit,
    units,
    index,
    window: win,
    filters: shown,
    label: active ? stepLabel(windows[index], win, unit) : null,
    areaScale,
    hexScale,
    areaText: fixedScaleText(areaScale),
    hexText: fixedScaleText(hexScale),
    loading: active && [...areaQs, ...hexQs].some((q) => q.isFetching),
    error: err ? err.message : null,
  };
}

/** The playback controls: the shared StepPlayer plus the rolling-window choice. */
export function CountPlayback({
  pb,
  controller,
  singleMonths = false,
}: {
  pb: CountPlaybackState;
  controller: MapController | null;
  /** Partners: single months only, no rolling window (issue 15). */
  singleMonths?: boolean;
}) {
  const n = pb.steps.length;
  if (n < 2) return null;
  const name = UNIT_NAMES[pb.unit];
  return (
    <StepPlayer
      n={n}
      step={pb.index}
      onStep={(i) => setPlayback({ month: i === null ? null : pb.steps[i] })}
      controller={controller}
      title={`${name.one} playback`}
      heading={name.many}
      unit={name.one}
      testId="count-playback"
      className="count-playback"
      backText="Back to the whole period"
      label={
        pb.index === null
          ? `Whole period: ${n} ${name.many.toLowerCase()}`
          : `${name.one} ${pb.index + 1} of ${n}: ${pb.label}${pb.loading ? ` (loading all ${name.many.toLowerCase()}…)` : ''}`
      }
    >
      {!singleMonths && (
        <div className="count-playback-options">
          <label className="count-playback-unit">
            Steps{' '}
            <select
              value={pb.unit}
              onChange={(e) => setPlayback({ unit: e.target.value as PlaybackUnit, month: null, window: 1 })}
              data-testid="count-playback-unit"
            >
              {PLAYBACK_UNITS.map((u) => (
                <option key={u} value={u} disabled={pb.units[u] !== null}>
                  {UNIT_NAMES[u].many}
                  {pb.units[u] ? ` (${pb.units[u]})` : ''}
                </option>
              ))}
            </select>
          </label>
          <label className="count-playback-window">
            Rolling window{' '}
            <select
              value={pb.window}
              onChange={(e) => setPlayback({ window: Number(e.target.value) })}
              data-testid="count-playback-window"
            >
              {UNIT_WINDOWS[pb.unit].map((w) => (
                <option key={w} value={w}>
                  {w === 1 ? `Single ${name.one.toLowerCase()}` : `${w} ${name.many.toLowerCase()}`}
                </option>
              ))}
            </select>
          </label>
          {pb.units.week !== null && (
            <p className="hint" data-testid="count-playback-unit-note">
              Weeks and days: {pb.units.week}.
            </p>
          )}
        </div>
      )}
      {pb.error && <p className="error-text">Playback: {pb.error}</p>}
    </StepPlayer>
  );
}

const UNIT_NAMES: Record<PlaybackUnit, { one: string; many: string }> = {
  month: { one: 'Month', many: 'Months' },
  week: { one: 'Week', many: 'Weeks' },
  day: { one: 'Day', many: 'Days' },
};
