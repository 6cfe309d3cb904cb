/**
 * Beat detection on a band-passed pulse oriented so that blood volume goes UP at systole.
 *
 * Peaks are accepted greedily from the tallest down with a refractory distance tied to the
 * period found by autocorrelation (so a dicrotic wave or a noise bump inside the same beat cannot
 * count twice), and each beat is timed at the middle of its systolic upstroke, interpolated
 * between samples. The mid-upstroke point is the most reproducible PPG fiducial at low sample
 * rates (the foot is blurred by the preceding diastolic decay and the peak is flat); see
 * M. Elgendi, "On the Analysis of Fingertip Photoplethysmogram Signals", Curr. Cardiol. Rev.
 * 8(1), 2012.
 */
import * as stats from './stats';
import { median } from './stats';

// Bound once: inside sandboxes such as Jest's vm context every global lookup of `Math` is slow.
const { abs, max, round } = Math;
// Bound once, like Math: the per-sample loops would otherwise go through the module's export
// getters on every read (tsx/esbuild), which cost more than the arithmetic.
const { at } = stats;

export interface Beat {
  /** Sample index of the diastolic minimum before the upstroke. */
  foot: number;
  /** Sample index of the systolic maximum. */
  peak: number;
  /** Fractional sample index of the mid-upstroke crossing: the beat's time stamp. */
  onset: number;
  /** Peak − foot, in the units of the input. */
  amplitude: number;
}

/** Refractory distance as a share of the period. */
const MIN_DISTANCE_SHARE = 0.6;
/** How far before a peak its foot is looked for, as a share of the period. */
const FOOT_SEARCH_SHARE = 0.75;
/** Beats smaller than this share of the median amplitude are treated as noise bumps. */
const MIN_AMPLITUDE_SHARE = 0.35;

function localMaxima(v: Float64Array): number[] {
  const out: number[] = [];
  for (let i = 1; i < v.length - 1; i++) {
    const y = at(v, i);
    if (y > at(v, i - 1) && y >= at(v, i + 1)) out.push(i);
  }
  return out;
}

/** Beats in `v` given the expected period (samples). */
export function detectBeats(v: Float64Array, periodSamples: number): Beat[] {
  const minDistance = MIN_DISTANCE_SHARE * periodSamples;
  const byHeight = localMaxima(v).sort((a, b) => at(v, b) - at(v, a));
  const accepted: number[] = [];
  for (const p of byHeight) if (accepted.every((a) => abs(a - p) >= minDistance)) accepted.push(p);
  accepted.sort((a, b) => a - b);

  const beats: Beat[] = [];
  const footSpan = round(FOOT_SEARCH_SHARE * periodSamples);
  for (const peak of accepted) {
    let foot = peak;
    for (let i = max(0, peak - footSpan); i < peak; i++) if (at(v, i) < at(v, foot)) foot = i;
    // A foot on the window edge may be a truncated upstroke: its amplitude and timing are unknown.
    if (foot === peak || foot === 0) continue;
    const half = (at(v, foot) + at(v, peak)) / 2;
    let j = foot;
    while (j < peak - 1 && at(v, j + 1) < half) j++;
    const onset = j + (half - at(v, j)) / (at(v, j + 1) - at(v, j) || 1);
    beats.push({ foot, peak, onset, amplitude: at(v, peak) - at(v, foot) });
  }
  if (beats.length === 0) return beats;
  const typical = median(beats.map((b) => b.amplitude));
  return beats.filter((b) => b.amplitude >= MIN_AMPLITUDE_SHARE * typical);
}

/** Intervals (samples) between consecutive beats. */
export function interBeatIntervals(beats: readonly Beat[]): number[] {
  const out: number[] = [];
  let previous: Beat | undefined;
  for (const beat of beats) {
    if (previous) out.push(beat.onset - previous.onset);
    previous = beat;
  }
  return out;
}
