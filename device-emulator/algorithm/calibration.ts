/**
 * SpO2 calibration: SpO2 = a + b·R + c·R² (%), where R is the ratio of ratios
 * (AC_red/DC_red) / (AC_ir/DC_ir), together with the DOMAIN the curve is valid on.
 *
 * Pulse oximeters are calibrated empirically because scattering in tissue makes Beer–Lambert
 * predictions unusable (J. G. Webster, "Design of Pulse Oximeters", 1997, ch. 7); the curve
 * depends on the LED wavelengths, the photodiode and the body site, so it is configuration per
 * sensor class and site (calibrations.ts), and it is only trusted on the range of ratios it was
 * fitted on: ISO 80601-2-61 requires the declared accuracy range to be the one covered by the
 * calibration study. Outside it a reading is refused or flagged uncalibrated, never clamped.
 */
import * as stats from './stats';

// Bound once: inside sandboxes such as Jest's vm context every global lookup of `Math` is slow.
const { abs, max, min } = Math;
// Bound once, like Math: the per-sample loops would otherwise go through the module's export
// getters on every read (tsx/esbuild), which cost more than the arithmetic.
const { item } = stats;

/** SpO2 (%) = a + b·R + c·R². */
export interface Spo2Calibration {
  a: number;
  b: number;
  c: number;
}

/** A curve as configuration: what it is for and where it may be used. */
export interface SensorCalibration {
  /** Stable identifier, e.g. 'max30102-finger'. */
  id: string;
  /** Sensor class (part and optical front end). */
  sensor: string;
  /** Body site the curve was fitted for. */
  site: string;
  curve: Spo2Calibration;
  /** [lowest, highest] ratio of the points the curve was fitted on. */
  ratioRange: readonly [number, number];
  /** Where the curve comes from (data set, number of points, procedure). */
  fittedOn: string;
}

/**
 * SpO2 (%) for ratio `r` on the curve alone (no domain check). A concave quadratic rises again
 * left of its vertex, which is not physical (lower R always means more oxyhaemoglobin), so R is
 * held at the vertex there. Nothing is capped: the domain check (`calibrate`) decides whether
 * the value may be used.
 */
export function spo2FromRatio(r: number, cal: Spo2Calibration): number {
  let x = r;
  if (cal.c < 0) {
    const vertex = -cal.b / (2 * cal.c);
    if (x < vertex) x = vertex;
  }
  return cal.a + cal.b * x + cal.c * x * x;
}

/** The curve's value and whether `r` lies on the fitted range. */
export function calibrate(r: number, cal: SensorCalibration): { spo2: number; inDomain: boolean } {
  const [lo, hi] = cal.ratioRange;
  return { spo2: spo2FromRatio(r, cal.curve), inDomain: Number.isFinite(r) && r >= lo && r <= hi };
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
  const a = m.map((row, i) => [...row, item(v, i)]);
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (abs(item(item(a, r), col)) > abs(item(item(a, piv), col))) piv = r;
    const pivotRow = item(a, piv);
    a[piv] = item(a, col);
    a[col] = pivotRow;
    const d = item(pivotRow, col);
    if (abs(d) < 1e-12) throw new Error('calibration fit is singular: need distinct ratios');
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const row = item(a, r);
      const f = item(row, col) / d;
      for (let k = col; k <= n; k++) row[k] = item(row, k) - f * item(pivotRow, k);
    }
  }
  return a.map((row, i) => item(row, n) / item(row, i));
}

function weightedFit(points: readonly CalibrationPoint[], weights: readonly number[], degree: number): number[] {
  const p = degree + 1;
  const m = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const v = new Array<number>(p).fill(0);
  points.forEach((pt, i) => {
    const w = item(weights, i);
    const basis = [1, pt.ratio, pt.ratio * pt.ratio].slice(0, p);
    basis.forEach((br, r) => {
      v[r] = item(v, r) + w * br * pt.spo2;
      const row = item(m, r);
      basis.forEach((bc, c) => {
        row[c] = item(row, c) + w * br * bc;
      });
    });
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
      w = points.map((pt) => 1 / max(0.3, abs(pt.spo2 - (item(c, 0) + item(c, 1) * pt.ratio + (c[2] ?? 0) * pt.ratio * pt.ratio))));
      coef = weightedFit(points, w, degree);
    }
  }
  return { a: item(coef, 0), b: item(coef, 1), c: coef[2] ?? 0 };
}

/** Calibration configuration fitted to (R, reference) points; the domain is the points' ratio range. */
export function calibrationFromPoints(
  points: readonly CalibrationPoint[],
  meta: { id: string; sensor: string; site: string; fittedOn: string },
  options: CalibrationFitOptions = {},
): SensorCalibration {
  const ratios = points.map((p) => p.ratio);
  return { ...meta, curve: fitCalibration(points, options), ratioRange: [min(...ratios), max(...ratios)] };
}

/**
 * One-point offset re-fit for a new sensor (or site) of a known class: keep the parent curve's
 * shape (its slope carries the physics of the two wavelengths) and move it so that it passes
 * through one (R, reference) pair taken against a reference oximeter. The domain is the parent's
 * SpO2 range mapped back through the moved curve, so the re-fit claims no saturations the parent
 * was not fitted on. Procedure: docs/algorithm.md, "Calibrating a new sensor".
 */
export function refitOffset(parent: SensorCalibration, point: CalibrationPoint, id = `${parent.id}+offset`): SensorCalibration {
  const shift = point.spo2 - spo2FromRatio(point.ratio, parent.curve);
  const curve = { ...parent.curve, a: parent.curve.a + shift };
  const [r0, r1] = parent.ratioRange;
  const s0 = spo2FromRatio(r0, parent.curve);
  const s1 = spo2FromRatio(r1, parent.curve);
  const lo = ratioForSpo2(curve, max(s0, s1), point.ratio);
  const hi = ratioForSpo2(curve, min(s0, s1), point.ratio);
  return {
    id,
    sensor: parent.sensor,
    site: parent.site,
    curve,
    ratioRange: [min(lo, hi), max(lo, hi)],
    fittedOn: `one-point offset re-fit of ${parent.id} at R = ${point.ratio.toFixed(3)}, reference ${point.spo2} %`,
  };
}

/** Ratio at which a decreasing curve reaches `spo2` (bisection, bracketing `near`). */
function ratioForSpo2(cal: Spo2Calibration, spo2: number, near: number): number {
  let lo = near - 2;
  let hi = near + 2;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (spo2FromRatio(mid, cal) > spo2) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
