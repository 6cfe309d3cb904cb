/** Scoring helpers shared by the synthetic and real-recording benchmarks. */

/** What one algorithm said about one window, with the truth it is scored against. */
export interface WindowScore {
  /** Reported heart rate (bpm), absent when the algorithm declined. */
  heartRate?: number;
  /** Reported SpO2 (%), absent when the algorithm declined. */
  spo2?: number;
  /** Both numbers reported (the algorithm's own notion of a valid reading). */
  valid: boolean;
  truthHeartRate: number;
  truthSpo2: number;
  /** The whole window had the finger on and no motion (synthetic only; true for recordings). */
  clean: boolean;
}

export interface DatasetFigures {
  windows: number;
  /** Mean |reported − truth| over windows with a reported value, bpm (NaN if none). */
  hrMae: number;
  /** Mean |reported − truth| over windows with a reported value, % (NaN if none). */
  spo2Mae: number;
  /** Share of windows with a valid reading, %. */
  validPct: number;
  /** Share of clean windows with a valid reading, %. */
  cleanValidPct: number;
  /** Share of windows spoilt by finger-off or motion that still gave a valid reading, % (NaN if none). */
  artefactValidPct: number;
}

const pct = (num: number, den: number) => (den > 0 ? (100 * num) / den : Number.NaN);

function mae(pairs: Array<[number | undefined, number]>): number {
  const used = pairs.filter((p): p is [number, number] => p[0] !== undefined);
  return used.length ? used.reduce((s, [a, b]) => s + Math.abs(a - b), 0) / used.length : Number.NaN;
}

export function summarise(scores: readonly WindowScore[]): DatasetFigures {
  const clean = scores.filter((s) => s.clean);
  const spoilt = scores.filter((s) => !s.clean);
  return {
    windows: scores.length,
    hrMae: mae(scores.map((s) => [s.heartRate, s.truthHeartRate])),
    spo2Mae: mae(scores.map((s) => [s.spo2, s.truthSpo2])),
    validPct: pct(scores.filter((s) => s.valid).length, scores.length),
    cleanValidPct: pct(clean.filter((s) => s.valid).length, clean.length),
    artefactValidPct: pct(spoilt.filter((s) => s.valid).length, spoilt.length),
  };
}

/** Rounds for printing and for the JSON line (NaN → null in JSON). */
export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
