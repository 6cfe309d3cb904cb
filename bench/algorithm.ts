/**
 * `npm run bench:algorithm`: heart-rate / SpO2 accuracy of the on-device algorithm against
 * Maxim's reference algorithm (the baseline), on (a) every synthetic scenario and (b) the real
 * OxiWear recordings in shared/data/ppg, plus the cost of one window for each.
 * The last line printed is one JSON object of the figures (units in the keys).
 */
import fs from 'node:fs';
import path from 'node:path';
import { SCENARIOS } from '../device-emulator/signal/scenarios';
import { round, summarise, type DatasetFigures, type WindowScore } from './algorithm/metrics';
import { analyseRecordings, fullCalibration, scoreRecordings } from './algorithm/real';
import { runSyntheticScenario } from './algorithm/synthetic';

/** Scored seconds per scenario: one full cycle (two for the 2-minute cycles). */
const DURATION_S: Record<(typeof SCENARIOS)[number], number> = {
  normal: 600,
  fever: 3600,
  tachycardia: 600,
  bradycardia: 600,
  hypoxia: 900,
  motion: 240,
  'finger-off': 240,
  'low-perfusion': 600,
};
const SEEDS = [1, 2, 3];
/** Shared data folder: CI clones the repository with shared/ beside it, so never hard-code /work. */
const SHARED_PPG_DIR = path.resolve(__dirname, '../../shared/data/ppg');

type Figures = Record<string, number | null>;
const put = (json: Figures, key: string, v: number, digits = 2) => (json[key] = Number.isFinite(v) ? round(v, digits) : null);
const fmt = (v: number, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : '—');

function row(label: string, ours: DatasetFigures, base: DatasetFigures): string {
  const cells = [
    label.padEnd(26),
    fmt(ours.hrMae).padStart(7),
    fmt(ours.spo2Mae).padStart(7),
    fmt(ours.validPct, 1).padStart(6),
    fmt(ours.artefactValidPct, 1).padStart(6),
    '│',
    fmt(base.hrMae).padStart(7),
    fmt(base.spo2Mae).padStart(7),
    fmt(base.validPct, 1).padStart(6),
    fmt(base.artefactValidPct, 1).padStart(6),
  ];
  return cells.join(' ');
}

function record(json: Figures, prefix: string, ours: DatasetFigures, base: DatasetFigures): void {
  put(json, `${prefix}_hr_mae_bpm`, ours.hrMae);
  put(json, `${prefix}_spo2_mae_pct`, ours.spo2Mae);
  put(json, `${prefix}_valid_pct`, ours.validPct, 1);
  put(json, `baseline_${prefix}_hr_mae_bpm`, base.hrMae);
  put(json, `baseline_${prefix}_spo2_mae_pct`, base.spo2Mae);
  put(json, `baseline_${prefix}_valid_pct`, base.validPct, 1);
}

const header = `${'data set'.padEnd(26)} ${'HR MAE'.padStart(7)} ${'SpO2'.padStart(7)} ${'valid'.padStart(6)} ${'art.v'.padStart(6)} │ ${'HR MAE'.padStart(7)} ${'SpO2'.padStart(7)} ${'valid'.padStart(6)} ${'art.v'.padStart(6)}`;

/** Time spent inside each algorithm and the number of windows it covers. */
interface Cost {
  oursNs: number;
  baseNs: number;
  windows: number;
}

function benchSynthetic(json: Figures, cost: Cost): void {
  const pooledOurs: WindowScore[] = [];
  const pooledBase: WindowScore[] = [];
  for (const name of SCENARIOS) {
    const ours: WindowScore[] = [];
    const base: WindowScore[] = [];
    for (const seed of SEEDS) {
      const run = runSyntheticScenario(name, { durationS: DURATION_S[name], seed });
      ours.push(...run.ours);
      base.push(...run.baseline);
      cost.oursNs += run.oursNs;
      cost.baseNs += run.baselineNs;
      cost.windows += run.ours.length;
    }
    pooledOurs.push(...ours);
    pooledBase.push(...base);
    const o = summarise(ours);
    const b = summarise(base);
    console.log(row(`synthetic: ${name}`, o, b));
    record(json, `synthetic_${name.replace(/-/g, '_')}`, o, b);
  }
  const so = summarise(pooledOurs);
  const sb = summarise(pooledBase);
  console.log(row('synthetic: all (pooled)', so, sb));
  record(json, 'synthetic', so, sb);
}

