/**
 * Body-temperature estimate from the MAX30205 skin probe.
 *
 * A skin probe reads low for two reasons: its own thermal lag while it warms up (first order,
 * time constant τ) and the skin–core gradient. The lag is inverted with the first-order model,
 * T_skin ≈ T + τ·dT/dt (the principle of predictive thermometers), using value and slope at the
 * newest sample from a quadratic least-squares fit over the last 30 s; the gradient is added back
 * as a fixed offset. No value is given while the probe is still warming quickly (|dT/dt| above
 * `maxSlopePerMinute`) or when the result is not a plausible body temperature.
 */

// Bound once: inside sandboxes such as Jest's vm context every global lookup of `Math` is slow.
const { abs } = Math;

/** One probe reading. */
export interface TemperatureSample {
  /** Time, s (any origin). */
  tS: number;
  /** °C */
  celsius: number;
}

export interface TemperatureEstimatorOptions {
  /** Typical core − skin gradient at the probe site, °C. Default 1.2. */
  skinToCoreOffset?: number;
  /** Thermal time constant of the probe on skin, s. Default 60. */
  probeTimeConstantS?: number;
  /** Largest warm-up slope still corrected, °C/min. Default 0.6. */
  maxSlopePerMinute?: number;
  /** Fit span, s. Default 30. */
  fitSpanS?: number;
  /** Plausible body temperatures, °C. Default [34, 43]. */
  plausibleRange?: readonly [number, number];
}

export type TemperatureEstimate =
  | { valid: true; bodyTemperature: number; skinTemperature: number }
  | { valid: false; reason: 'no-data' | 'warming-up' | 'implausible' };

/** Value and slope (per s) at `at` of the least-squares parabola through the samples. */
function quadraticAt(samples: readonly TemperatureSample[], at: number): { value: number; slope: number } {
  // Normal equations in the centred variable x = t − at, for y = c0 + c1 x + c2 x².
  const s = [0, 0, 0, 0, 0];
  const r = [0, 0, 0];
  for (const p of samples) {
    const x = p.tS - at;
    let xp = 1;
    for (let k = 0; k < 5; k++) {
      s[k] += xp;
      if (k < 3) r[k] += xp * p.celsius;
      xp *= x;
    }
  }
  const m = [
    [s[0], s[1], s[2]],
    [s[1], s[2], s[3]],
    [s[2], s[3], s[4]],
  ];
  const det = (a: number[][]) =>
    a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
  const d = det(m);
  const withColumn = (col: number) => m.map((row, i) => row.map((v, j) => (j === col ? r[i] : v)));
  return { value: det(withColumn(0)) / d, slope: det(withColumn(1)) / d };
}

export function estimateBodyTemperature(samples: readonly TemperatureSample[], options: TemperatureEstimatorOptions = {}): TemperatureEstimate {
  const offset = options.skinToCoreOffset ?? 1.2;
  const tau = options.probeTimeConstantS ?? 60;
  const maxSlope = (options.maxSlopePerMinute ?? 0.6) / 60;
  const span = options.fitSpanS ?? 30;
  const [lo, hi] = options.plausibleRange ?? [34, 43];
  if (samples.length === 0) return { valid: false, reason: 'no-data' };
  const newest = samples[samples.length - 1].tS;
  const recent = samples.filter((p) => p.tS > newest - span);
  if (recent.length < 5 || newest - recent[0].tS < span / 2) return { valid: false, reason: 'no-data' };
  const { value, slope } = quadraticAt(recent, newest);
  if (!Number.isFinite(value) || abs(slope) > maxSlope) return { valid: false, reason: 'warming-up' };
  const skin = value + tau * slope;
  const body = skin + offset;
  if (body < lo || body > hi) return { valid: false, reason: 'implausible' };
  return { valid: true, bodyTemperature: body, skinTemperature: skin };
}
