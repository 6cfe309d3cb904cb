/**
 * `npm run bench:algorithm`: heart rate and SpO2 of the on-device algorithm ("ours", through its
 * tracker), the previous algorithm (frozen copy) and Maxim's reference, side by side, on
 *  1. every synthetic scenario (8 s windows, 1 s hop, 3 seeds);
 *  2. synthetic conditions no real recording has: other sample rates, 4 s windows (3–4 beats),
 *     weak perfusion, a red channel without pulse;
 *  3. OxiWear proto1 (MAXM86161 kit, finger): whole recordings and 4 s sliding windows, SpO2
 *     calibrated leave-one-out;
 *  4. OxiWear proto2 (prototype, EAR, 25 Hz), held out of every design choice: whole recordings
 *     and 8 s sliding windows, with the finger curve transferred as is and with a one-point
 *     offset re-fit (cross-validated), plus the recording made with the sensor unattached.
 * Columns: HR± / SpO2± = mean absolute error (bpm / %), HR% / SpO2% = windows with a value,
 * const± = MAE of the data set's median SpO2 on the same windows, r = correlation with the reference.
 * The last line printed is one JSON object of all figures, units in the keys.
 */
import { SCENARIOS } from '../device-emulator/signal/scenarios';
import { put, reasonSummary, report, TABLE_HEADER, type Figures, type WindowScore } from './algorithm/metrics';
import { PROTO2_DIR } from './algorithm/proto2';
import {
  applier,
  asPublished,
  fitOn,
  leaveOneOut,
  onePointRefit,
  proto1Streams,
  proto2Streams,
  runStreams,
  scoreWith,
  type RunResult,
  type Stream,
} from './algorithm/real';
import { ALGORITHMS, measureCost, type AlgorithmName } from './algorithm/runners';
import { runSyntheticScenario, type SyntheticRunOptions } from './algorithm/synthetic';

type PerAlgorithm<T> = Record<AlgorithmName, T>;
const each = <T>(f: (a: AlgorithmName) => T): PerAlgorithm<T> => Object.fromEntries(ALGORITHMS.map((a) => [a, f(a)])) as PerAlgorithm<T>;

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
const cost = each(() => ({ ns: 0, windows: 0 }));

function synthetic(json: Figures): void {
  console.log("\n1. Synthetic scenarios (8 s windows, 1 s hop; Maxim on the last 4 s; SpO2 with each one's own curve)");
  const pooled = each(() => [] as WindowScore[]);
  for (const name of SCENARIOS) {
    const scores = each(() => [] as WindowScore[]);
    for (const seed of SEEDS) {
      const run = runSyntheticScenario(name, { durationS: DURATION_S[name], seed });
      for (const a of ALGORITHMS) {
        scores[a].push(...run[a].scores);
        pooled[a].push(...run[a].scores);
        cost[a].ns += run[a].ns;
        cost[a].windows += run[a].windows;
      }
    }
    report(json, `synthetic ${name}`, `synthetic_${name.replace(/-/g, '_')}`, scores);
  }
  report(json, 'synthetic, pooled', 'synthetic', pooled);
}

const STRESS: Array<[string, string, Omit<SyntheticRunOptions, 'seed' | 'durationS'>]> = [
  ['12.5 Hz', 'rate_12_5hz', { sampleRateHz: 12.5 }],
  ['50 Hz', 'rate_50hz', { sampleRateHz: 50 }],
  ['100 Hz', 'rate_100hz', { sampleRateHz: 100 }],
  ['4 s windows (3–5 beats)', 'window_4s', { windowS: 4 }],
  ['perfusion ×0.3', 'perfusion_x0_3', { perfusionScale: 0.3 }],
  ['perfusion ×0.1', 'perfusion_x0_1', { perfusionScale: 0.1 }],
  ['red pulse ×0.2', 'red_pulse_x0_2', { redPulseScale: 0.2 }],
  ['red channel without pulse', 'red_no_pulse', { redPulseScale: 0 }],
];

function generalisation(json: Figures): void {
  console.log('\n2. Synthetic conditions not in any real recording (normal seed 4 + hypoxia seed 5, 300 s each)');
  for (const [label, key, opts] of STRESS) {
    const scores = each(() => [] as WindowScore[]);
    for (const [scenario, seed] of [
      ['normal', 4],
      ['hypoxia', 5],
    ] as const) {
      const run = runSyntheticScenario(scenario, { ...opts, seed, durationS: 300 });
      for (const a of ALGORITHMS) scores[a].push(...run[a].scores);
    }
    report(json, label, `stress_${key}`, scores);
    if (key.startsWith('red')) console.log(`${''.padEnd(50)} ours without SpO2: ${reasonSummary(scores.ours)}`);
  }
}

function runAll(streams: readonly Stream[], windowS: number): PerAlgorithm<RunResult> {
  return each((a) => runStreams(streams, a, windowS));
}

