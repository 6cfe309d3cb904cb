import { createProfile } from '../../../device-emulator/signal/profile';
import { getScenario } from '../../../device-emulator/signal/scenarios';
import { createTemperatureProbe, MAX30205_LSB } from '../../../device-emulator/signal/temperature';

describe('MAX30205 probe model', () => {
  const scenario = getScenario('normal');
  const profile = createProfile(1);
  const probe = createTemperatureProbe(scenario, profile, 1);

  it('starts at room temperature and warms up with its time constant', () => {
    expect(probe.readingAt(-5)).toBeCloseTo(profile.ambientTemperature + profile.temperatureOffset, 1);
    const skin = scenario.truthAt(0).skinTemperature;
    const afterTau = probe.readingAt(profile.temperatureTau);
    const expected = skin - (skin - profile.ambientTemperature) * Math.exp(-1) + profile.temperatureOffset;
    expect(afterTau).toBeCloseTo(expected, 1);
  });

  it('settles on skin temperature plus the part offset', () => {
    const t = 20 * profile.temperatureTau;
    const settled = probe.readingAt(t);
    expect(Math.abs(settled - (scenario.truthAt(t * 1000).skinTemperature + profile.temperatureOffset))).toBeLessThan(0.05);
  });

  it('reports multiples of the 1/256 °C LSB', () => {
    for (const t of [3, 100, 1234.5]) {
      const r = probe.readingAt(t) / MAX30205_LSB;
      expect(Math.abs(r - Math.round(r))).toBeLessThan(1e-9);
    }
  });

  it('gives the same readings one at a time and in a batch', () => {
    const batch = probe.readings(700, 1, 30);
    batch.forEach((v, i) => expect(probe.readingAt(700 + i)).toBeCloseTo(v, 9));
  });

  it('follows a fever, lagging behind it', () => {
    const fever = getScenario('fever');
    const p = createTemperatureProbe(fever, createProfile(2), 2);
    expect(p.readingAt(2400)).toBeGreaterThan(p.readingAt(600) + 1.5);
  });
});
