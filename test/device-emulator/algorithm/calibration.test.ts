import { calibrate, calibrationFromPoints, fitCalibration, refitOffset, spo2FromRatio } from '../../../device-emulator/algorithm/calibration';
import { MAX30102_FINGER, MAXM86161_FINGER } from '../../../device-emulator/algorithm/calibrations';

const MAXIM = MAX30102_FINGER.curve;

describe('SpO2 calibration', () => {
  it.each([
    [0.5, 98.76],
    [0.593, 97],
    [1.0, 80.14],
  ])('the default MAX30102 curve maps R = %p to %p %%', (r, spo2) => {
    expect(spo2FromRatio(r, MAXIM)).toBeCloseTo(spo2, 1);
  });

  it('never rises again left of the vertex', () => {
    expect(spo2FromRatio(0.1, MAXIM)).toBeCloseTo(spo2FromRatio(0.3368, MAXIM), 6);
  });

  it('never clamps: outside the fitted ratio range a value is out of domain, not 100 %', () => {
    const { a, b } = MAXM86161_FINGER.curve;
    expect(calibrate(0.2, MAXM86161_FINGER)).toEqual({ spo2: expect.closeTo(a + b * 0.2, 6), inDomain: false });
    expect(a + b * 0.2).toBeGreaterThan(100);
    expect(calibrate(0.8, MAXM86161_FINGER).inDomain).toBe(true);
    expect(calibrate(Number.NaN, MAXM86161_FINGER).inDomain).toBe(false);
  });

  it('records the range of ratios a curve was fitted on', () => {
    const pts = [0.5, 0.7, 0.9].map((ratio) => ({ ratio, spo2: 110 - 25 * ratio }));
    const cal = calibrationFromPoints(pts, { id: 't', sensor: 's', site: 'ear', fittedOn: '3 points' });
    expect(cal.ratioRange).toEqual([0.5, 0.9]);
    expect(cal.curve.b).toBeCloseTo(-25, 6);
  });

  it('re-fits the offset through one reference reading and keeps the saturations of the parent domain', () => {
    const parent = MAXM86161_FINGER;
    const cal = refitOffset(parent, { ratio: 0.3, spo2: 96 });
    expect(spo2FromRatio(0.3, cal.curve)).toBeCloseTo(96, 9);
    expect(cal.curve.b).toBe(parent.curve.b);
    const [lo, hi] = cal.ratioRange;
    const sat = (r: number) => spo2FromRatio(r, cal.curve);
    const parentSat = parent.ratioRange.map((r) => spo2FromRatio(r, parent.curve));
    expect(sat(lo)).toBeCloseTo(Math.max(...parentSat), 6);
    expect(sat(hi)).toBeCloseTo(Math.min(...parentSat), 6);
    expect(calibrate(0.3, cal).inDomain).toBe(true);
    expect(cal.fittedOn).toMatch(/one-point offset re-fit of maxm86161-finger/);
  });

  it('recovers a straight line exactly', () => {
    const pts = [0.4, 0.6, 0.8, 1.0, 1.2].map((ratio) => ({ ratio, spo2: 110 - 25 * ratio }));
    const cal = fitCalibration(pts);
    expect(cal.a).toBeCloseTo(110, 6);
    expect(cal.b).toBeCloseTo(-25, 6);
    expect(cal.c).toBe(0);
  });

  it('recovers the default quadratic with degree 2', () => {
    const c = MAXIM;
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
