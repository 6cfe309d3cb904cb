/**
 * Piecewise-linear curves through keyframes, optionally repeating with a period. Scenario
 * vitals are described this way; the heart-rate curve also needs its running integral (beats
 * elapsed), which is exact and O(log n) here so any instant can be synthesised directly.
 */

// Bound once: inside sandboxes such as Jest's vm context every global lookup of `Math` is slow.
const { floor } = Math;

/** [time in s, value]. */
export type Keyframe = readonly [number, number];

/** A keyframe with the curve's integral from the first keyframe up to it. */
interface Knot {
  t: number;
  v: number;
  integral: number;
}

export class Timeline {
  /** At least one knot, times strictly increasing. */
  private readonly knots: readonly Knot[];
  private readonly first: Knot;
  private readonly last: Knot;

  /**
   * @param frames keyframes with strictly increasing times, the first at t = 0.
   * @param periodS repeat period, s; must equal the last keyframe time. Omit to hold the last
   *   value forever.
   */
  constructor(
    frames: readonly Keyframe[],
    private readonly periodS?: number,
  ) {
    const [head, ...rest] = frames;
    if (head?.[0] !== 0) throw new Error('timeline must start with a keyframe at t = 0');
    const first: Knot = { t: head[0], v: head[1], integral: 0 };
    const knots = [first];
    let previous = first;
    for (const [t, v] of rest) {
      if (!(t > previous.t)) throw new Error('timeline keyframe times must increase');
      const knot = { t, v, integral: previous.integral + ((t - previous.t) * (v + previous.v)) / 2 };
      knots.push(knot);
      previous = knot;
    }
    if (periodS !== undefined && previous.t !== periodS) {
      throw new Error('a periodic timeline must end with a keyframe at its period');
    }
    this.knots = knots;
    this.first = first;
    this.last = previous;
  }

  private knot(i: number): Knot {
    const k = this.knots[i];
    if (!k) throw new RangeError(`timeline knot ${i} outside 0…${this.knots.length - 1}`);
    return k;
  }

  /** Index of the last knot at or before `t` (0 before the first). */
  private segment(t: number): number {
    let lo = 0;
    let hi = this.knots.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.knot(mid).t <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Value at a time within one period (or within the keyframes for a non-periodic curve). */
  private local(t: number): { value: number; integral: number } {
    const last = this.last;
    if (t >= last.t) return { value: last.v, integral: last.integral + (t - last.t) * last.v };
    const i = this.segment(t);
    const a = this.knot(i);
    const b = this.knot(i + 1);
    const dt = t - a.t;
    const slope = (b.v - a.v) / (b.t - a.t);
    const value = a.v + slope * dt;
    return { value, integral: a.integral + (dt * (a.v + value)) / 2 };
  }

  /** Value at `tS` seconds; before 0 the first value holds. */
  at(tS: number): number {
    if (tS <= 0) return this.first.v;
    if (this.periodS === undefined) return this.local(tS).value;
    return this.local(tS - floor(tS / this.periodS) * this.periodS).value;
  }

  /** ∫₀^tS of the curve (negative for tS < 0, where the first value holds). */
  integral(tS: number): number {
    if (tS <= 0) return tS * this.first.v;
    if (this.periodS === undefined) return this.local(tS).integral;
    const k = floor(tS / this.periodS);
    return k * this.last.integral + this.local(tS - k * this.periodS).integral;
  }
}
