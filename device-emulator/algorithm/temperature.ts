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

type Row = readonly [number, number, number];
type Matrix3 = readonly [Row, Row, Row];

function det([[a, b, c], [d, e, f], [g, h, i]]: Matrix3): number {
  return a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
}

/** `row` with column `col` replaced by `v` (Cramer's rule). */
function withColumn(row: Row, col: number, v: number): Row {
  return [col === 0 ? v : row[0], col === 1 ? v : row[1], col === 2 ? v : row[2]];
}

/** Value and slope (per s) at `at` of the least-squares parabola through the samples. */
function quadraticAt(samples: readonly TemperatureSample[], at: number): { value: number; slope: number } {
  // Normal equations in the centred variable x = t − at, for y = c0 + c1 x + c2 x²:
  // s_k = Σ x^k (k = 0…4), r_k = Σ x^k·y (k = 0…2).
  let [s0, s1, s2, s3, s4, r0, r1, r2] = [0, 0, 0, 0, 0, 0, 0, 0];
  for (const p of samples) {
    const x = p.tS - at;
    const x2 = x * x;
    const x3 = x2 * x;
    s0 += 1;
    s1 += x;
    s2 += x2;
    s3 += x3;
    s4 += x3 * x;
    r0 += p.celsius;
    r1 += x * p.celsius;
    r2 += x2 * p.celsius;
  }
  const m: Matrix3 = [
    [s0, s1, s2],
    [s1, s2, s3],
    [s2, s3, s4],
  ];
  const d = det(m);
  const solved = (col: number) => det([withColumn(m[0], col, r0), withColumn(m[1], col, r1), withColumn(m[2], col, r2)]) / d;
  return { value: solved(0), slope: solved(1) };
}

export function estimateBodyTemperature(samples: readonly TemperatureSample[], options: TemperatureEstimatorOptions = {}): TemperatureEstimate {
  const offset = options.skinToCoreOffset ?? 1.2;
  const tau = options.probeTimeConstantS ?? 60;
  const maxSlope = (options.maxSlopePerMinute ?? 0.6) / 60;
  const span = options.fitSpanS ?? 30;
  const [lo, hi] = options.plausibleRange ?? [34, 43];
  const last = samples.at(-1);
  if (!last) return { valid: false, reason: 'no-data' };
  const newest = last.tS;
  const recent = samples.filter((p) => p.tS > newest - span);
  const oldest = recent[0];
  if (!oldest || recent.length < 5 || newest - oldest.tS < span / 2) return { valid: false, reason: 'no-data' };
  const { value, slope } = quadraticAt(recent, newest);
  if (!Number.isFinite(value) || abs(slope) > maxSlope) return { valid: false, reason: 'warming-up' };
  const skin = value + tau * slope;
  const body = skin + offset;
  if (body < lo || body > hi) return { valid: false, reason: 'implausible' };
  return { valid: true, bodyTemperature: body, skinTemperature: skin };
}
