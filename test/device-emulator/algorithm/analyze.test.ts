import { analyzePpgWindow } from '../../../device-emulator/algorithm/analyze';
import { MAX30102_FINGER } from '../../../device-emulator/algorithm/calibrations';
import { createPpgSynthesizer } from '../../../device-emulator/signal/ppg-synth';
import type { GroundTruth } from '../../../device-emulator/signal/scenarios';

const FS = 25;
const WINDOW_S = 8;

interface Case {
  truth: GroundTruth[];
  result: ReturnType<typeof analyzePpgWindow>;
}

/** Windows ending at `ends` (s), with the truth sampled each second inside each window. */
function windows(scenario: string, seed: number, ends: number[], sampleRateHz = FS): Case[] {
  const s = createPpgSynthesizer({ scenario, seed, sampleRateHz });
  return ends.map((t) => {
    const w = s.window(t - WINDOW_S, t);
    const truth = Array.from({ length: WINDOW_S + 1 }, (_, k) => s.scenario.truthAt((t - WINDOW_S + k) * 1000));
    return { truth, result: analyzePpgWindow(w.red, w.ir, sampleRateHz) };
  });
}

const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const spread = (from: number, to: number, n: number) => Array.from({ length: n }, (_, i) => Math.round(from + ((to - from) * i) / (n - 1)));

describe('analyzePpgWindow on synthetic scenarios', () => {
  it.each([
    // scenario, window ends (s), HR tolerance (bpm), SpO2 tolerance (%). The synthetic sensor's
    // ±2 % optical drift of R alone moves SpO2 by up to ~2 % where the curve is steep (< 90 %).
    ['normal', spread(10, 600, 16), 3, 1.5],
    ['fever', spread(200, 3500, 16), 3, 1.5],
    ['tachycardia', spread(10, 600, 16), 4, 1.5],
    ['bradycardia', spread(10, 600, 16), 3, 1.5],
    ['hypoxia', spread(10, 900, 16), 3, 2.5],
    ['low-perfusion', [...spread(10, 120, 6), ...spread(480, 600, 6)], 4, 2.5],
  ] as const)('%s: readings within tolerance of the truth averaged over the window', (scenario, ends, hrTol, spo2Tol) => {
    for (const seed of [1, 2]) {
      const cases = windows(scenario, seed, [...ends]);
      const valid = cases.filter((c) => c.result.valid);
      expect(valid.length).toBeGreaterThanOrEqual(Math.ceil(0.85 * cases.length));
      for (const c of valid) {
        expect(Math.abs((c.result.heartRate ?? 0) - avg(c.truth.map((g) => g.heartRate)))).toBeLessThanOrEqual(hrTol);
        expect(Math.abs((c.result.spo2 ?? 0) - avg(c.truth.map((g) => g.spo2)))).toBeLessThanOrEqual(spo2Tol);
        expect(c.result.quality).toBeGreaterThan(0.5);
      }
    }
  });

  it('reports no-contact, not numbers, while the finger is off', () => {
    for (const seed of [1, 2, 3]) {
      for (const c of windows('finger-off', seed, [56, 62, 68, 74, 176, 182, 188, 194])) {
        expect(c.truth.every((g) => !g.fingerOn)).toBe(true);
        expect(c.result).toMatchObject({ valid: false, heartRateValid: false, spo2Valid: false, reason: 'no-contact' });
        expect(c.result.heartRate).toBeUndefined();
        expect(c.result.spo2).toBeUndefined();
      }
    }
  });

  it('reports motion, not numbers, during hand movement (and any number it gives is right)', () => {
    let total = 0;
    let invalid = 0;
    for (const seed of [1, 2, 3]) {
      for (const c of windows('motion', seed, [...spread(41, 53, 7), ...spread(91, 98, 4)])) {
        expect(c.truth.every((g) => g.motion)).toBe(true);
        total++;
        if (!c.result.valid) {
          invalid++;
          expect(c.result.reason).toBe('motion');
        } else {
          expect(Math.abs((c.result.heartRate ?? 0) - avg(c.truth.map((g) => g.heartRate)))).toBeLessThan(5);
        }
      }
    }
    expect(invalid / total).toBeGreaterThanOrEqual(0.9);
  });

  it('declines with low-perfusion when the pulse is nearly gone, or measures it correctly', () => {
    let declined = 0;
    const cases = [1, 2, 3].flatMap((seed) => windows('low-perfusion', seed, spread(280, 320, 5)));
    for (const c of cases) {
      expect(Math.max(...c.truth.map((g) => g.perfusionIndex))).toBeLessThan(0.07);
      if (c.result.valid) {
        expect(Math.abs((c.result.heartRate ?? 0) - avg(c.truth.map((g) => g.heartRate)))).toBeLessThanOrEqual(3);
        expect(Math.abs((c.result.spo2 ?? 0) - avg(c.truth.map((g) => g.spo2)))).toBeLessThanOrEqual(3.5);
      } else {
        declined++;
        expect(c.result.reason).toBe('low-perfusion');
      }
    }
    expect(declined).toBeGreaterThan(0);
  });

  it('works at other sample rates', () => {
    for (const c of windows('normal', 1, [50, 150, 250], 50)) {
      expect(c.result.valid).toBe(true);
      expect(Math.abs((c.result.heartRate ?? 0) - avg(c.truth.map((g) => g.heartRate)))).toBeLessThan(3);
    }
  });
});

