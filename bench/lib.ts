/** Small helpers shared by the benchmarks. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

export const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

export function tempDir(prefix: string) {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Reads an integer option from the environment (benchmarks are sized by env vars). */
export function envInt(name: string, fallback: number): number {
  const v = process.env[name];
  const n = v === undefined ? fallback : Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive whole number`);
  return n;
}

/** `--name N` from the command line, a positive number; `fallback` when absent. */
export function numberFlag(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(argv[i + 1]);
  if (!(v > 0)) throw new Error(`${name} must be a positive number`);
  return v;
}

/** How the stack's group commit was set for a run (`BENCH_GROUP_COMMIT`, bench/ingest-server), for the JSON line. */
export const groupCommitLabel = () => process.env.BENCH_GROUP_COMMIT || 'adaptive';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
