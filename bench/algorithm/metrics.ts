/** Scoring helpers shared by the synthetic and real-recording benchmarks, and the table/JSON report. */
import { ALGORITHMS, type AlgorithmName } from './runners';

/** What one algorithm said about one window, with the truth it is scored against. */
export interface WindowScore {
  /** Reported heart rate (bpm), absent when the algorithm declined. */
  heartRate?: number;
  /** Reported SpO2 (%), absent when the algorithm declined. */
  spo2?: number;
  truthHeartRate: number;
  truthSpo2: number;
  /** The whole window had the finger on and no motion (synthetic only; true for recordings). */
  clean: boolean;
  /** Why SpO2 (or everything) was withheld, when the algorithm says. */
  reason?: string;
}

export interface DatasetFigures {
  windows: number;
  /** Mean |reported − truth| over windows with a reported heart rate, bpm (NaN if none). */
  hrMae: number;
  /** Share of windows with a heart rate, %. */
  hrValidPct: number;
  /** Mean |reported − truth| over windows with a reported SpO2, % (NaN if none). */
  spo2Mae: number;
  /** Share of windows with an SpO2, %. */
  spo2ValidPct: number;
  /**
   * MAE of a constant predictor — the data set's median reference SpO2 — on the same windows
   * that got an SpO2: the figure to beat, since a constant already scores well on a narrow range.
   */
  spo2ConstMae: number;
  /** Pearson correlation of reported SpO2 with the reference (NaN with < 3 points or no spread). */
  spo2Corr: number;
  /** Share of windows spoilt by finger-off or motion that still gave a heart rate, % (NaN if none). */
  artefactHrPct: number;
  /** Heart-rate MAE on those windows, bpm: a reading through an artefact only harms when wrong. */
  artefactHrMae: number;
}

const pct = (num: number, den: number) => (den > 0 ? (100 * num) / den : Number.NaN);

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function mae(pairs: Array<[number | undefined, number]>): number {
  const used = pairs.filter((p): p is [number, number] => p[0] !== undefined);
  return used.length ? used.reduce((s, [a, b]) => s + Math.abs(a - b), 0) / used.length : Number.NaN;
}

export function pearson(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  if (n < 3) return Number.NaN;
  const ma = a.reduce((s, v) => s + v, 0) / n;
  const mb = b.reduce((s, v) => s + v, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : Number.NaN;
}

export function summarise(scores: readonly WindowScore[]): DatasetFigures {
  const spoilt = scores.filter((s) => !s.clean);
  const withSpo2 = scores.filter((s): s is WindowScore & { spo2: number } => s.spo2 !== undefined);
  const constant = median(scores.map((s) => s.truthSpo2));
  return {
    windows: scores.length,
    hrMae: mae(scores.map((s) => [s.heartRate, s.truthHeartRate])),
    hrValidPct: pct(scores.filter((s) => s.heartRate !== undefined).length, scores.length),
    spo2Mae: mae(scores.map((s) => [s.spo2, s.truthSpo2])),
    spo2ValidPct: pct(withSpo2.length, scores.length),
    spo2ConstMae: mae(withSpo2.map((s) => [constant, s.truthSpo2])),
    spo2Corr: pearson(
      withSpo2.map((s) => s.spo2),
      withSpo2.map((s) => s.truthSpo2),
    ),
    artefactHrPct: pct(spoilt.filter((s) => s.heartRate !== undefined).length, spoilt.length),
    artefactHrMae: mae(spoilt.map((s) => [s.heartRate, s.truthHeartRate])),
  };
}

/** Count of each reason among windows without SpO2, most frequent first: "red-no-pulse 95%, …". */
export function reasonSummary(scores: readonly WindowScore[]): string {
  const counts = new Map<string, number>();
  for (const s of scores) if (s.spo2 === undefined) counts.set(s.reason ?? '?', (counts.get(s.reason ?? '?') ?? 0) + 1);
  const total = scores.length;
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([r, c]) => `${r} ${Math.round((100 * c) / total)}%`)
    .join(', ');
}

/** Rounds for printing and for the JSON line (NaN → null in JSON). */
export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/* ── Report: table rows and JSON keys (units in every key) ── */

export type Figures = Record<string, number | null>;

const fmt = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '—');
const LABEL = 50;

export const TABLE_HEADER = [
  `${''.padEnd(LABEL)} ${ALGORITHMS.map((a) => `── ${a} `.padEnd(38, '─')).join('│ ')}`,
  `${'data set (windows)'.padEnd(LABEL)} ${ALGORITHMS.map(() => ' HR±  HR%  SpO2±  SpO2%  const±     r ').join('│ ')}`,
].join('\n');

function cells(f: DatasetFigures): string {
  return [
    fmt(f.hrMae).padStart(5),
    fmt(f.hrValidPct, 0).padStart(4),
    fmt(f.spo2Mae, 2).padStart(6),
    fmt(f.spo2ValidPct, 0).padStart(6),
    fmt(f.spo2ConstMae, 2).padStart(7),
    fmt(f.spo2Corr, 2).padStart(6),
  ].join(' ');
}

/** Prints one data set for all algorithms and records its figures under `key`. */
export function report(json: Figures, label: string, key: string, scores: Partial<Record<AlgorithmName, readonly WindowScore[]>>): void {
  const n = Math.max(...Object.values(scores).map((s) => s?.length ?? 0));
  const parts = ALGORITHMS.map((a) => {
    const s = scores[a];
    if (!s) return ''.padEnd(37);
    const f = summarise(s);
    put(json, `${a}_${key}_hr_mae_bpm`, f.hrMae);
    put(json, `${a}_${key}_hr_valid_pct`, f.hrValidPct, 1);
    put(json, `${a}_${key}_spo2_mae_pct`, f.spo2Mae);
    put(json, `${a}_${key}_spo2_valid_pct`, f.spo2ValidPct, 1);
    put(json, `${a}_${key}_spo2_const_mae_pct`, f.spo2ConstMae);
    put(json, `${a}_${key}_spo2_corr`, f.spo2Corr);
    if (Number.isFinite(f.artefactHrPct)) put(json, `${a}_${key}_artefact_hr_pct`, f.artefactHrPct, 1);
    if (Number.isFinite(f.artefactHrMae)) put(json, `${a}_${key}_artefact_hr_mae_bpm`, f.artefactHrMae);
    return cells(f);
  });
  console.log(`${`${label} (${n})`.padEnd(LABEL)} ${parts.join(' │ ')}`);
}

export function put(json: Figures, key: string, v: number, digits = 2): void {
  json[key] = Number.isFinite(v) ? round(v, digits) : null;
}