function benchReal(json: Figures, cost: Cost): void {
  const oxiwear = path.join(SHARED_PPG_DIR, 'oxiwear', 'proto1');
  if (!fs.existsSync(oxiwear)) {
    console.log(`\n(real recordings not found at ${oxiwear}; skipped)`);
    json.real_files = 0;
    return;
  }
  const results = analyseRecordings(oxiwear);
  for (const r of results) {
    cost.oursNs += r.oursNs;
    cost.baseNs += r.baselineNs;
    cost.windows += 1;
  }
  const s = scoreRecordings(results);
  const unflagged = (xs: WindowScore[]) => xs.filter((_, i) => !results[i].reference.flagged);
  console.log('');
  console.log(row(`real: oxiwear (${results.length} files)`, summarise(s.ours), summarise(s.baseline)));
  console.log(row('  SpO2 uncal. / recal.', summarise(s.oursUncalibrated), summarise(s.baselineRecalibrated)));
  console.log(row(`  names without "_" (${unflagged(s.ours).length})`, summarise(unflagged(s.ours)), summarise(unflagged(s.baseline))));
  const cal = fullCalibration(results);
  console.log(
    `\nOxiWear SpO2 with leave-one-out calibration (ours) vs the published curve (baseline); second row: ours with the default\n` +
      `synthetic-MAX30102 curve vs the baseline's ratios recalibrated leave-one-out. Curve fitted on all files (deploy, not a score):\n` +
      `SpO2 = ${cal.a.toFixed(2)} ${cal.b < 0 ? '−' : '+'} ${Math.abs(cal.b).toFixed(2)}·R`,
  );
  record(json, 'real', summarise(s.ours), summarise(s.baseline));
  put(json, 'real_spo2_mae_uncalibrated_pct', summarise(s.oursUncalibrated).spo2Mae);
  put(json, 'baseline_real_spo2_mae_recalibrated_pct', summarise(s.baselineRecalibrated).spo2Mae);
  put(json, 'real_unflagged_hr_mae_bpm', summarise(unflagged(s.ours)).hrMae);
  put(json, 'real_unflagged_spo2_mae_pct', summarise(unflagged(s.ours)).spo2Mae);
  put(json, 'baseline_real_unflagged_hr_mae_bpm', summarise(unflagged(s.baseline)).hrMae);
  put(json, 'baseline_real_unflagged_spo2_mae_pct', summarise(unflagged(s.baseline)).spo2Mae);
  json.real_files = results.length;
}

function main(): void {
  const json: Figures = {};
  const cost: Cost = { oursNs: 0, baseNs: 0, windows: 0 };
  console.log('Heart rate (bpm) and SpO2 (%) mean absolute error; valid = windows with a reading (%);');
  console.log('art.v = windows spoilt by finger-off/motion that still gave a reading (%). Left: ours, right: Maxim baseline.\n');
  console.log(`${''.padEnd(26)} ${'── ours (8 s windows, 1 s hop) ──'.padEnd(30)}   ── baseline (4 s, 1 s hop) ──`);
  console.log(header);
  benchSynthetic(json, cost);
  benchReal(json, cost);
  const usOurs = cost.oursNs / cost.windows / 1000;
  const usBase = cost.baseNs / cost.windows / 1000;
  console.log(
    `\nCost per window: ours ${usOurs.toFixed(0)} µs, baseline ${usBase.toFixed(0)} µs (${cost.windows} windows; real time allows 1 000 000 µs per 1 s hop).`,
  );
  put(json, 'us_per_window', usOurs, 0);
  put(json, 'baseline_us_per_window', usBase, 0);
  console.log(JSON.stringify(json));
}

main();