function realFinger(json: Figures): void {
  const streams = proto1Streams();
  if (streams.length === 0) {
    console.log('\n(OxiWear proto1 not found in shared/data/ppg; real-data sections skipped)');
    return;
  }
  console.log(`\n3. OxiWear proto1, MAXM86161 kit on a finger, ${streams.length} files of 2.5–6.7 s (64 → 25 Hz); SpO2 leave-one-out calibrated`);
  const runs = runAll(streams, 4);
  for (const [mode, label] of [
    ['whole', 'whole recordings'],
    ['windows', '4 s windows, 1 s hop'],
  ] as const) {
    report(
      json,
      `finger: ${label}`,
      `finger_${mode}`,
      each((a) => leaveOneOut(a, streams, runs[a], mode)),
    );
  }
  const unflagged = streams.map((s) => !s.flagged);
  const loo = each((a) => leaveOneOut(a, streams, runs[a], 'whole').filter((_, i) => unflagged[i]));
  report(json, 'finger: whole, names without "_"', 'finger_whole_unflagged', loo);
  report(json, "finger: whole, Maxim's published curve", 'finger_whole_published', { maxim: asPublished(streams, runs.maxim, 'whole') });
  const deploy = fitOn('ours', streams, runs.ours, () => true, 'deploy');
  if (deploy) {
    const c = deploy.curve;
    console.log(
      `   deploy curve (ours, all files, not a score; ${deploy.fittedOn}): ` +
        `SpO2 = ${c.a.toFixed(2)} − ${(-c.b).toFixed(2)}·R on R ∈ [${deploy.ratioRange.map((r) => r.toFixed(3)).join(', ')}]`,
    );
    put(json, 'ours_finger_deploy_curve_a_pct', c.a);
    put(json, 'ours_finger_deploy_curve_b_pct_per_ratio', c.b);
  }
  heldOutEar(json, streams, runs);
}

function heldOutEar(json: Figures, finger: readonly Stream[], fingerRuns: PerAlgorithm<RunResult>): void {
  const { attached, unattached } = proto2Streams();
  if (attached.length === 0) {
    console.log(`\n(OxiWear proto2 not found at ${PROTO2_DIR}; the held-out ear section is skipped)`);
    return;
  }
  console.log(`\n4. HELD OUT: OxiWear proto2, prototype on the EAR, ${attached.length} files of 5–34 s at 25 Hz (references 95–97 %)`);
  const runs = runAll(attached, 8);
  // The finger curve each algorithm would ship (fitted on all of proto1) — ours also has its domain.
  const fingerCal = each((a) => fitOn(a, finger, fingerRuns[a], () => true, `${a}-finger`));
  for (const [mode, label] of [
    ['whole', 'whole recordings'],
    ['windows', '8 s windows, 1 s hop'],
  ] as const) {
    report(
      json,
      `ear, finger curve: ${label}`,
      `ear_transfer_${mode}`,
      each((a) => scoreWith(attached, runs[a], mode, () => fingerCal[a] && applier(a, fingerCal[a]))),
    );
    console.log(
      `${''.padEnd(50)} ours without SpO2: ${reasonSummary(scoreWith(attached, runs.ours, mode, () => fingerCal.ours && applier('ours', fingerCal.ours)))}`,
    );
    report(
      json,
      `ear, one-point re-fit: ${label}`,
      `ear_refit_${mode}`,
      each((a) => (fingerCal[a] ? onePointRefit(a, attached, runs[a], mode, fingerCal[a]) : [])),
    );
  }
  const off = runAll(unattached, 3);
  for (const a of ALGORITHMS) {
    const w = off[a].readings.flatMap((r) => [r.whole, ...r.windows]);
    const hr = w.filter((r) => r.heartRate !== undefined).length;
    put(json, `${a}_unattached_hr_given_pct`, (100 * hr) / w.length, 1);
  }
  const reasons = off.ours.readings.flatMap((r) => [r.whole, ...r.windows].map((x) => x.reason ?? 'reading'));
  console.log(
    `   sensor unattached (3 s windows + whole): ours says ${[...new Set(reasons)].join(', ')}; heart rate given by ours/previous/maxim: ` +
      ALGORITHMS.map((a) => `${json[`${a}_unattached_hr_given_pct`]} %`).join(' / '),
  );
}

function main(): void {
  const json: Figures = {};
  console.log(TABLE_HEADER);
  synthetic(json);
  generalisation(json);
  realFinger(json);
  const us = each((a) => cost[a].ns / Math.max(1, cost[a].windows) / 1000);
  const timed = each((a) => measureCost(a));
  console.log(
    `\nCost per window (8 s at 25 Hz; Maxim: 4 s), median / best of 15 rounds over 60 windows: ` +
      ALGORITHMS.map((a) => `${a} ${timed[a].medianUs.toFixed(0)} / ${timed[a].bestUs.toFixed(0)} µs`).join(', ') +
      `; over all of section 1: ${ALGORITHMS.map((a) => `${us[a].toFixed(0)}`).join(' / ')} µs. The hop is 1 000 000 µs.`,
  );
  for (const a of ALGORITHMS) {
    put(json, `${a}_us_per_window`, timed[a].medianUs, 0);
    put(json, `${a}_us_per_window_best`, timed[a].bestUs, 0);
  }
  console.log(JSON.stringify(json));
}

main();
