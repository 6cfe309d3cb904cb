import { fitCalibration, MAX30102_CALIBRATION, spo2FromRatio } from '../../../device-emulator/algorithm/calibration';

describe('SpO2 calibration', () => {
  it.each([
    [0.5, 98.76],
    [0.593, 97],
    [1.0, 80.14],
  ])('the default MAX30102 curve maps R = %p to %p %%', (r, spo2) => {
    expect(spo2FromRatio(r)).toBeCloseTo(spo2, 1);
  });

  it('never rises again left of the vertex and never exceeds 100 %', () => {
    expect(spo2FromRatio(0.1)).toBeCloseTo(spo2FromRatio(0.3368), 6);
    expect(spo2FromRatio(0, { a: 120, b: -30, c: 0 })).toBe(100);
  });

  it('recovers a straight line exactly', () => {
    const pts = [0.4, 0.6, 0.8, 1.0, 1.2].map((ratio) => ({ ratio, spo2: 110 - 25 * ratio }));
    const cal = fitCalibration(pts);
    expect(cal.a).toBeCloseTo(110, 6);
    expect(cal.b).toBeCloseTo(-25, 6);
    expect(cal.c).toBe(0);
  });

  it('recovers the default quadratic with degree 2', () => {
    const c = MAX30102_CALIBRATION;
    const pts = [0.4, 0.6, 0.8, 1.0, 1.2].map((ratio) => ({ ratio, spo2: c.a + c.b * ratio + c.c * ratio * ratio }));
    const cal = fitCalibration(pts, { degree: 2, robust: false });
    expect(cal.c).toBeCloseTo(c.c, 6);
  });

  it('is not dragged by one wrong reference reading (L1 fit)', () => {
    const pts = [0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0].map((ratio) => ({ ratio, spo2: 110 - 25 * ratio }));
    pts[3] = { ratio: 0.7, spo2: 60 };
    const robust = fitCalibration(pts);
    const plain = fitCalibration(pts, { robust: false });
    expect(Math.abs(robust.b + 25)).toBeLessThan(0.5);
    expect(Math.abs(plain.a - 110)).toBeGreaterThan(Math.abs(robust.a - 110));
  });

  it('needs enough distinct points', () => {
    expect(() => fitCalibration([{ ratio: 0.5, spo2: 97 }])).toThrow(/at least 2/);
    expect(() =>
      fitCalibration([
        { ratio: 0.5, spo2: 97 },
        { ratio: 0.5, spo2: 96 },
      ]),
    ).toThrow(/singular/);
  });
});
