// Displacement and diffusion of benefits for a place-based intervention, and a difference-in-differences
// estimate. Pure functions on counts (or harm totals) before and after, in three places:
//   R = the response (treatment) area, D = the displacement buffer around it, C = the control area.
//
// Formulas (Bowers & Johnson 2003, "Measuring the geographical displacement and diffusion of benefit
// effects of crime prevention activity", J. Quant. Criminol. 19(3) 275–301; written out with the same
// letters in Guerette 2009, POP Center Tool Guide 10, Appendix B):
//   success measure   = Ra/Ca − Rb/Cb                  (< 0: the area improved relative to the control)
//   buffer measure    = Da/Ca − Db/Cb                  (> 0: possible displacement, < 0: possible diffusion)
//   WDQ               = buffer measure / success measure
//   TNE               = [Rb·(Ca/Cb) − Ra] + [Db·(Ca/Cb) − Da]   (crimes prevented, net of displacement)
//   gross effect      = Rb − Ra,  net effect = Rb/Cb − Ra/Ca
// Difference in differences (Wheeler & Ratcliffe 2018's WDD without the buffer terms, on counts):
//   DiD = (Ra − s·Rb) − (Ca − s·Cb), s = after length / before length (1 for equal-length windows),
//   variance under independent Poisson counts Ra + s²Rb + Ca + s²Cb; negative = fewer than the control trend.
//   Relative DiD = (Ra/Rb) / (Ca/Cb) − 1 (the area's change relative to the control's).
// A ratio whose denominator is zero is reported as { value: null, reason }, never as a number.
// Every figure uses both windows (before and after), so when a window is not fully covered by the data
// (`notCovered`, issue 11) every figure is undefined with that reason: missing data are not zero crimes.

export interface BeforeAfter {
  /** null only with `notCovered` (the window has no complete data). */
  before: number | null;
  after: number | null;
}

export interface Figure {
  value: number | null;
  /** Why the value is undefined (null when it is defined). */
  reason: string | null;
}

const defined = (value: number): Figure => ({ value, reason: null });
const undef = (reason: string): Figure => ({ value: null, reason });

export interface DisplacementInput {
  area: BeforeAfter;
  buffer: BeforeAfter;
  control: BeforeAfter;
  /** Length of the after period divided by the before period's (for DiD only); default 1. */
  lengthRatio?: number;
  /** What the numbers are, for the reading ("crimes", "harm"). */
  unit?: string;
  /** Why a window the figures use is not fully covered by the data; then every figure is undefined with this reason. */
  notCovered?: string | null;
}

export interface DisplacementResult {
  gross_effect: Figure;
  net_effect: Figure;
  success_measure: Figure;
  buffer_measure: Figure;
  wdq: Figure;
  tne: Figure;
  did: Figure & { se: number | null; ci95: [number, number] | null };
  did_relative: Figure;
  reading: string;
}

interface Counts {
  before: number;
  after: number;
}

function check(x: BeforeAfter, name: string): Counts {
  for (const k of ['before', 'after'] as const) {
    const v = x[k];
    if (v === null || !Number.isFinite(v) || v < 0)
      throw new Error(`${name}.${k} must be a finite number >= 0${v === null ? ' (null only with notCovered)' : ''}, got ${v}`);
  }
  return x as Counts;
}

/** Every figure undefined for one reason (a window without complete data). */
function notEvaluated(reason: string): DisplacementResult {
  const u = undef(reason);
  return {
    gross_effect: u,
    net_effect: u,
    success_measure: u,
    buffer_measure: u,
    wdq: u,
    tne: u,
    did: { ...u, se: null, ci95: null },
    did_relative: u,
    reading: `Cannot be evaluated: ${reason}. Missing data are not zero crimes, so no figure is computed.`,
  };
}

