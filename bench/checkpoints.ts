/**
 * `npm run bench:checkpoints [-- --devices 10000 --batch 32 --every 32 --seconds 40]`: how long an
 * ingest commit takes when SQLite checkpoints inside the commit that fills the WAL (its default)
 * and when a thread of its own does (`backgroundCheckpoints`, what the stack's function worker
 * uses), in the same run, on a temporary file with `synchronous=FULL`.
 *
 * Each case provisions `--devices` devices, then appends batches of `--batch` readings from devices
 * in random order (as they arrive from a fleet) every `--every` ms, as the message flow sends them
 * at 1000 messages/s, for `--seconds` s. Prints per case the commit time p50/p90/p99/max, CPU per
 * message (the process: writer and checkpoint thread together) and, for the background case, what
 * the thread did meanwhile; the last line is JSON.
 */
import type { ReadingBatchItem } from '../backend/store/types';
import { numberFlag, percentile, round, sleep } from './lib';
import { openFleetStore, shuffled } from './sqlite-fleet';

interface Options {
  devices: number;
  batch: number;
  everyMs: number;
  seconds: number;
}

async function run(mode: 'inline' | 'background', o: Options) {
  const fleet = await openFleetStore('bench-checkpoints-', o.devices, { backgroundCheckpoints: mode === 'background' });
  const { store, ids } = fleet;
  try {
    const order = shuffled(o.devices);
    const t0 = Date.UTC(2026, 10, 1);
    const batches = Math.round((o.seconds * 1000) / o.everyMs);
    const commitMs: number[] = [];
    const before = await store.checkpoints?.stats();
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    let k = 0;
    for (let b = 0; b < batches; b++) {
      const due = start + b * o.everyMs;
      if (due > performance.now()) await sleep(due - performance.now());
      const items: ReadingBatchItem[] = [];
      for (let j = 0; j < o.batch; j++, k++) {
        const ts = t0 + Math.floor(k / o.devices) * 10_000;
        items.push({
          deviceId: ids[order[k % o.devices]!]!,
          msgId: String(k),
          fingerprint: `f${k}`,
          receivedAt: ts,
          readings: [{ ts, temperature: 36.5 + (k % 7) / 10, heartRate: 60 + (k % 40), spo2: 97 }],
        });
      }
      const t = performance.now();
      await store.appendReadings(items);
      commitMs.push(performance.now() - t);
    }
    const cpu = process.cpuUsage(cpu0);
    const after = await store.checkpoints?.stats();
    // What the thread did while the batches were written (not while the devices were created).
    const thread =
      before && after
        ? {
            runs: after.runs - before.runs,
            framesCopied: after.framesCopied - before.framesCopied,
            restarts: after.restarts - before.restarts,
            errors: after.errors - before.errors,
          }
        : undefined;
    commitMs.sort((a, b) => a - b);
    const messages = batches * o.batch;
    return {
      mode,
      p50: round(percentile(commitMs, 50), 2),
      p90: round(percentile(commitMs, 90), 2),
      p99: round(percentile(commitMs, 99), 2),
      max: round(commitMs.at(-1) ?? 0, 2),
      cpuUsPerMsg: round((cpu.user + cpu.system) / messages),
      messages,
      thread,
    };
  } finally {
    await fleet.close();
  }
}

async function main() {
  const argv = process.argv.slice(2);
  const o: Options = {
    devices: numberFlag(argv, '--devices', 10_000),
    batch: numberFlag(argv, '--batch', 32),
    everyMs: numberFlag(argv, '--every', 32),
    seconds: numberFlag(argv, '--seconds', 40),
  };
  console.log(
    `bench:checkpoints — ${o.devices} devices, a batch of ${o.batch} readings every ${o.everyMs} ms for ${o.seconds} s, synchronous=FULL; checkpoints inline (SQLite's default) and in a thread of their own, same run`,
  );
  const results = [];
  for (const mode of ['inline', 'background'] as const) {
    const r = await run(mode, o);
    results.push(r);
    const t = r.thread;
    console.log(
      `${mode.padEnd(10)} commit p50 ${r.p50} ms, p90 ${r.p90} ms, p99 ${r.p99} ms, max ${r.max} ms; CPU ${r.cpuUsPerMsg} µs/msg (writer and thread)` +
        (t ? `; thread: ${t.runs} checkpoints, ${t.framesCopied} frames copied, ${t.restarts} WAL restarts, ${t.errors} errors` : ''),
    );
  }
  const [inline, background] = results as [(typeof results)[0], (typeof results)[0]];
  console.log(
    JSON.stringify({
      devices: o.devices,
      batch: o.batch,
      every_ms: o.everyMs,
      seconds: o.seconds,
      inline_commit_p50_ms: inline.p50,
      inline_commit_p90_ms: inline.p90,
      inline_commit_p99_ms: inline.p99,
      inline_cpu_us_per_msg: inline.cpuUsPerMsg,
      background_commit_p50_ms: background.p50,
      background_commit_p90_ms: background.p90,
      background_commit_p99_ms: background.p99,
      background_cpu_us_per_msg: background.cpuUsPerMsg,
      background_checkpoints: background.thread?.runs ?? 0,
      background_frames_copied: background.thread?.framesCopied ?? 0,
      background_wal_restarts: background.thread?.restarts ?? 0,
    }),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
