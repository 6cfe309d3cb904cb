/**
 * `npm run bench:ingest -- --steady --interleave`: the bare aedes broker and the stack run side by
 * side, each with its own fleet of `--devices` connected devices, and the fleets take turns
 * publishing in slices of `--duration` s (default 10) — bare, stack, stack, bare, … — for
 * `--rounds` pairs (default 5) per scenario. Each slice measures only the server being loaded (its
 * process CPU per acknowledged message, PUBACK p50/p99) while the other one idles.
 *
 * Why: on a shared 2-core VM the speed of the machine drifts over minutes. Measured in rounds of
 * their own (one server after the other, each with its set-up and connect phase), the bare
 * broker's figure moved by a third between rounds and single ratios ranged 1.6–2.9× for the same
 * code. Slices a few seconds apart see nearly the same machine, so each pair's ratio compares like
 * with like; the figure reported is the median of the pairs. Nothing else changes: same fleets, same
 * messages, same stack; sent = acknowledged = stored is checked when the stack has stopped.
 */
import { groupCommitLabel, median, percentile, round } from './lib';
import { type Fleet, measureSlice, openFleet, type SteadyOptions } from './ingest-steady';

type Slice = Awaited<ReturnType<typeof measureSlice>>;
type Pair = { bare: Slice; stack: Slice };

/** Settling time after a fleet starts publishing, before its slice is measured, s. */
const SETTLE_S = 1;

async function scenario(bare: Fleet, stack: Fleet, o: SteadyOptions, intervalS: number): Promise<Pair[]> {
  // One unmeasured slice each first: the servers' code is compiled and their caches warm.
  for (const f of [bare, stack]) await measureSlice(f, intervalS, SETTLE_S, Math.min(o.durationS, 3));
  const pairs: Pair[] = [];
  for (let k = 1; k <= o.rounds; k++) {
    // Alternating which goes first cancels a drift within the pair as well.
    const order = k % 2 === 1 ? [bare, stack] : [stack, bare];
    const got: Partial<Pair> = {};
    for (const f of order) got[f.mode] = await measureSlice(f, intervalS, SETTLE_S, o.durationS);
    const pair = got as Pair;
    pairs.push(pair);
    console.log(
      `1/${intervalS} s pair ${k}: bare ${round(pair.bare.cpuUsPerMsg)} µs/msg, p99 ${round(pair.bare.p99, 1)} ms (${pair.bare.measured} msgs); ` +
        `stack ${round(pair.stack.cpuUsPerMsg)} µs/msg, p50 ${round(pair.stack.p50, 1)} ms, p99 ${round(pair.stack.p99, 1)} ms (${pair.stack.measured} msgs); ` +
        `CPU ${round(pair.stack.cpuUsPerMsg / pair.bare.cpuUsPerMsg, 2)}×, p99 ${round(pair.stack.p99 / pair.bare.p99, 2)}×`,
    );
  }
  return pairs;
}

