import { analyzePpgWindow } from '../../../device-emulator/algorithm/analyze';
import { bandPass } from '../../../device-emulator/algorithm/filters';
import { spectralPeak, hann } from '../../../device-emulator/algorithm/periodicity';
import { correlation, mean, std } from '../../../device-emulator/algorithm/stats';
import { ADC_FULL_SCALE, createPpgSynthesizer } from '../../../device-emulator/signal/ppg-synth';
import { makePulse } from '../../../device-emulator/signal/pulse-shape';
import { ratioForSpo2 } from '../../../device-emulator/signal/spo2-curve';

const FS = 25;

function pulseBand(x: Float64Array, fs = FS): Float64Array {
  return bandPass(x, fs, 0.5, 5);
}

describe('synthetic MAX30102 PPG', () => {
  it('is deterministic per seed and random-access by sample index', () => {
    const a = createPpgSynthesizer({ scenario: 'normal', seed: 5 });
    const b = createPpgSynthesizer({ scenario: 'normal', seed: 5 });
    const long = a.samples(80, 100);
    const part = b.samples(100, 50);
    expect(Array.from(part.ir)).toEqual(Array.from(long.ir.subarray(20, 70)));
    expect(Array.from(part.red)).toEqual(Array.from(long.red.subarray(20, 70)));
    const other = createPpgSynthesizer({ scenario: 'normal', seed: 6 }).samples(100, 50);
    expect(Array.from(other.ir)).not.toEqual(Array.from(part.ir));
  });

  it('produces 18-bit integer counts with finger-on DC levels of 50k–150k and red below IR', () => {
    for (const seed of [1, 2, 3, 4]) {
      const w = createPpgSynthesizer({ scenario: 'normal', seed }).window(10, 18);
      for (const v of [...w.ir, ...w.red]) {
        expect(Number.isInteger(v)).toBe(true);
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(ADC_FULL_SCALE);
      }
      expect(mean(w.ir)).toBeGreaterThan(50000);
      expect(mean(w.ir)).toBeLessThan(150000);
      expect(mean(w.red)).toBeLessThan(mean(w.ir));
    }
  });

  it.each([
    ['normal', 100],
    ['tachycardia', 200],
    ['bradycardia', 240],
    ['fever', 2000],
  ])('%s beats at the true heart rate (t = %p s)', (scenario, t) => {
    const s = createPpgSynthesizer({ scenario, seed: 2 });
    const w = s.window(t - 16, t);
    const f = spectralPeak(hann(pulseBand(w.ir)), FS, 0.5, 3.5) ?? 0;
    const truth = s.scenario.truthAt((t - 8) * 1000).heartRate;
    expect(Math.abs(f * 60 - truth)).toBeLessThan(0.06 * truth);
  });

  it.each([
    ['normal', 60, 97.5],
    ['hypoxia', 360, 85],
  ])('%s modulates red/IR with the ratio of its SpO2 (t = %p s, %p %%)', (scenario, t, spo2) => {
    const s = createPpgSynthesizer({ scenario, seed: 3 });
    const w = s.window(t - 8, t);
    const ir = pulseBand(w.ir).map((v) => v / mean(w.ir));
    const red = pulseBand(w.red).map((v) => v / mean(w.red));
    let rr = 0;
    let ii = 0;
    ir.forEach((v, i) => {
      rr += red[i] * v;
      ii += v * v;
    });
    expect(rr / ii).toBeCloseTo(ratioForSpo2(spo2), 1);
    expect(correlation(ir, red)).toBeGreaterThan(0.95);
  });

  it.each([
    ['normal', 100],
    ['low-perfusion', 150],
  ])('%s has the perfusion index of its truth within 35 %% (t = %p s)', (scenario, t) => {
    // Measured as the median beat amplitude over DC (the device's own definition): respiratory
    // wander would swamp a simple peak-to-peak at 0.15 %.
    const s = createPpgSynthesizer({ scenario, seed: 4 });
    const w = s.window(t - 8, t);
    const pi = analyzePpgWindow(w.red, w.ir, FS).sqi.perfusionIndex;
    const truth = s.scenario.truthAt(t * 1000).perfusionIndex;
    expect(Math.abs(pi - truth) / truth).toBeLessThan(0.35);
  });

  it('drops to a few thousand counts when the finger is off', () => {
    const w = createPpgSynthesizer({ scenario: 'finger-off', seed: 1 }).window(55, 70);
    expect(Math.max(...w.ir)).toBeLessThan(5000);
    expect(Math.max(...w.red)).toBeLessThan(5000);
  });

  it('adds large in-band artefacts during motion', () => {
    const s = createPpgSynthesizer({ scenario: 'motion', seed: 1 });
    const still = s.window(5, 25);
    const moving = s.window(33, 53);
    expect(std(pulseBand(moving.ir))).toBeGreaterThan(2 * std(pulseBand(still.ir)));
  });

  it('honours the output rate', () => {
    const w50 = createPpgSynthesizer({ scenario: 'normal', seed: 1, sampleRateHz: 50 }).window(10, 18);
    const w25 = createPpgSynthesizer({ scenario: 'normal', seed: 1 }).window(10, 18);
    expect(w50.ir.length).toBe(400);
    expect(w25.ir.length).toBe(200);
    expect(Math.abs(mean(w50.ir) - mean(w25.ir)) / mean(w25.ir)).toBeLessThan(0.01);
  });
});

describe('pulse contour', () => {
  const pulse = makePulse(0.85, { reflection: 0.4 });
  const at = (t: number) => pulse(t);
  const grid = Array.from({ length: 86 }, (_, i) => i / 100);

  it('rises fast to a unit systolic peak and decays slowly', () => {
    const values = grid.map(at);
    const peakAt = grid[values.indexOf(Math.max(...values))];
    expect(Math.max(...values)).toBeCloseTo(1, 2);
    const t10 = grid.find((t) => at(t) >= 0.1) ?? 0;
    const t90 = grid.find((t) => at(t) >= 0.9) ?? 0;
    expect(t90 - t10).toBeLessThan(0.12);
    const fallTo10 = grid.find((t) => t > peakAt && at(t) <= 0.1) ?? 1;
    expect(fallTo10 - peakAt).toBeGreaterThan(3 * (t90 - t10));
  });

  it('has a dicrotic notch between the systolic and the reflected wave', () => {
    const values = grid.map(at);
    const localMinima = values.filter((v, i) => i > 0 && i < values.length - 1 && v < values[i - 1] && v < values[i + 1]);
    expect(localMinima.length).toBeGreaterThanOrEqual(1);
    expect(localMinima[0]).toBeGreaterThan(0.2);
  });
});
