/** Alert rules (NEWS2 bands, validation) and the condition state machine (persistence, hysteresis). */
import {
  applyRulesChange,
  type ConditionEvent,
  type ConditionState,
  defaultRules,
  diffRules,
  emptyCondition,
  levelsOf,
  scoreOf,
  step,
} from '../../core/alerts';

const T0 = Date.UTC(2026, 0, 1);

describe('NEWS2 bands', () => {
  const r = defaultRules();
  test.each([
    [96, 0],
    [95, 1],
    [94, 1],
    [93.6, 1],
    [93.4, 2],
    [92, 2],
    [91, 3],
    [80, 3],
  ])('SpO2 scale 1: %s %% scores %s', (v, s) => expect(scoreOf(r.bands.spo2, 'spo2', v)).toBe(s));
  test.each([
    [40, 3],
    [41, 1],
    [50, 1],
    [51, 0],
    [90, 0],
    [91, 1],
    [110, 1],
    [111, 2],
    [130, 2],
    [131, 3],
  ])('pulse %s scores %s', (v, s) => expect(scoreOf(r.bands.heartRate, 'heartRate', v)).toBe(s));
  test.each([
    [35.0, 3],
    [35.1, 1],
    [36.0, 1],
    [36.1, 0],
    [38.0, 0],
    [38.1, 1],
    [39.0, 1],
    [39.1, 2],
  ])('temperature %s scores %s', (v, s) => expect(scoreOf(r.bands.temperature, 'temperature', v)).toBe(s));
  test('SpO2 scale 2 (hypercapnic respiratory failure): 88–92 is in range, ≤83 is 3', () => {
    const s2 = defaultRules(2);
    expect([83, 84, 86, 88, 92, 97].map((v) => scoreOf(s2.bands.spo2, 'spo2', v))).toEqual([3, 2, 1, 0, 0, 0]);
  });
  test('the combined score needs all three vitals and is a partial NEWS2', () => {
    expect(levelsOf({ ts: 1, spo2: 91, heartRate: 131, temperature: 35 }, r).combined).toEqual({ level: 3, value: 9 });
    expect(levelsOf({ ts: 1, spo2: 93, heartRate: 115, temperature: 38.5 }, r).combined).toEqual({ level: 2, value: 5 });
    expect(levelsOf({ ts: 1, spo2: 91, heartRate: 131 }, r).combined).toBeUndefined();
  });
});

describe('rule changes', () => {
  test('valid changes apply; the diff names each changed field', () => {
    const cur = defaultRules();
    const next = applyRulesChange(cur, { spo2Scale: 2, persistence: { readings: 5 }, disabled: ['offline'] });
    expect(next.ok).toBe(true);
    if (!next.ok) return;
    expect(next.rules.bands.spo2).toEqual(defaultRules(2).bands.spo2);
    expect(diffRules(cur, next.rules)).toEqual(expect.arrayContaining(['spo2Scale: 1 → 2', 'persistence.readings: 3 → 5', 'disabled: [] → ["offline"]']));
  });
  test.each([
    [{ spo2Scale: 3 }, /spo2Scale/],
    [
      {
        bands: {
          spo2: [
            { min: null, max: 93, score: 3 },
            { min: 92, max: 95, score: 1 },
          ],
        },
      },
      /overlap/,
    ],
    [{ bands: { heartRate: [{ min: 10, max: 40, score: 3 }] } }, /within 20–300/],
    [{ bands: { pressure: [] } }, /unknown vital/],
    [{ persistence: { readings: 0 } }, /persistence.readings/],
    [{ combined: { warningAt: 7, urgentAt: 5 } }, /urgentAt/],
    [{ disabled: ['everything'] }, /disabled/],
    [{ colour: 'red' }, /unknown rule field/],
    ['spo2', /object/],
  ])('%j is refused', (change, why) => {
    const r = applyRulesChange(defaultRules(), change);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(why);
  });
});

describe('condition state machine', () => {
  const rules = defaultRules(); // 3 readings or 120 s to raise; 3 readings and 60 s to clear
  function run(levels: Array<[number, number]>) {
    let s: ConditionState = emptyCondition();
    const events: ConditionEvent[] = [];
    for (const [dt, level] of levels) {
      const r = step(s, 'spo2', T0 + dt * 1000, level, 90, rules, (from) => `a:${from}`);
      s = r.state;
      if (r.event) events.push(r.event);
    }
    return { s, events };
  }

  test('a single outlier raises nothing', () => {
    expect(
      run([
        [0, 0],
        [10, 3],
        [20, 0],
        [30, 0],
        [40, 0],
      ]).events,
    ).toEqual([]);
  });
  test('three readings in a row raise one alert at the level that persisted; a higher level upgrades it', () => {
    const { events } = run([
      [0, 1],
      [10, 1],
      [20, 2],
      [30, 2],
      [40, 2],
      [50, 3],
    ]);
    expect(events.map((e) => [e.type, 'severity' in e ? e.severity : '', e.at - T0])).toEqual([
      ['raise', 'info', 20_000],
      ['upgrade', 'warning', 40_000],
    ]);
    expect(events[0]).toMatchObject({ startedAt: T0, type: 'raise' });
  });
  test('a condition lasting 120 s raises even with sparse readings', () => {
    const { events } = run([
      [0, 2],
      [130, 2],
    ]);
    expect(events).toEqual([expect.objectContaining({ type: 'raise', severity: 'warning', startedAt: T0 })]);
  });
  test('clears only after 3 normal readings spanning 60 s; an abnormal one restarts the count', () => {
    const { events } = run([
      [0, 2],
      [10, 2],
      [20, 2],
      [30, 0],
      [40, 0],
      [50, 2],
      [60, 0],
      [70, 0],
      [80, 0],
      [90, 0],
      [120, 0],
    ]);
    expect(events.map((e) => [e.type, e.at - T0])).toEqual([
      ['raise', 20_000],
      ['clear', 120_000],
    ]);
  });
  test('readings older than the last one are ignored (buffered replays)', () => {
    const { events } = run([
      [100, 0],
      [10, 3],
      [20, 3],
      [30, 3],
    ]);
    expect(events).toEqual([]);
  });
  test('a vital the device withheld has no level: invalid readings never trigger', () => {
    expect(levelsOf({ ts: 1, temperature: 36.8 }, rules)).toEqual({ temperature: { level: 0, value: 36.8 } });
  });
});