export async function benchInterleaved(o: SteadyOptions): Promise<void> {
  console.log(
    `bench:ingest --steady --interleave — ${o.devices} devices per server, QoS 1, ${o.rounds} pairs of ${o.durationS}-s slices per scenario; ` +
      'bare aedes and the stack side by side, taking turns; server CPU from its own process',
  );
  const bare = await openFleet('bare', o.devices);
  const stack = await openFleet('stack', o.devices);
  const fast = await scenario(bare, stack, o, o.intervalS);
  const slow = await scenario(bare, stack, o, o.slowIntervalS);
  const sent = stack.counts().sent;
  await bare.close();
  const stopped = await stack.close();
  const lost = sent - (stopped.stored ?? 0);
  const ratios = (pairs: Pair[], f: (s: Slice) => number) => pairs.map((p) => f(p.stack) / f(p.bare));
  const cpuRatios = ratios(fast, (s) => s.cpuUsPerMsg);
  const p99Ratios = ratios(slow, (s) => s.p99);
  const med = (pairs: Pair[], mode: keyof Pair, f: (s: Slice) => number) => round(median(pairs.map((p) => f(p[mode]))), 1);
  // Pooled over all slices of a server: total CPU / total messages, and the p99 of every latency
  // (a 10-s slice at 1/10 s holds 1000 messages, so its own p99 rests on its 10 slowest).
  const pooled = (pairs: Pair[], mode: keyof Pair) => {
    const all = pairs.flatMap((p) => p[mode].latencies).sort((a, b) => a - b);
    const msgs = pairs.reduce((a, p) => a + p[mode].measured, 0);
    return { cpuUsPerMsg: pairs.reduce((a, p) => a + p[mode].cpuUs, 0) / Math.max(1, msgs), p99: percentile(all, 99) };
  };
  const fastPooled = { bare: pooled(fast, 'bare'), stack: pooled(fast, 'stack') };
  const slowPooled = { bare: pooled(slow, 'bare'), stack: pooled(slow, 'stack') };
  const list = (xs: number[]) => xs.map((x) => `${round(x, 2)}×`).join(', ');
  console.log(
    `1/${o.intervalS} s: stack CPU per message ${round(median(cpuRatios), 2)}× the bare broker's (pairs: ${list(cpuRatios)}); ` +
      `1/${o.slowIntervalS} s: PUBACK p99 ${round(median(p99Ratios), 2)}× (pairs: ${list(p99Ratios)}); ` +
      `stack sent ${sent}, stored ${stopped.stored}, ${round(stopped.perBatch ?? 0)} msgs/batch overall`,
  );
  console.log(
    `pooled over all slices: CPU ${round(fastPooled.stack.cpuUsPerMsg)} / ${round(fastPooled.bare.cpuUsPerMsg)} µs/msg = ` +
      `${round(fastPooled.stack.cpuUsPerMsg / fastPooled.bare.cpuUsPerMsg, 2)}×; 1/${o.slowIntervalS} s PUBACK p99 ` +
      `${round(slowPooled.stack.p99, 1)} / ${round(slowPooled.bare.p99, 1)} ms = ${round(slowPooled.stack.p99 / slowPooled.bare.p99, 2)}×`,
  );
  console.log(
    JSON.stringify({
      method: 'interleaved',
      devices: o.devices,
      slice_s: o.durationS,
      pairs: o.rounds,
      fast_interval_s: o.intervalS,
      slow_interval_s: o.slowIntervalS,
      bare_cpu_us_per_msg: med(fast, 'bare', (s) => s.cpuUsPerMsg),
      stack_cpu_us_per_msg: med(fast, 'stack', (s) => s.cpuUsPerMsg),
      cpu_ratio: round(median(cpuRatios), 2),
      cpu_ratio_per_pair: cpuRatios.map((r) => round(r, 2)),
      bare_fast_puback_p99_ms: med(fast, 'bare', (s) => s.p99),
      stack_fast_puback_p99_ms: med(fast, 'stack', (s) => s.p99),
      bare_slow_puback_p99_ms: med(slow, 'bare', (s) => s.p99),
      stack_slow_puback_p99_ms: med(slow, 'stack', (s) => s.p99),
      slow_p99_ratio: round(median(p99Ratios), 2),
      slow_p99_ratio_per_pair: p99Ratios.map((r) => round(r, 2)),
      stack_slow_cpu_us_per_msg: med(slow, 'stack', (s) => s.cpuUsPerMsg),
      bare_slow_cpu_us_per_msg: med(slow, 'bare', (s) => s.cpuUsPerMsg),
      pooled_cpu_ratio: round(fastPooled.stack.cpuUsPerMsg / fastPooled.bare.cpuUsPerMsg, 2),
      pooled_bare_slow_puback_p99_ms: round(slowPooled.bare.p99, 1),
      pooled_stack_slow_puback_p99_ms: round(slowPooled.stack.p99, 1),
      pooled_slow_p99_ratio: round(slowPooled.stack.p99 / slowPooled.bare.p99, 2),
      group_commit: groupCommitLabel(),
      readings_lost: lost,
    }),
  );
  process.exit(lost === 0 ? 0 : 1);
}
