import { analyzePpgWindow } from '../../../device-emulator/algorithm/analyze';
import { estimatePeriod } from '../../../device-emulator/algorithm/periodicity';
import { createPpgTracker, INITIAL_TRACKER_STATE, stepTracker, type TrackerState } from '../../../device-emulator/algorithm/tracker';
import { createPpgSynthesizer } from '../../../device-emulator/signal/ppg-synth';

const FS = 25;
const WIN = 8 * FS;

/** Consecutive 8 s windows every second from `from` to `to` s. */
function stream(scenario: string, seed: number, from: number, to: number, perfusionScale = 1) {
  const s = createPpgSynthesizer({ scenario, seed, sampleRateHz: FS, perfusionScale });
  const all = s.window(from - 8, to);
  return Array.from({ length: to - from + 1 }, (_, k) => {
    const end = WIN + k * FS;
    return { red: all.red.subarray(end - WIN, end), ir: all.ir.subarray(end - WIN, end), truth: s.scenario.truthAt((from + k) * 1000) };
  });
}

describe('rate tracker', () => {
  it('keeps lock through marginal windows (hysteresis) without giving wrong rates', () => {
    let stateless = 0;
    let tracked = 0;
    for (const seed of [1, 2, 3]) {
      const tracker = createPpgTracker(FS);
      for (const w of stream('normal', seed, 20, 140, 0.06)) {
        if (analyzePpgWindow(w.red, w.ir, FS).heartRateValid) stateless++;
        const a = tracker.analyze(w.red, w.ir);
        if (a.heartRateValid) {
          tracked++;
          expect(Math.abs((a.heartRate ?? 0) - w.truth.heartRate)).toBeLessThan(4);
        }
      }
    }
    expect(tracked).toBeGreaterThan(stateless);
  });

  it('is pure: the same state and window give the same result, and the state is not mutated', () => {
    const [w] = stream('normal', 4, 50, 50);
    const state = { heartRate: 72, misses: 1 };
    const a = stepTracker(state, w.red, w.ir, FS);
    const b = stepTracker(state, w.red, w.ir, FS);
    expect(a).toEqual(b);
    expect(state).toEqual({ heartRate: 72, misses: 1 });
    expect(a.state).toEqual({ heartRate: a.analysis.heartRate, misses: 0 });
  });

  it('drops the track at once when contact is lost, and after a few misses otherwise', () => {
    const off = stream('finger-off', 1, 58, 58)[0];
    expect(stepTracker({ heartRate: 70, misses: 0 }, off.red, off.ir, FS).state).toEqual(INITIAL_TRACKER_STATE);
    const flat = new Float64Array(WIN).fill(90000);
    let state: TrackerState = { heartRate: 70, misses: 0 };
    for (let k = 1; k <= 3; k++) {
      state = stepTracker(
        state,
        flat.map((v, i) => v + ((i * 7919) % 13)),
        flat,
        FS,
      ).state;
      expect(state).toEqual({ heartRate: 70, misses: k });
    }
    expect(stepTracker(state, flat, flat, FS).state).toEqual(INITIAL_TRACKER_STATE);
  });

  it('lets the track settle which of two comparable autocorrelation peaks is the period', () => {
    // Alternating strong/weak beats (pulsus alternans): r ≈ 0.72 at 20 samples, 1 at 40.
    const x = Float64Array.from({ length: 200 }, (_, i) => Math.sin((2 * Math.PI * i) / 20) + 0.4 * Math.sin((2 * Math.PI * i) / 40));
    expect(estimatePeriod(x, 6, 60)?.lag).toBeCloseTo(40, 0);
    expect(estimatePeriod(x, 6, 60, 40)?.lag).toBeCloseTo(40, 0);
    expect(estimatePeriod(x, 6, 60, 20)?.lag).toBeCloseTo(20, 0);
  });
});
