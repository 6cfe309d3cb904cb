/**
 * SpO2 calibration: SpO2 = a + b·R + c·R² (%), where R is the ratio of ratios
 * (AC_red/DC_red) / (AC_ir/DC_ir).
 *
 * Pulse oximeters are calibrated empirically because scattering in tissue makes Beer–Lambert
 * predictions unusable (J. G. Webster, "Design of Pulse Oximeters", 1997, ch. 7); the curve
 * depends on the LED wavelengths, the photodiode and the body site, so it is an option of the
 * algorithm. The default is the quadratic Maxim publishes with its MAX30102 reference design
 * (MAXREFDES117#, algorithm.cpp): SpO2 = −45.060·R² + 30.354·R + 94.845. Our synthetic MAX30102 model
 * uses the same curve (device-emulator/signal/spo2-curve.ts), so the default is exact on
 * synthetic data and must be re-fitted (see `fitCalibration`) for any other sensor.
 */

// Bound once: inside sandboxes such as Jest's vm context every global lookup of `Math` is slow.
const { abs, max, min } = Math;

/** SpO2 (%) = a + b·R + c·R². */
export interface Spo2Calibration {
  a: number;
  b: number;
  c: number;
}

/** Maxim's published MAX30102 curve; also the curve of our synthetic sensor. */
export const MAX30102_CALIBRATION: Spo2Calibration = Object.freeze({ a: 94.845, b: 30.354, c: -45.06 });

/**
 * SpO2 (%) for ratio `r`. A concave quadratic rises again left of its vertex, which is not
 * physical (lower R always means more oxyhaemoglobin), so R is clamped to the vertex there; the
 * result is capped at 100 %.
 */
export function spo2FromRatio(r: number, cal: Spo2Calibration = MAX30102_CALIBRATION): number {
  let x = r;
  if (cal.c < 0) {
    const vertex = -cal.b / (2 * cal.c);
    if (x < vertex) x = vertex;
  }
  return min(100, cal.a + cal.b * x + cal.c * x * x);
}

/** A ratio measured on a recording and the reference SpO2 (%) for it. */
export interface CalibrationPoint {
  ratio: number;
  spo2: number;
}

/** Options for `fitCalibration`. */
export interface CalibrationFitOptions {
  /** 1 = straight line (default), 2 = quadratic. */
  degree?: 1 | 2;
  /**
   * Least absolute deviations (default true), solved by iteratively re-weighted least squares.
   * Reference oximeter readings are rounded to 1 % and occasionally stale, and an L1 fit keeps
   * such outliers from tilting the curve.
   */
  robust?: boolean;
}

function solve(m: number[][], v: number[]): number[] {
  const n = v.length;
  const a = m.map((row, i) => [...row, v[i]]);
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (abs(a[r][col]) > abs(a[piv][col])) piv = r;
    [a[col], a[piv]] = [a[piv], a[col]];
    const d = a[col][col];
    if (abs(d) < 1e-12) throw new Error('calibration fit is singular: need distinct ratios');
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = a[r][col] / d;
      for (let k = col; k <= n; k++) a[r][k] -= f * a[col][k];
    }
  }
  return a.map((row, i) => row[n] / row[i]);
}

function weightedFit(points: readonly CalibrationPoint[], weights: readonly number[], degree: number): number[] {
  const p = degree + 1;
  const m = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const v = new Array<number>(p).fill(0);
  points.forEach((pt, i) => {
    const basis = [1, pt.ratio, pt.ratio * pt.ratio].slice(0, p);
    for (let r = 0; r < p; r++) {
      v[r] += weights[i] * basis[r] * pt.spo2;
      for (let c = 0; c < p; c++) m[r][c] += weights[i] * basis[r] * basis[c];
    }
  });
  return solve(m, v);
}

/** Fits a calibration curve to (R, reference SpO2) points. */
export function fitCalibration(points: readonly CalibrationPoint[], options: CalibrationFitOptions = {}): Spo2Calibration {
  const degree = options.degree ?? 1;
  if (points.length < degree + 1) throw new Error(`calibration fit needs at least ${degree + 1} points, got ${points.length}`);
  let w = points.map(() => 1);
  let coef = weightedFit(points, w, degree);
  if (options.robust ?? true) {
    for (let iter = 0; iter < 50; iter++) {
      const c = coef;
      // 0.3 % floor keeps the weights finite for points the line passes through.
      w = points.map((pt) => 1 / max(0.3, abs(pt.spo2 - (c[0] + c[1] * pt.ratio + (c[2] ?? 0) * pt.ratio * pt.ratio))));
      coef = weightedFit(points, w, degree);
    }
  }
  return { a: coef[0], b: coef[1], c: coef[2] ?? 0 };
}
