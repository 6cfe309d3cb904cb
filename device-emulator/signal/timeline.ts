/**
 * Piecewise-linear curves through keyframes, optionally repeating with a period. Scenario
 * vitals are described this way; the heart-rate curve also needs its running integral (beats
 * elapsed), which is exact and O(log n) here so any instant can be synthesised directly.
 */

// Bound once: inside sandboxes such as Jest's vm context every global lookup of `Math` is slow.
const { floor } = Math;

/** [time in s, value]. */
export type Keyframe = readonly [number, number];

export class Timeline {
  private readonly times: number[];
  private readonly values: number[];
  /** Integral from the first keyframe up to each keyframe. */
  private readonly cumulative: number[];

  /**
   * @param frames keyframes with strictly increasing times, the first at t = 0.
   * @param periodS repeat period, s; must equal the last keyframe time. Omit to hold the last
   *   value forever.
   */
  constructor(
    frames: readonly Keyframe[],
    private readonly periodS?: number,
  ) {
    if (frames.length === 0 || frames[0][0] !== 0) throw new Error('timeline must start with a keyframe at t = 0');
    for (let i = 1; i < frames.length; i++) {
      if (!(frames[i][0] > frames[i - 1][0])) throw new Error('timeline keyframe times must increase');
    }
    if (periodS !== undefined && frames[frames.length - 1][0] !== periodS) {
      throw new Error('a periodic timeline must end with a keyframe at its period');
    }
    this.times = frames.map((f) => f[0]);
    this.values = frames.map((f) => f[1]);
    this.cumulative = [0];
    for (let i = 1; i < frames.length; i++) {
      const dt = this.times[i] - this.times[i - 1];
      this.cumulative.push(this.cumulative[i - 1] + (dt * (this.values[i] + this.values[i - 1])) / 2);
    }
  }

  private segment(t: number): number {
    let lo = 0;
    let hi = this.times.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.times[mid] <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Value at a time within one period (or within the keyframes for a non-periodic curve). */
  private local(t: number): { value: number; integral: number } {
    const last = this.times.length - 1;
    if (t >= this.times[last]) {
      return { value: this.values[last], integral: this.cumulative[last] + (t - this.times[last]) * this.values[last] };
    }
    const i = this.segment(t);
    const dt = t - this.times[i];
    const slope = (this.values[i + 1] - this.values[i]) / (this.times[i + 1] - this.times[i]);
    const value = this.values[i] + slope * dt;
    return { value, integral: this.cumulative[i] + (dt * (this.values[i] + value)) / 2 };
  }

  /** Value at `tS` seconds; before 0 the first value holds. */
  at(tS: number): number {
    if (tS <= 0) return this.values[0];
    if (this.periodS === undefined) return this.local(tS).value;
    return this.local(tS - floor(tS / this.periodS) * this.periodS).value;
  }

  /** ∫₀^tS of the curve (negative for tS < 0, where the first value holds). */
  integral(tS: number): number {
    if (tS <= 0) return tS * this.values[0];
    if (this.periodS === undefined) return this.local(tS).integral;
    const k = floor(tS / this.periodS);
    const whole = this.cumulative[this.cumulative.length - 1];
    return k * whole + this.local(tS - k * this.periodS).integral;
  }
}
