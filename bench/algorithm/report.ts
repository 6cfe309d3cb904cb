/** Table rows and JSON keys for the algorithm benchmark (units in every key). */
import { round, summarise, type DatasetFigures, type WindowScore } from './metrics';
import { ALGORITHMS, type AlgorithmName } from './runners';

export type Figures = Record<string, number | string | null>;

const fmt = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '—');
const LABEL = 34;

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
