import { getScenario } from '../../../device-emulator/signal/scenarios';
import { createPpgVitalsSource, SCENARIOS, validateScenarioName } from '../../../device-emulator/vitals/ppg-source';
import type { Measurement } from '../../../device-emulator/vitals/types';

const T0 = Date.UTC(2025, 0, 1, 8, 0, 0);
const at = (s: number) => T0 + s * 1000;
const decimals = (x: number) => (String(x).split('.')[1] ?? '').length;

function expectWellFormed(m: Measurement): void {
  if (m.invalidReason === undefined) {
    expect(Number.isInteger(m.heartRate)).toBe(true);
    expect(decimals(m.spo2 ?? Number.NaN)).toBeLessThanOrEqual(1);
  } else {
    expect(m.heartRate).toBeUndefined();
    expect(m.spo2).toBeUndefined();
  }
  if (m.bodyTemperature !== undefined) expect(decimals(m.bodyTemperature)).toBeLessThanOrEqual(1);
}

describe('PPG vitals source', () => {
  it('exports the scenario names and validates them with a clear error', () => {
    expect(SCENARIOS).toContain('hypoxia');
    expect(validateScenarioName('motion')).toBe('motion');
    expect(() => validateScenarioName('asleep')).toThrow(/unknown scenario "asleep"; expected one of: normal, fever/);
    expect(() => createPpgVitalsSource({ scenario: 'asleep' })).toThrow(RangeError);
  });

  it.each([
    ['normal', 300, { hr: 72, spo2: 97.5, spo2Tol: 1.5 }],
    ['hypoxia', 360, { hr: 85, spo2: 85, spo2Tol: 2.5 }],
    ['tachycardia', 200, { hr: 149, spo2: 96, spo2Tol: 1.5 }],
    ['bradycardia', 250, { hr: 38, spo2: 97, spo2Tol: 1.5 }],
  ] as const)('%s at %p s reports what the patient has', (scenario, s, expected) => {
    const m = createPpgVitalsSource({ scenario, seed: 3, startedAt: T0 }).measure(at(s));
    expectWellFormed(m);
    expect(m.at).toBe(at(s));
    expect(m.invalidReason).toBeUndefined();
    expect(Math.abs((m.heartRate ?? 0) - expected.hr)).toBeLessThanOrEqual(4);
    expect(Math.abs((m.spo2 ?? 0) - expected.spo2)).toBeLessThanOrEqual(expected.spo2Tol);
  });

  it.each([
    ['finger-off', 62, 'no-contact'],
    ['motion', 45, 'motion'],
    ['low-perfusion', 300, 'low-perfusion'],
  ] as const)('%s at %p s reports %p instead of numbers', (scenario, s, reason) => {
    const m = createPpgVitalsSource({ scenario, seed: 2, startedAt: T0 }).measure(at(s));
    expectWellFormed(m);
    expect(m.invalidReason).toBe(reason);
  });

  it('reports body temperature only after the probe has warmed up, then close to core', () => {
    const src = createPpgVitalsSource({ scenario: 'normal', seed: 1, startedAt: T0 });
    expect(src.measure(at(20)).bodyTemperature).toBeUndefined();
    const m = src.measure(at(400));
    expect(Math.abs((m.bodyTemperature ?? 0) - getScenario('normal').truthAt(400_000).coreTemperature)).toBeLessThanOrEqual(0.3);
  });

  it('shows a fever', () => {
    const m = createPpgVitalsSource({ scenario: 'fever', seed: 1, startedAt: T0 }).measure(at(2300));
    expect(m.bodyTemperature).toBeGreaterThan(38.5);
    expect(m.heartRate).toBeGreaterThan(85);
  });

  it('is deterministic whatever order it is asked in', () => {
    const times = [310, 30, 125, 311];
    const a = createPpgVitalsSource({ scenario: 'normal', seed: 9, startedAt: T0 });
    const b = createPpgVitalsSource({ scenario: 'normal', seed: 9, startedAt: T0 });
    const forward = times.map((s) => a.measure(at(s)));
    const backward = [...times]
      .reverse()
      .map((s) => b.measure(at(s)))
      .reverse();
    expect(backward).toEqual(forward);
  });

  it('serves raw frames at the sensor rate', () => {
    const src = createPpgVitalsSource({ scenario: 'normal', seed: 1, startedAt: T0, sampleRateHz: 25 });
    const frame = src.rawFrame?.(at(10), at(12));
    expect(frame?.rate).toBe(25);
    expect(frame?.ir).toHaveLength(50);
    expect(frame?.red).toHaveLength(50);
    expect(frame?.ir.every((v) => Number.isInteger(v) && v > 50000)).toBe(true);
  });
});