describe('analyzePpgWindow input handling', () => {
  const s = createPpgSynthesizer({ scenario: 'normal', seed: 4 });
  const w = s.window(92, 100);
  const reference = analyzePpgWindow(w.red, w.ir, FS);

  it('gives the same reading for absorbance-like (inverted) signals', () => {
    const flip = (x: Float64Array) => {
      const m = x.reduce((a, b) => a + b, 0) / x.length;
      return x.map((v) => 2 * m - v);
    };
    const r = analyzePpgWindow(flip(w.red), flip(w.ir), FS);
    expect(r.valid).toBe(true);
    expect(Math.abs((r.heartRate ?? 0) - (reference.heartRate ?? 0))).toBeLessThan(1);
    expect(Math.abs((r.spo2 ?? 0) - (reference.spo2 ?? 0))).toBeLessThan(0.5);
  });

  it('measures signals in other units when the pulse is unmistakable', () => {
    const r = analyzePpgWindow(
      w.red.map((v) => v / 1000),
      w.ir.map((v) => v / 1000),
      FS,
    );
    expect(r.valid).toBe(true);
    expect(r.heartRate).toBeCloseTo(reference.heartRate ?? 0, 6);
  });

  it('applies the calibration it is given, inside its domain only', () => {
    const cal = { ...MAX30102_FINGER, id: 'test-line', curve: { a: 110, b: -25, c: 0 }, ratioRange: [0.2, 1.5] as const };
    const r = analyzePpgWindow(w.red, w.ir, FS, { calibration: cal });
    expect(r.spo2).toBeCloseTo(110 - 25 * (r.ratio ?? 0), 9);
    const c = MAX30102_FINGER.curve;
    expect(reference.spo2).toBeCloseTo(c.a + c.b * (reference.ratio ?? 0) + c.c * (reference.ratio ?? 0) ** 2, 9);
    const narrow = { ...cal, ratioRange: [(reference.ratio ?? 0) + 0.1, 1.5] as const };
    expect(analyzePpgWindow(w.red, w.ir, FS, { calibration: narrow })).toMatchObject({
      heartRateValid: true,
      spo2Valid: false,
      spo2Reason: 'out-of-calibration',
    });
  });

  it.each([
    ['a window shorter than 2 s', w.red.subarray(0, 40), w.ir.subarray(0, 40)],
    ['non-finite samples', Float64Array.from(w.red, (v, i) => (i === 7 ? Number.NaN : v)), w.ir],
  ])('declines %s as low-quality', (_label, red, ir) => {
    expect(analyzePpgWindow(red, ir, FS)).toMatchObject({ valid: false, reason: 'low-quality' });
  });

  it.each([
    ['a non-positive rate', w.red, w.ir, 0],
    ['channels of different length', w.red.subarray(1), w.ir, FS],
  ])('throws for %s', (_label, red, ir, fs) => {
    expect(() => analyzePpgWindow(red, ir, fs)).toThrow(RangeError);
  });
});
