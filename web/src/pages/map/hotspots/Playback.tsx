// Time playback over the emerging-hot-spot periods: a step slider, previous/next, play/pause, and the
// pattern summary. The step is in the URL; playing advances one period each time the map has drawn the
// last one and a short dwell has passed. The colour scale stays fixed for the whole playback (legend).
// All periods come in the one emerging request (include=series): stepping fetches nothing. Keyboard:
// ←/→, Home/End, space.
import { useEffect, useState } from 'react';
import type { EmergingMeta } from '../../../../../contract/hotspots';
import type { MapController } from '../../../map/map-controller';
import { periodLabel } from '../../../map/prepare/hotspots';
import { updateView } from '../../../state/view-store';

/** Time each period stays on screen while playing, after the map has drawn it. */
const DWELL_MS = 900;

const setStep = (step: number | null) => updateView((v) => ({ ...v, hotspot: { ...v.hotspot, step } }));

export function Playback({
  meta,
  step,
  controller,
}: {
  meta: EmergingMeta;
  step: number | null;
  controller: MapController | null;
}) {
  const [playing, setPlaying] = useState(false);
  const n = meta.periods.length;
  const current = step === null ? null : Math.min(step, n - 1);

  useEffect(() => {
    if (!playing || !controller) return;
    let live = true;
    let timer = 0;
    void controller.whenIdle().then(() => {
      if (!live) return;
      timer = window.setTimeout(() => {
        const next = current === null ? 0 : current + 1;
        if (next >= n) setPlaying(false);
        else setStep(next);
      }, DWELL_MS);
    });
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [playing, controller, current, n]);

  // Keyboard: ←/→ step, Home/End first/last, space plays or pauses (the slider keeps its own arrow keys).
  const onKey = (e: React.KeyboardEvent) => {
    const to = (i: number) => (e.preventDefault(), setPlaying(false), setStep(Math.max(0, Math.min(n - 1, i))));
    if (e.key === ' ' && (e.target as HTMLElement).tagName !== 'BUTTON') e.preventDefault(), setPlaying((p) => !p);
    else if ((e.target as HTMLElement).tagName === 'INPUT') return;
    else if (e.key === 'ArrowLeft') to(current === null ? 0 : current - 1);
    else if (e.key === 'ArrowRight') to(current === null ? 0 : current + 1);
    else if (e.key === 'Home') to(0);
    else if (e.key === 'End') to(n - 1);
  };

  return (
    <fieldset className="panel playback" data-testid="playback" aria-label="Playback" onKeyDown={onKey}>
      <h2 className="panel-title">Periods</h2>
      <div className="playback-row">
        <button type="button" onClick={() => setPlaying((p) => !p)} data-testid="playback-play" aria-pressed={playing}>
          {playing ? 'Pause' : 'Play'}
        </button>
        <button
          type="button"
          disabled={current === null || current === 0}
          onClick={() => setStep(current === null ? 0 : current - 1)}
          data-testid="playback-prev"
          aria-label="Previous period"
        >
          ‹
        </button>
        <input
          type="range"
          min={0}
          max={n - 1}
          value={current ?? n - 1}
          onChange={(e) => setStep(Number(e.target.value))}
          aria-label="Period"
          data-testid="playback-slider"
        />
        <button
          type="button"
          disabled={current !== null && current >= n - 1}
          onClick={() => setStep(current === null ? 0 : current + 1)}
          data-testid="playback-next"
          aria-label="Next period"
        >
          ›
        </button>
      </div>
      <p className="playback-label" data-testid="playback-label" aria-live="polite">
        {current === null
          ? `Pattern over ${n} periods`
          : `Period ${current + 1} of ${n}: ${periodLabel(meta.periods[current], meta.period)}`}
      </p>
      {current !== null && (
        <button type="button" className="link" onClick={() => (setPlaying(false), setStep(null))} data-testid="playback-pattern">
          Back to the pattern
        </button>
      )}
    </fieldset>
  );
}
