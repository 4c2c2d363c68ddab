// Time playback over the count maps (issue 14, branch playback): step or play through the months of the
// period, each step showing a rolling window of N months ending at its month, with the colour scale fixed
// for the whole playback. Every step's figures are fetched up front (one request per step through GET
// /api/stats/areas and GET /api/hexes, cached by TanStack Query, so the step shown is a cache hit) and
// classed together (lib/playback.ts). The month and the window are in the URL (pstep, pwin).
import { useMemo } from 'react';
import { useQueries } from '@tanstack/react-query';
import { getAreaStats, getHexes, type AreaCollection } from '../../../../contract/aggregates';
import { bboxParam, filterQuery, type ResolvedFilters } from '../../api/client';
import { call, routeKey } from '../../api/call';
import type { ClassMethod, Classes } from '../../map/classify';
import type { MapController } from '../../map/map-controller';
import { areaBounds } from '../../map/prepare/areas';
import {
  PLAYBACK_WINDOWS,
  fixedScale,
  fixedScaleText,
  playbackSteps,
  stepIndex,
  stepLabel,
  stepWindows,
  type PlaybackView,
} from '../../lib/playback';
import { updateView } from '../../state/view-store';
import { StepPlayer } from '../../components/StepPlayer';

export interface CountPlaybackState {
  steps: string[];
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
  const steps = useMemo(() => (from && to ? playbackSteps({ from, to }) : []), [from, to]);
  const index = stepIndex(steps, playback.month);
  const active = index !== null;
  const windows = useMemo(() => stepWindows(steps, playback.window), [steps, playback.window]);
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
    index,
    window: playback.window,
    filters: shown,
    label: active ? stepLabel(windows[index], playback.window) : null,
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
  return (
    <StepPlayer
      n={n}
      step={pb.index}
      onStep={(i) => setPlayback({ month: i === null ? null : pb.steps[i] })}
      controller={controller}
      title="Month playback"
      heading="Months"
      unit="Month"
      testId="count-playback"
      className="count-playback"
      backText="Back to the whole period"
      label={
        pb.index === null
          ? `Whole period: ${n} months`
          : `Month ${pb.index + 1} of ${n}: ${pb.label}${pb.loading ? ' (loading all months…)' : ''}`
      }
    >
      {!singleMonths && (
        <label className="count-playback-window">
          Rolling window{' '}
          <select
            value={pb.window}
            onChange={(e) => setPlayback({ window: Number(e.target.value) as PlaybackView['window'] })}
            data-testid="count-playback-window"
          >
            {PLAYBACK_WINDOWS.map((w) => (
              <option key={w} value={w}>
                {w === 1 ? 'Single month' : `${w} months`}
              </option>
            ))}
          </select>
        </label>
      )}
      {pb.error && <p className="error-text">Playback: {pb.error}</p>}
    </StepPlayer>
  );
}
