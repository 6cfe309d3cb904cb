/**
 * Sample-rate conversion for feeding recordings from other sensors (e.g. a MAXM86161 at 64 Hz)
 * to the 25 Hz algorithm: zero-phase anti-alias low-pass at 0.4 × the lower rate, then
 * Catmull–Rom cubic interpolation at the new sample instants.
 */
import { lowPass } from './filters';
import * as stats from './stats';
import type { Samples } from './stats';

// Bound once: inside sandboxes such as Jest's vm context every global lookup of `Math` is slow.
const { floor, max, min } = Math;
// Bound once, like Math: the per-sample loops would otherwise go through the module's export
// getters on every read (tsx/esbuild), which cost more than the arithmetic.
const { at } = stats;

export function resample(x: Samples, fromHz: number, toHz: number): Float64Array {
  if (!(fromHz > 0 && toHz > 0)) throw new RangeError('sample rates must be positive');
  const src = toHz < fromHz ? lowPass(x, fromHz, 0.4 * toHz) : Float64Array.from(x);
  const n = src.length;
  if (n === 0) return new Float64Array(0);
  const count = floor(((n - 1) * toHz) / fromHz) + 1;
  const out = new Float64Array(count);
  // Catmull–Rom needs one sample either side: the end samples stand in beyond the edges.
  const clamped = (i: number) => at(src, min(n - 1, max(0, i)));
  for (let k = 0; k < count; k++) {
    const t = (k * fromHz) / toHz;
    const i = floor(t);
    const u = t - i;
    const p0 = clamped(i - 1);
    const p1 = clamped(i);
    const p2 = clamped(i + 1);
    const p3 = clamped(i + 2);
    out[k] = p1 + 0.5 * u * (p2 - p0 + u * (2 * p0 - 5 * p1 + 4 * p2 - p3 + u * (3 * (p1 - p2) + p3 - p0)));
  }
  return out;
}
