import { estimateBodyTemperature, type TemperatureSample } from '../../../device-emulator/algorithm/temperature';
import { createProfile } from '../../../device-emulator/signal/profile';
import { getScenario } from '../../../device-emulator/signal/scenarios';
import { createTemperatureProbe } from '../../../device-emulator/signal/temperature';

function history(scenario: string, seed: number, endS: number): TemperatureSample[] {
  const sc = getScenario(scenario);
  const probe = createTemperatureProbe(sc, createProfile(seed), seed);
  return probe.readings(endS - 29, 1, 30).map((celsius, i) => ({ tS: endS - 29 + i, celsius }));
}

describe('body temperature from the skin probe', () => {
  it('gives nothing while the probe is still warming up', () => {
    expect(estimateBodyTemperature(history('normal', 1, 40))).toEqual({ valid: false, reason: 'warming-up' });
  });

  it('gives nothing without enough history', () => {
    expect(estimateBodyTemperature([])).toEqual({ valid: false, reason: 'no-data' });
    expect(estimateBodyTemperature(history('normal', 1, 300).slice(-3))).toEqual({ valid: false, reason: 'no-data' });
  });

  it.each([
    ['normal', 1, 300],
    ['normal', 2, 450],
    ['normal', 3, 590],
    ['fever', 1, 2300],
  ])('reads the core temperature within 0.3 °C once settled (%s, seed %p, t = %p s)', (scenario, seed, t) => {
    const est = estimateBodyTemperature(history(scenario, seed, t));
    expect(est.valid).toBe(true);
    if (est.valid) expect(Math.abs(est.bodyTemperature - getScenario(scenario).truthAt(t * 1000).coreTemperature)).toBeLessThan(0.3);
  });

  it('corrects the probe lag on a steady rise', () => {
    // Probe following a 0.1 °C/min ramp with τ = 60 s reads 0.1 °C low; the estimate is not.
    const samples = Array.from({ length: 30 }, (_, i) => ({ tS: i, celsius: 35 + (0.1 / 60) * (i - 60) }));
    const est = estimateBodyTemperature(samples, { skinToCoreOffset: 0 });
    expect(est.valid && est.bodyTemperature).toBeCloseTo(35 + (0.1 / 60) * 29, 3);
  });

  it('rejects implausible values', () => {
    const cold = Array.from({ length: 30 }, (_, i) => ({ tS: i, celsius: 24 }));
    expect(estimateBodyTemperature(cold)).toEqual({ valid: false, reason: 'implausible' });
  });
});
