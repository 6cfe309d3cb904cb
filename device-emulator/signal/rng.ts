/**
 * Counter-based random numbers: every draw is a pure function of (seed, stream, index), so any
 * sample or beat can be synthesised on its own, in any order, and always comes out the same.
 * The mixer is the 32-bit finaliser of MurmurHash3 (A. Appleby), applied to a combination of
 * the three integers; its avalanche behaviour is ample for signal synthesis (not for crypto).
 */

// Bound once: inside sandboxes such as Jest's vm context every global lookup of `Math` is slow.
const { PI, cos, floor, imul, log, sqrt } = Math;

/** Independent random streams; keep the values distinct. */
export const Stream = Object.freeze({
  beatJitter: 1,
  beatAmplitude: 2,
  ectopic: 3,
  irNoise: 4,
  redNoise: 5,
  motion: 6,
  hrDrift: 7,
  respiration: 8,
  dcDrift: 9,
  device: 10,
  temperatureNoise: 11,
  perfusion: 12,
  ambient: 13,
  ratioDrift: 14,
  steadyVitals: 15,
});

function fmix32(h0: number): number {
  let h = h0 | 0;
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** 32-bit hash of (seed, stream, index); `index` may be any integer in ±2^52. */
export function hash32(seed: number, stream: number, index: number): number {
  const lo = index | 0;
  const hi = floor(index / 4294967296) | 0;
  let h = fmix32(imul(seed | 0, 0x9e3779b1) ^ imul(stream | 0, 0x85ebca77));
  h = fmix32(h ^ imul(lo, 0xcc9e2d51));
  return fmix32(h ^ imul(hi, 0x1b873593));
}

/** Uniform in [0, 1). */
export function uniformAt(seed: number, stream: number, index: number): number {
  return hash32(seed, stream, index) / 4294967296;
}

/** Standard normal (Box–Muller on two derived uniforms). */
export function gaussianAt(seed: number, stream: number, index: number): number {
  const u1 = (hash32(seed, stream, 2 * index) + 1) / 4294967297;
  const u2 = hash32(seed, stream, 2 * index + 1) / 4294967296;
  return sqrt(-2 * log(u1)) * cos(2 * PI * u2);
}

/**
 * Smooth random function of time ("value noise"): standard-normal values at knots `scale`
 * seconds apart joined by a quintic smoothstep, so the curve and its slope are continuous.
 * Standard deviation ≈ 0.8 between knots, 1 at knots.
 */
export function smoothNoise(seed: number, stream: number, tS: number, scaleS: number): number {
  const x = tS / scaleS;
  const k = floor(x);
  const u = x - k;
  const s = u * u * u * (u * (u * 6 - 15) + 10);
  const a = gaussianAt(seed, stream, k);
  const b = gaussianAt(seed, stream, k + 1);
  return a + (b - a) * s;
}

/** Time derivative of `smoothNoise` (per second). */
export function smoothNoiseSlope(seed: number, stream: number, tS: number, scaleS: number): number {
  const x = tS / scaleS;
  const k = floor(x);
  const u = x - k;
  const ds = 30 * u * u * (u - 1) * (u - 1);
  return ((gaussianAt(seed, stream, k + 1) - gaussianAt(seed, stream, k)) * ds) / scaleS;
}
