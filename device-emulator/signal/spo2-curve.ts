/**
 * Optical model of our synthetic MAX30102 finger sensor: which ratio of ratios
 * R = (AC_red/DC_red) / (AC_ir/DC_ir) a given arterial saturation produces.
 *
 * We use the empirical calibration Maxim ships with its MAX30102 reference design (MAXREFDES117#,
 * algorithm.cpp):  SpO2 = −45.060·R² + 30.354·R + 94.845  (%).
 * It is concave with its vertex at R = 0.3368 (SpO2 = 99.96 %) and falls monotonically beyond,
 * through R ≈ 0.59 at 97 %, 0.91 at 85 %, 1.15 at 70 % and 1.42 at 50 %. Only the falling branch
 * is physical, so the inverse is its larger root:
 *     R(S) = (30.354 + √(30.354² + 4·45.060·(94.845 − S))) / (2·45.060).
 * Saturations above the vertex are clamped to it (R never drops below 0.3368).
 * The algorithm's default calibration (device-emulator/algorithm/calibration.ts) is the same
 * curve, so synthetic data are measured without calibration bias; real sensors need their own fit.
 */

export const CURVE = Object.freeze({ a: 94.845, b: 30.354, c: -45.06 });

/** SpO2 (%) at the vertex of the curve, the highest value it can produce. */
export const MAX_CURVE_SPO2 = CURVE.a - (CURVE.b * CURVE.b) / (4 * CURVE.c);

/** SpO2 (%) for ratio `r` on the synthetic sensor's curve. */
export function spo2ForRatio(r: number): number {
  const x = Math.max(r, -CURVE.b / (2 * CURVE.c));
  return CURVE.a + CURVE.b * x + CURVE.c * x * x;
}

/** Ratio of ratios the synthetic sensor produces at saturation `spo2` (%). */
export function ratioForSpo2(spo2: number): number {
  const s = Math.min(spo2, MAX_CURVE_SPO2);
  const a = -CURVE.c;
  return (CURVE.b + Math.sqrt(Math.max(0, CURVE.b * CURVE.b + 4 * a * (CURVE.a - s)))) / (2 * a);
}
