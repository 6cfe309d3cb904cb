/**
 * Tracking across consecutive windows, as the terminal runs the algorithm (a window every
 * second, or every measurement interval). The state is one number — the last accepted heart
 * rate — and a miss counter; each window is still analysed on its own, so a reading comes out
 * for the window just completed and no latency is added beyond the window itself.
 *
 * The track does two things (analyze.ts, quality.ts):
 *  - it settles harmonic ambiguity: the autocorrelation peak near the track's period is
 *    preferred when it is nearly as strong as the best one (periodicity.ts);
 *  - hysteresis: a window whose rate is within 12 % of the track is judged by the looser HOLD
 *    gates, a window on its own by the ACQUIRE gates. Lock is hard to get and easy to keep, the
 *    behaviour of a Schmitt trigger and of the track-while-scan logic of commercial oximeters
 *    (cf. Masimo SET's parallel engines and "pulse search" state).
 * Lost contact drops the track at once (the next placement may be another person); other
 * failures drop it after `maxMisses` consecutive windows.
 */
import { analyzePpgWindow } from './analyze';
import type { PpgAlgorithmOptions, PpgAnalysis } from './types';

export interface TrackerState {
  /** Last accepted heart rate, bpm (undefined: not locked). */
  heartRate?: number;
  /** Consecutive windows without a heart rate since the last accepted one. */
  misses: number;
}

export interface TrackerOptions extends Omit<PpgAlgorithmOptions, 'track'> {
  /** Windows without a rate after which the track is dropped. Default 3. */
  maxMisses?: number;
}

export const INITIAL_TRACKER_STATE: TrackerState = Object.freeze({ misses: 0 });

/** One window through the tracker: pure, the state goes in and comes out. */
export function stepTracker(
  state: TrackerState,
  red: ArrayLike<number>,
  ir: ArrayLike<number>,
  sampleRateHz: number,
  options: TrackerOptions = {},
): { analysis: PpgAnalysis; state: TrackerState } {
  const track = state.heartRate !== undefined ? { heartRate: state.heartRate } : undefined;
  const analysis = analyzePpgWindow(red, ir, sampleRateHz, { ...options, track });
  if (analysis.heartRateValid && analysis.heartRate !== undefined) return { analysis, state: { heartRate: analysis.heartRate, misses: 0 } };
  const misses = state.misses + 1;
  const lost = analysis.heartRateReason === 'no-contact' || misses > (options.maxMisses ?? 3);
  return { analysis, state: lost ? { misses: 0 } : { heartRate: state.heartRate, misses } };
}

/** Stateful convenience wrapper around `stepTracker` for one sensor stream. */
export interface PpgTracker {
  analyze(red: ArrayLike<number>, ir: ArrayLike<number>, options?: Pick<PpgAlgorithmOptions, 'ambient'>): PpgAnalysis;
  readonly state: TrackerState;
  reset(): void;
}

export function createPpgTracker(sampleRateHz: number, options: TrackerOptions = {}): PpgTracker {
  let state = INITIAL_TRACKER_STATE;
  return {
    analyze(red, ir, extra = {}) {
      const step = stepTracker(state, red, ir, sampleRateHz, { ...options, ...extra });
      state = step.state;
      return step.analysis;
    },
    get state() {
      return state;
    },
    reset() {
      state = INITIAL_TRACKER_STATE;
    },
  };
}
