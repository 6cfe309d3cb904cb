import { bandPass } from '../../../device-emulator/algorithm/filters';
import { estimatePeriod, periodicityZ } from '../../../device-emulator/algorithm/periodicity';
import { demingSlope } from '../../../device-emulator/algorithm/ratio';

/** Deterministic standard normal draws (LCG + Box–Muller). */
function gaussian(seed: number): () => number {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

describe('errors-in-variables ratio', () => {
  it('Deming recovers the slope when both axes are noisy, where least squares is attenuated', () => {
    const g = gaussian(7);
    const R = 0.6;
    const [sx, sy] = [0.8, 0.5];
    let sxx = 0;
    let syy = 0;
    let sxy = 0;
    for (let i = 0; i < 20000; i++) {
      const t = g();
      const x = t + sx * g();
      const y = R * t + sy * g();
      sxx += x * x;
      syy += y * y;
      sxy += x * y;
    }
    const ols = sxy / sxx;
    const deming = demingSlope(sxx, syy, sxy, (sy * sy) / (sx * sx));
    expect(ols).toBeLessThan(0.7 * R);
    expect(Math.abs(deming - R)).toBeLessThan(0.03 * R);
  });

  it('has no slope for uncorrelated or anti-correlated channels', () => {
    expect(demingSlope(1, 1, 0, 1)).toBeNaN();
    expect(demingSlope(1, 1, -0.5, 1)).toBeNaN();
  });
});

describe('periodicity against chance, for the window length', () => {
  it('keeps band-limited noise below z = 3 in 4 s and 8 s windows alike', () => {
    for (const seconds of [4, 8]) {
      let above = 0;
      for (let trial = 0; trial < 60; trial++) {
        const g = gaussian(1000 * seconds + trial);
        const x = bandPass(Float64Array.from({ length: seconds * 25 }, g), 25, 0.5, 5);
        const p = estimatePeriod(x, 6, Math.min(50, x.length - 20));
        if (p && periodicityZ(p.strength, seconds, p.lag / 25, 4.5) >= 3) above++;
      }
      expect(above / 60).toBeLessThan(0.1);
    }
  });

  it('asks a 3-beat window for a stronger autocorrelation than a 10-beat one', () => {
    const r = 0.6;
    expect(periodicityZ(r, 3, 0.8, 4.5)).toBeLessThan(3);
    expect(periodicityZ(r, 8, 0.8, 4.5)).toBeGreaterThan(3);
  });
});
