import { bandPass, filtfilt, butterworthLowPass } from '../../../device-emulator/algorithm/filters';
import { autocorrelation, estimatePeriod, spectralPeak, hann } from '../../../device-emulator/algorithm/periodicity';
import { resample } from '../../../device-emulator/algorithm/resample';
import { correlation, detrendLinear, median, parabolicOffset, quantile, std } from '../../../device-emulator/algorithm/stats';

const FS = 25;
const sine = (n: number, hz: number, fs = FS, phase = 0) => Float64Array.from({ length: n }, (_, i) => Math.sin(2 * Math.PI * hz * (i / fs) + phase));

describe('zero-phase filters', () => {
  it('removes DC and slow drift but keeps a 1.2 Hz pulse in place', () => {
    const pulse = sine(400, 1.2);
    const raw = pulse.map((v, i) => 50000 + 300 * (i / 400) + 200 * Math.sin(2 * Math.PI * 0.05 * (i / FS)) + v * 100);
    const out = bandPass(raw, FS, 0.5, 5);
    const mid = (x: Float64Array) => x.subarray(50, 350);
    expect(Math.abs(std(mid(out)) / 100 - std(mid(pulse)))).toBeLessThan(0.06 * std(mid(pulse)));
    expect(correlation(mid(out), mid(pulse))).toBeGreaterThan(0.995);
  });

  it('attenuates 9 Hz by more than 20 dB with a 5 Hz low-pass', () => {
    const out = filtfilt(sine(400, 9), [butterworthLowPass(5, FS)], 25);
    expect(std(out.subarray(50, 350))).toBeLessThan(0.1 * std(sine(400, 9)));
  });

  it('detrends a straight line to zero', () => {
    for (const v of detrendLinear([3, 5, 7, 9, 11])) expect(v).toBeCloseTo(0, 12);
  });
});

describe('periodicity', () => {
  it('finds the period by autocorrelation and not a multiple of it', () => {
    // Fundamental plus a strong second harmonic (a dicrotic-like shape).
    const x = Float64Array.from({ length: 200 }, (_, i) => Math.sin((2 * Math.PI * i) / 21.3) + 0.6 * Math.sin((4 * Math.PI * i) / 21.3 + 1));
    const p = estimatePeriod(x, 6, 60);
    expect(p?.lag).toBeCloseTo(21.3, 0);
    expect(p?.strength).toBeGreaterThan(0.9);
    expect(autocorrelation(x, 0)[0]).toBeCloseTo(1, 12);
  });

  it('locates a spectral peak between grid points', () => {
    expect(spectralPeak(hann(sine(200, 1.234)), FS, 0.5, 4)).toBeCloseTo(1.234, 2);
  });
});

describe('resampling', () => {
  it('keeps a 1.2 Hz pulse when going from 64 Hz to 25 Hz', () => {
    const out = resample(sine(640, 1.2, 64), 64, 25);
    expect(out.length).toBe(Math.floor((639 * 25) / 64) + 1);
    const expected = sine(out.length, 1.2, 25);
    expect(correlation(out.subarray(25, -25), expected.subarray(25, -25))).toBeGreaterThan(0.999);
  });

  it('removes content above the new Nyquist rate', () => {
    const out = resample(sine(640, 20, 64), 64, 25);
    expect(std(out.subarray(25, -25))).toBeLessThan(0.05);
  });
});

describe('statistics helpers', () => {
  it.each([
    [[5, 1, 3], 3],
    [[4, 1, 3, 2], 2.5],
  ])('median of %p is %p', (xs, m) => {
    expect(median(xs)).toBe(m);
  });

  it('interpolates quantiles and peak positions', () => {
    expect(quantile([0, 10], 0.25)).toBe(2.5);
    expect(parabolicOffset(1, 2, 1)).toBeCloseTo(0, 12);
    expect(parabolicOffset(0, 2, 1)).toBeCloseTo(1 / 6, 12);
  });
});
