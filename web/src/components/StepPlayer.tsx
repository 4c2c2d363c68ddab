// A time stepper: play/pause, previous/next, a step slider, the current step's label and a way back to
// the whole (null step). Shared by the Emerging hot spots playback and the count-map playback (issue 14).
// Playing advances one step each time the map has drawn the last one and a short dwell has passed.
// Keyboard: ←/→, Home/End, space.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { MapController } from '../map/map-controller';

/** Time each step stays on screen while playing, after the map has drawn it. */
const DWELL_MS = 900;

export function StepPlayer({
  n,
  step,
  onStep,
  controller,
  title,
  heading,
  unit,
  label,
  backText,
  testId,
  className,
  children,
}: {
  n: number;
  /** The step shown (0-based); null = the whole (pattern, or the whole period). */
  step: number | null;
  onStep: (step: number | null) => void;
  controller: MapController | null;
  /** The fieldset's accessible name. */
  title: string;
  heading: string;
  /** What a step is, capitalised ("Period", "Month"): names the slider and the previous/next buttons. */
  unit: string;
  label: string;
  backText: string;
  /** data-testid prefix: `${testId}`, `${testId}-play`, `-prev`, `-slider`, `-next`, `-label`, `-pattern`. */
  testId: string;
  className?: string;
  /** Extra controls under the row (e.g. the rolling window). */
  children?: ReactNode;
}) {
  const [playing, setPlaying] = useState(false);
  const current = step === null ? null : Math.min(step, n - 1);
  const onStepRef = useRef(onStep);
  onStepRef.current = onStep;

  useEffect(() => {
    if (!playing || !controller) return;
    let live = true;
    let timer = 0;
    void controller.whenIdle().then(() => {
      if (!live) return;
      timer = window.setTimeout(() => {
        const next = current === null ? 0 : current + 1;
        if (next >= n) setPlaying(false);
        else onStepRef.current(next);
      }, DWELL_MS);
    });
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [playing, controller, current, n]);

  // Keyboard: ←/→ step, Home/End first/last, space plays or pauses (the slider keeps its own arrow keys).
  const onKey = (e: React.KeyboardEvent) => {
    const tag = (e.target as HTMLElement).tagName;
    const to = (i: number) => (e.preventDefault(), setPlaying(false), onStep(Math.max(0, Math.min(n - 1, i))));
    if (e.key === ' ' && tag !== 'BUTTON' && tag !== 'SELECT') e.preventDefault(), setPlaying((p) => !p);
    else if (tag === 'INPUT' || tag === 'SELECT') return;
    else if (e.key === 'ArrowLeft') to(current === null ? 0 : current - 1);
    else if (e.key === 'ArrowRight') to(current === null ? 0 : current + 1);
    else if (e.key === 'Home') to(0);
    else if (e.key === 'End') to(n - 1);
  };
  const low = unit.toLowerCase();

  return (
    <fieldset className={`panel playback ${className ?? ''}`.trim()} data-testid={testId} aria-label={title} onKeyDown={onKey}>
      <h2 className="panel-title">{heading}</h2>
      <div className="playback-row">
        <button type="button" onClick={() => setPlaying((p) => !p)} data-testid={`${testId}-play`} aria-pressed={playing}>
          {playing ? 'Pause' : 'Play'}
        </button>
        <button
          type="button"
          disabled={current === null || current === 0}
          onClick={() => onStep(current === null ? 0 : current - 1)}
          data-testid={`${testId}-prev`}
          aria-label={`Previous ${low}`}
        >
          ‹
        </button>
        <input
          type="range"
          min={0}
          max={n - 1}
          value={current ?? n - 1}
          onChange={(e) => onStep(Number(e.target.value))}
          aria-label={unit}
          data-testid={`${testId}-slider`}
        />
        <button
          type="button"
          disabled={current !== null && current >= n - 1}
          onClick={() => onStep(current === null ? 0 : current + 1)}
          data-testid={`${testId}-next`}
          aria-label={`Next ${low}`}
        >
          ›
        </button>
      </div>
      <p className="playback-label" data-testid={`${testId}-label`} aria-live="polite">
        {label}
      </p>
      {children}
      {current !== null && (
        <button
          type="button"
          className="link"
          onClick={() => (setPlaying(false), onStep(null))}
          data-testid={`${testId}-pattern`}
        >
          {backText}
        </button>
      )}
    </fieldset>
  );
}
