import { gaussianAt, hash32, smoothNoise, smoothNoiseSlope, uniformAt } from '../../../device-emulator/signal/rng';
import { Timeline } from '../../../device-emulator/signal/timeline';

describe('counter-based random numbers', () => {
  it('gives the same value for the same (seed, stream, index) and different values otherwise', () => {
    expect(hash32(1, 2, 3)).toBe(hash32(1, 2, 3));
    expect(new Set([hash32(1, 2, 3), hash32(2, 2, 3), hash32(1, 3, 3), hash32(1, 2, 4), hash32(1, 2, -3)]).size).toBe(5);
  });

  it('draws uniforms in [0, 1) with a flat histogram', () => {
    const bins = new Array<number>(10).fill(0);
    for (let i = 0; i < 20000; i++) {
      const u = uniformAt(7, 1, i);
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      bins[Math.floor(u * 10)]++;
    }
    for (const b of bins) expect(Math.abs(b - 2000)).toBeLessThan(200);
  });

  it('draws standard normals', () => {
    const xs = Array.from({ length: 20000 }, (_, i) => gaussianAt(3, 4, i));
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length;
    expect(Math.abs(m)).toBeLessThan(0.03);
    expect(Math.abs(v - 1)).toBeLessThan(0.05);
  });

  it('makes smooth noise whose slope matches its finite difference', () => {
    for (const t of [-3.3, 0.1, 5.55, 17.2]) {
      const h = 1e-5;
      const fd = (smoothNoise(1, 2, t + h, 2) - smoothNoise(1, 2, t - h, 2)) / (2 * h);
      expect(smoothNoiseSlope(1, 2, t, 2)).toBeCloseTo(fd, 4);
    }
  });
});

describe('Timeline', () => {
  const ramp = new Timeline([
    [0, 10],
    [10, 20],
  ]);
  const cycle = new Timeline(
    [
      [0, 0],
      [5, 10],
      [10, 0],
    ],
    10,
  );

  it.each([
    [-5, 10],
    [0, 10],
    [5, 15],
    [10, 20],
    [50, 20],
  ])('interpolates and holds the ends: ramp(%p) = %p', (t, v) => {
    expect(ramp.at(t)).toBeCloseTo(v, 10);
  });

  it.each([
    [2.5, 5],
    [12.5, 5],
    [25, 10],
  ])('repeats with its period: cycle(%p) = %p', (t, v) => {
    expect(cycle.at(t)).toBeCloseTo(v, 10);
  });

  it.each([
    [ramp, 10, 150],
    [ramp, 20, 350],
    [ramp, -2, -20],
    [cycle, 10, 50],
    [cycle, 35, 3 * 50 + 25],
  ] as const)('integrates exactly (case %#)', (tl, t, expected) => {
    expect(tl.integral(t)).toBeCloseTo(expected, 9);
  });

  it('rejects keyframes that do not start at 0 or do not increase', () => {
    expect(() => new Timeline([[1, 0]])).toThrow(/t = 0/);
    expect(
      () =>
        new Timeline([
          [0, 0],
          [0, 1],
        ]),
    ).toThrow(/increase/);
  });
});
