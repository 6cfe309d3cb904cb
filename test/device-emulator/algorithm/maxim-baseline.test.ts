import { maximReference, maximSpo2FromRatioX100 } from '../../../device-emulator/algorithm/maxim-baseline';
import { createPpgSynthesizer } from '../../../device-emulator/signal/ppg-synth';
import { makePulse } from '../../../device-emulator/signal/pulse-shape';

const FS = 25;

/**
 * Clean raw PPG in counts: intensity DC·(1 − m·pulse), one beat every `periodSamples`, optional
 * slow baseline wander (counts) and a delay (samples) of the red channel.
 */
function cleanPpg(opts: { periodSamples: number; irAc: number; ratio: number; n?: number; wander?: number; wanderPhase?: number; redDelay?: number }) {
  const n = opts.n ?? 100;
  const rr = opts.periodSamples / FS;
  const pulse = makePulse(rr, { reflection: 0 });
  const volume = (t: number) => {
    let v = 0;
    for (let k = Math.floor(t / rr) - 4; k <= Math.floor(t / rr); k++) v += pulse(t - k * rr - 0.1);
    return v;
  };
  const irDc = 100000;
  const redDc = 80000;
  const mIr = opts.irAc / irDc;
  const mRed = mIr * opts.ratio;
  const ir: number[] = [];
  const red: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = i / FS;
    const wander = (opts.wander ?? 0) * Math.sin(2 * Math.PI * 0.25 * t + (opts.wanderPhase ?? 0));
    ir.push(Math.round(irDc * (1 - mIr * volume(t)) + wander));
    red.push(Math.round(redDc * (1 - mRed * volume(t - (opts.redDelay ?? 0) / FS)) + 0.8 * wander));
  }
  return { red, ir };
}

describe('Maxim reference algorithm (baseline)', () => {
  it.each([
    // period (samples), true bpm, window (samples), what the reference reports
    [20, 75, 100, 75],
    [25, 60, 100, 60],
    [12, 125, 100, 125],
    [18.75, 80, 100, 83], // mean interval 18.75 floored to 18 samples → 1500/18 = 83.3 → 83
    [21.5, 69.8, 90, 71], // floored to 21 → 1500/21 = 71.4 → 71
  ])('heart rate on a clean pulse every %p samples (%p bpm, %p-sample window) reads %p', (period, _bpm, n, expected) => {
    const { red, ir } = cleanPpg({ periodSamples: period, irAc: 1000, ratio: 0.6, n });
    const r = maximReference(red, ir, FS);
    expect(r.heartRateValid).toBe(true);
    expect(r.heartRate).toBe(expected);
  });

  it.each([
    // ratio of ratios, expected ratio×100 band, expected integer SpO2 from the table
    [0.5, [47, 53], 99],
    [0.6, [57, 63], 97],
    [0.9, [86, 94], 86],
  ])('SpO2 from the ratio of ratios R = %p', (ratio, [lo, hi], spo2) => {
    const { red, ir } = cleanPpg({ periodSamples: 20, irAc: 1500, ratio });
    const r = maximReference(red, ir, FS);
    expect(r.ratioX100).toBeGreaterThanOrEqual(lo);
    expect(r.ratioX100).toBeLessThanOrEqual(hi);
    expect(r.spo2Valid).toBe(true);
    expect(Math.abs(r.spo2 - spo2)).toBeLessThanOrEqual(1);
  });

  it.each([
    [0, 95],
    [34, 100],
    [50, 99],
    [59, 97],
    [100, 80],
    [150, 39],
  ])('looks up ratio×100 = %p as SpO2 %p (rounded quadratic)', (r, spo2) => {
    expect(maximSpo2FromRatioX100(r)).toBe(spo2);
  });

  it('finds no beat when the pulse is below its fixed 30-count threshold', () => {
    const { red, ir } = cleanPpg({ periodSamples: 20, irAc: 40, ratio: 0.6 });
    const r = maximReference(red, ir, FS);
    expect(r.heartRateValid).toBe(false);
    expect(r.heartRate).toBe(-999);
  });

  it('under-reads the heart rate when breathing lifts the baseline over the fixed threshold', () => {
    // 75 bpm, 150-count pulse, ±150-count respiratory wander: beats in the raised half are missed.
    const { red, ir } = cleanPpg({ periodSamples: 20, irAc: 150, ratio: 0.6, wander: 150, wanderPhase: 4.5 });
    const r = maximReference(red, ir, FS);
    expect(r.valleys.length).toBeLessThan(5);
    expect(r.heartRateValid).toBe(true);
    expect(r.heartRate).toBeLessThan(0.8 * 75);
  });

  it('takes a spurious peak from the unsmoothed last 4 samples', () => {
    const { red, ir } = cleanPpg({ periodSamples: 21.5, irAc: 1000, ratio: 0.6, n: 100 });
    const r = maximReference(red, ir, FS);
    expect(r.valleys[r.valleys.length - 1]).toBeGreaterThanOrEqual(96);
    expect(r.heartRate).toBe(83);
  });

  it('mis-measures the IR AC when the red peak lags (IR read at the red maximum)', () => {
    const aligned = maximReference(...(Object.values(cleanPpg({ periodSamples: 25, irAc: 1500, ratio: 0.6 })) as [number[], number[]]), FS);
    const lagged = maximReference(...(Object.values(cleanPpg({ periodSamples: 25, irAc: 1500, ratio: 0.6, redDelay: 3 })) as [number[], number[]]), FS);
    expect(Math.abs(lagged.ratioX100 - aligned.ratioX100)).toBeGreaterThan(0.1 * aligned.ratioX100);
  });

  it('reports a heart rate and SpO2 with no finger on the sensor', () => {
    const w = createPpgSynthesizer({ scenario: 'finger-off', seed: 1 }).window(56, 60);
    const r = maximReference(w.red, w.ir, FS);
    expect(r).toMatchObject({ heartRateValid: true, spo2Valid: true });
  });
});
