/**
 * Redeliveries the hour documents' own transactions cannot see. A message's key is kept in the
 * hour documents that hold its readings (hour-doc.ts) and checked in the transaction that would
 * store them again. That finds every redelivery whose readings fall in the hours the first delivery
 * wrote — but a reading without an Alink `time` takes the arrival time, so a message sent at
 * 10:59:59 and redelivered at 11:00:20 (after a reconnect: MQTT 3.1.1 §4.4) brings its readings to
 * an hour that never saw it. Such items (not `timed`) are looked up here first, in the hour
 * documents of the arrival window (the first delivery arrived within `MESSAGE_ID_TTL_MS` before, and
 * its receive-time readings lie in its arrival hour): one query per device and batch for the
 * documents that hold one of the keys asked, returning only those keys (`ids.<key>`), so a message
 * seen nowhere reads no document and one seen reads a few bytes however many ids its hour holds.
 * Items repeated within one batch are recognised here too.
 *
 * Not atomic with the writes: a redelivery processed while its first delivery is still being
 * stored, in another hour, can be stored twice (two webhook requests at once); within one hour the
 * document's transaction still decides.
 */
import { MESSAGE_ID_TTL_MS, type ReadingBatchItem } from '../types';
import type { Doc } from './db';
import { HOUR, hourOf } from './hour-doc';

/** A device's hour documents with `hour` in [h0, h1) that hold one of `keys` in `ids`, with those keys only, page by page. */
export type HourPages = (deviceId: string, h0: number, h1: number, keys: string[]) => AsyncIterable<Doc[]>;

/** Runs `f` over `xs` with at most `n` at a time; rejects with the first failure after all settle. */
export async function eachLimited<T>(xs: T[], n: number, f: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (next < xs.length) {
      const x = xs[next++] as T;
      try {
        await f(x);
      } catch (e) {
        failure ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, xs.length) }, worker));
  if (failure !== undefined) throw failure;
}

/**
 * Indexes of the items already stored by an earlier delivery outside the hours of their own
 * readings, or by an earlier item of this batch. `keys[i]` is item i's message key (undefined: the
 * device sent no id, nothing to recognise).
 */
export async function redeliveredElsewhere(
  items: ReadingBatchItem[],
  keys: Array<string | undefined>,
  pages: HourPages,
  parallel: number,
): Promise<Set<number>> {
  const found = new Set<number>();
  const inBatch = new Map<string, number>();
  const lookups = new Map<string, number[]>();
  items.forEach((item, i) => {
    const key = keys[i];
    if (key === undefined) return;
    const batchKey = `${item.deviceId}\n${key}`;
    const earlier = inBatch.get(batchKey);
    if (earlier !== undefined && earlier >= item.receivedAt - MESSAGE_ID_TTL_MS) {
      found.add(i);
      return;
    }
    inBatch.set(batchKey, item.receivedAt);
    // A `timed` item's redelivery brings its first reading to the same instant, so to the hour
    // document that holds its key: the transaction finds it there.
    if (!item.timed) lookups.set(item.deviceId, [...(lookups.get(item.deviceId) ?? []), i]);
  });
  await eachLimited([...lookups], parallel, async ([deviceId, indexes]) => {
    const arrivals = indexes.map((i) => items[i]!.receivedAt);
    const h0 = hourOf(Math.min(...arrivals) - MESSAGE_ID_TTL_MS);
    const h1 = hourOf(Math.max(...arrivals)) + HOUR;
    const seen = new Map<string, number[]>();
    for await (const page of pages(deviceId, h0, h1, [...new Set(indexes.map((i) => keys[i]!))])) {
      for (const doc of page) {
        for (const [key, at] of Object.entries((doc.ids ?? {}) as Record<string, number>)) seen.set(key, [...(seen.get(key) ?? []), at]);
      }
    }
    // The same rule as the transaction's (mergeIntoHour): a key stored within the TTL before.
    for (const i of indexes) {
      const at = seen.get(keys[i]!) ?? [];
      if (at.some((t) => t >= items[i]!.receivedAt - MESSAGE_ID_TTL_MS)) found.add(i);
    }
  });
  return found;
}