export function displacement(input: DisplacementInput): DisplacementResult {
  if (input.notCovered) return notEvaluated(input.notCovered);
  const R = check(input.area, 'area');
  const D = check(input.buffer, 'buffer');
  const C = check(input.control, 'control');
  const s = input.lengthRatio ?? 1;
  if (!(s > 0) || !Number.isFinite(s)) throw new Error(`lengthRatio must be > 0, got ${s}`);
  const unit = input.unit ?? 'crimes';

  const noCb = `the control area had no ${unit} in the baseline (Cb = 0), so the control's trend is undefined`;
  const noCa = `the control area had no ${unit} in the phase (Ca = 0), so the after ratios are undefined`;

  const gross = defined(R.before - R.after);
  const net = C.before === 0 ? undef(noCb) : C.after === 0 ? undef(noCa) : defined(R.before / C.before - R.after / C.after);
  let success: Figure;
  let buffer: Figure;
  if (C.before === 0) success = buffer = undef(noCb);
  else if (C.after === 0) success = buffer = undef(noCa);
  else {
    success = defined(R.after / C.after - R.before / C.before);
    buffer = defined(D.after / C.after - D.before / C.before);
  }
  let wdq: Figure;
  if (success.value === null) wdq = undef(success.reason!);
  else if (success.value === 0)
    wdq = undef(
      'the success measure is zero (the area changed exactly in step with the control), so the WDQ would divide by zero',
    );
  else wdq = defined(buffer.value! / success.value);

  const tne =
    C.before === 0
      ? undef(noCb)
      : defined(R.before * (C.after / C.before) - R.after + (D.before * (C.after / C.before) - D.after));

  const didValue = R.after - s * R.before - (C.after - s * C.before);
  const variance = R.after + s * s * R.before + C.after + s * s * C.before;
  const se = Math.sqrt(variance);
  const did = { ...defined(didValue), se, ci95: [didValue - 1.96 * se, didValue + 1.96 * se] as [number, number] };
  let didRel: Figure;
  if (R.before === 0) didRel = undef(`the area had no ${unit} in the baseline (Rb = 0)`);
  else if (C.before === 0) didRel = undef(noCb);
  else if (C.after === 0) didRel = undef(noCa);
  else didRel = defined(R.after / R.before / (C.after / C.before) - 1);

  return {
    gross_effect: gross,
    net_effect: net,
    success_measure: success,
    buffer_measure: buffer,
    wdq,
    tne,
    did,
    did_relative: didRel,
    reading: reading(success, wdq, tne, unit, did),
  };
}

const fmt = (v: number) => (Math.abs(v) >= 10 ? v.toFixed(0) : v.toFixed(1));

/**
 * Plain-English reading, following Bowers & Johnson's (2003) interpretation of the WDQ (as tabulated in
 * Guerette 2009, Appendix C): the WDQ is only read when the success measure is negative. When the
 * difference in differences has a 95% interval that includes zero, no effect is claimed at all (no
 * reduction, displacement, diffusion or net effect): the figures are stated as point estimates only.
 */
export function reading(
  success: Figure,
  wdq: Figure,
  tne: Figure,
  unit = 'crimes',
  did?: { value: number | null; ci95: [number, number] | null },
): string {
  const parts: string[] = [];
  if (did?.value != null && did.ci95 && did.ci95[0] <= 0 && did.ci95[1] >= 0) {
    const [lo, hi] = did.ci95;
    parts.push(
      `No effect can be claimed: the change in the area relative to the control (difference in differences ${fmt(did.value)} ${unit}, 95% CI ${lo.toFixed(1)} to ${hi.toFixed(1)}) is within what chance variation would give, because the interval includes zero.`,
    );
    const est: string[] = [];
    if (wdq.value !== null) est.push(`WDQ ${wdq.value.toFixed(2)}`);
    if (tne.value !== null) est.push(`total net effect ${fmt(tne.value)} ${unit}`);
    parts.push(
      est.length
        ? `The other figures (${est.join(', ')}) are point estimates only and are not evidence of a reduction, displacement or diffusion of benefits.`
        : 'The displacement figures are undefined or not evidence of displacement or diffusion of benefits.',
    );
    return parts.join(' ');
  }
  if (success.value === null) parts.push(`Displacement cannot be assessed: ${success.reason}.`);
  else if (success.value >= 0)
    parts.push(
      `The area did not improve relative to the control (success measure ${success.value.toFixed(3)} ≥ 0), so the WDQ says nothing about displacement or diffusion.`,
    );
  else if (wdq.value === null) parts.push(`WDQ undefined: ${wdq.reason}.`);
  else {
    const w = wdq.value;
    if (w > 1)
      parts.push(
        `Diffusion of benefits (WDQ ${w.toFixed(2)} > 1): the buffer improved relative to the control by more than the area itself.`,
      );
    else if (w > 0)
      parts.push(`Diffusion of benefits (WDQ ${w.toFixed(2)} between 0 and 1): the buffer improved too, by less than the area.`);
    else if (w === 0)
      parts.push('No displacement and no diffusion of benefits (WDQ = 0): the buffer changed in step with the control.');
    else if (w > -1)
      parts.push(
        `Some displacement into the buffer (WDQ ${w.toFixed(2)} between −1 and 0), smaller than the reduction in the area: a net benefit remains.`,
      );
    else
      parts.push(
        `Displacement into the buffer at least as large as the reduction in the area (WDQ ${w.toFixed(2)} ≤ −1): no net benefit.`,
      );
  }
  if (tne.value === null) parts.push(`Total net effect undefined: ${tne.reason}.`);
  else if (tne.value > 0)
    parts.push(
      `Total net effect: about ${fmt(tne.value)} fewer ${unit} in the area and buffer together than the control's trend predicts.`,
    );
  else if (tne.value < 0)
    parts.push(
      `Total net effect: about ${fmt(-tne.value)} more ${unit} in the area and buffer together than the control's trend predicts.`,
    );
  else parts.push(`Total net effect: none (area and buffer together matched the control's trend).`);
  return parts.join(' ');
}
