// Time playback over the emerging-hot-spot periods (the shared StepPlayer): the step is in the URL. The
// colour scale stays fixed for the whole playback (legend). All periods come in the one emerging request
// (include=series): stepping fetches nothing.
import type { EmergingMeta } from '../../../../../contract/hotspots';
import type { MapController } from '../../../map/map-controller';
import { periodLabel } from '../../../map/prepare/hotspots';
import { updateView } from '../../../state/view-store';
import { StepPlayer } from '../../../components/StepPlayer';

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
  const n = meta.periods.length;
  const current = step === null ? null : Math.min(step, n - 1);
  return (
    <StepPlayer
      n={n}
      step={step}
      onStep={setStep}
      controller={controller}
      title="Playback"
      heading="Periods"
      unit="Period"
      testId="playback"
      backText="Back to the pattern"
      label={
        current === null
          ? `Pattern over ${n} periods`
          : `Period ${current + 1} of ${n}: ${periodLabel(meta.periods[current], meta.period)}`
      }
    />
  );
}
