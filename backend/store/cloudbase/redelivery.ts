/**
 * Redeliveries the hour documents' own transactions cannot see. A message's key is kept in the
 * hour documents that hold its readings (hour-doc.ts) and checked in the transaction that would
 * store them again, so a redelivery is found by the readings it shares with the first delivery.
 * But a reading without an Alink `time` takes the arrival instant (core/alink `decodeValues`), so
 * a message sent at 10:59:59 and redelivered at 11:00:20 (after a reconnect: MQTT 3.1.1 §4.4)
 * brings that reading to an hour that never saw the message.
 *
 * So for an item not `timed` that has a reading at its arrival instant, the hour documents of its
 * arrival window are asked for its key first (an earlier delivery arrived within
 * `MESSAGE_ID_TTL_MS` before): one query per device and batch for the documents that hold one of
 * the keys asked, returning only those keys (`ids.<key>`), so a message seen nowhere reads no
 * document. If the document of an earlier delivery's own arrival hour holds the key, that
 * delivery's arrival-instant reading was stored with it (one transaction), and this one's is
 * dropped. Only that reading: the item's other readings go through their hours' transactions as
 * always, so a batch retried after some of its hours failed still stores the rest, and the
 * transaction decides about an arrival-instant reading the lookup let through (`mergeIntoHour`:
 * a key left by a delivery that arrived in another hour does not cover it). Items repeated within
 * one batch are skipped whole (the first one stores, or the call fails).
 *
 * Not atomic with the writes: deliveries of one message handled out of order, or at the same time,
 * in different hours (webhook requests racing) can store its arrival-instant reading twice; within
 * one hour the document's transaction still decides. The other cases left are in docs/cloudbase.md.
 */
import { atArrival, MESSAGE_ID_TTL_MS, type ReadingBatchItem } from '../types';
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

export interface Redelivered {
  /** Items repeated earlier in this batch (same device and key, within the TTL): skipped whole. */
  repeated: Set<number>;
  /** Items whose arrival-instant reading an earlier delivery stored in its own arrival hour. */
  restamped: Set<number>;
}

/** `keys[i]` is item i's message key (undefined: the device sent no id, nothing to recognise). */
export async function findRedelivered(items: ReadingBatchItem[], keys: Array<string | undefined>, pages: HourPages, parallel: number): Promise<Redelivered> {
  const repeated = new Set<number>();
  const restamped = new Set<number>();
  const inBatch = new Map<string, number>();
  const lookups = new Map<string, number[]>();
  items.forEach((item, i) => {
    const key = keys[i];
    if (key === undefined) return;
    const batchKey = `${item.deviceId}\n${key}`;
    const earlier = inBatch.get(batchKey);
    if (earlier !== undefined && earlier >= item.receivedAt - MESSAGE_ID_TTL_MS) {
      repeated.add(i);
      return;
    }
    inBatch.set(batchKey, item.receivedAt);
    // A `timed` item has no reading at an arrival instant; nor have many others (a reading refused
    // for its time makes an item not `timed`): their readings keep their hours.
    if (item.readings.some((r) => atArrival(item, r))) lookups.set(item.deviceId, [...(lookups.get(item.deviceId) ?? []), i]);
  });
  await eachLimited([...lookups], parallel, async ([deviceId, indexes]) => {
    const arrivals = indexes.map((i) => items[i]!.receivedAt);
    const h0 = hourOf(Math.min(...arrivals) - MESSAGE_ID_TTL_MS);
    const h1 = hourOf(Math.max(...arrivals)) + HOUR;
    // Per key, the arrival times of earlier deliveries whose own arrival hour holds it.
    const arrived = new Map<string, number[]>();
    for await (const page of pages(deviceId, h0, h1, [...new Set(indexes.map((i) => keys[i]!))])) {
      for (const doc of page) {
        for (const [key, at] of Object.entries((doc.ids ?? {}) as Record<string, number>)) {
          if (hourOf(at) === doc.hour) arrived.set(key, [...(arrived.get(key) ?? []), at]);
        }
      }
    }
    // The same rule as the transaction's (mergeIntoHour): a key stored within the TTL before.
    for (const i of indexes) {
      if ((arrived.get(keys[i]!) ?? []).some((at) => at >= items[i]!.receivedAt - MESSAGE_ID_TTL_MS)) restamped.add(i);
    }
  });
  return { repeated, restamped };
}
