import { assertScenarioName, getScenario, SCENARIOS } from '../../../device-emulator/signal/scenarios';
import { ratioForSpo2, spo2ForRatio, MAX_CURVE_SPO2 } from '../../../device-emulator/signal/spo2-curve';

const sampleTimes = (periodMs: number) => Array.from({ length: 61 }, (_, i) => (i * periodMs) / 60);

describe('scenarios', () => {
  it('lists the eight named scenarios', () => {
    expect([...SCENARIOS].sort()).toEqual(['bradycardia', 'fever', 'finger-off', 'hypoxia', 'low-perfusion', 'motion', 'normal', 'tachycardia']);
  });

  it('rejects an unknown name with the list of valid ones', () => {
    expect(() => assertScenarioName('sleepy')).toThrow(/unknown scenario "sleepy".*normal, fever/);
    expect(() => getScenario('')).toThrow(RangeError);
  });

  it.each(SCENARIOS.map((s) => [s]))('%s keeps its truth physiological over a whole cycle', (name) => {
    const sc = getScenario(name);
    for (const t of sampleTimes(sc.periodMs)) {
      const g = sc.truthAt(t);
      expect(g.heartRate).toBeGreaterThanOrEqual(35);
      expect(g.heartRate).toBeLessThanOrEqual(160);
      expect(g.spo2).toBeGreaterThanOrEqual(80);
      expect(g.spo2).toBeLessThanOrEqual(100);
      expect(g.coreTemperature).toBeGreaterThan(36);
      expect(g.coreTemperature).toBeLessThan(40);
      expect(g.skinTemperature).toBeLessThan(g.coreTemperature);
      expect(g.perfusionIndex).toBeGreaterThan(0);
    }
  });

  it.each([
    ['tachycardia', (hr: number[]) => Math.max(...hr) >= 140],
    ['bradycardia', (hr: number[]) => Math.max(...hr) < 60 && Math.min(...hr) <= 40],
  ] as const)('%s stays in its heart-rate band', (name, check) => {
    const sc = getScenario(name);
    expect(check(sampleTimes(sc.periodMs).map((t) => sc.truthAt(t).heartRate))).toBe(true);
  });

  it('hypoxia desaturates from 97 % to 85 % and recovers', () => {
    const sc = getScenario('hypoxia');
    expect(sc.truthAt(0).spo2).toBe(97);
    expect(sc.truthAt(360_000).spo2).toBe(85);
    expect(sc.truthAt(sc.periodMs - 1000).spo2).toBeCloseTo(97, 5);
  });

  it('fever peaks above 39 °C with a faster heart and repeats after its period', () => {
    const sc = getScenario('fever');
    const peak = sc.truthAt(2_000_000);
    expect(peak.coreTemperature).toBeGreaterThan(39);
    expect(peak.heartRate).toBeGreaterThan(sc.truthAt(0).heartRate + 20);
    expect(sc.truthAt(sc.periodMs + 2_000_000)).toEqual(peak);
  });

  it.each([
    ['finger-off', 20_000, { fingerOn: true, motion: false }],
    ['finger-off', 60_000, { fingerOn: false, motion: false }],
    ['motion', 40_000, { fingerOn: true, motion: true }],
    ['motion', 65_000, { fingerOn: true, motion: false }],
  ] as const)('%s at %p ms has %p', (name, t, expected) => {
    expect(getScenario(name).truthAt(t)).toMatchObject(expected);
  });

  it('low-perfusion sinks to a perfusion index of 0.05 %', () => {
    expect(getScenario('low-perfusion').truthAt(300_000).perfusionIndex).toBeCloseTo(0.05, 5);
  });
});

describe('SpO2 calibration curve of the synthetic sensor', () => {
  it.each([
    [97, 0.593],
    [85, 0.913],
    [70, 1.152],
  ])('SpO2 %p %% ↔ R ≈ %p', (spo2, r) => {
    expect(ratioForSpo2(spo2)).toBeCloseTo(r, 3);
    expect(spo2ForRatio(ratioForSpo2(spo2))).toBeCloseTo(spo2, 9);
  });

  it('clamps saturations above the vertex of the quadratic', () => {
    expect(MAX_CURVE_SPO2).toBeCloseTo(99.96, 2);
    expect(ratioForSpo2(100)).toBeCloseTo(ratioForSpo2(MAX_CURVE_SPO2), 9);
  });
});
