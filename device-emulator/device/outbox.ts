/**
 * The terminal's outgoing readings: kept until the broker acknowledges them (PUBACK), bounded
 * like the RAM of a real terminal. When full, the oldest reading is dropped and counted — the
 * newest data matters most to a family looking at the current state.
 */
export interface OutboxEntry {
  /** Alink message id, kept for replay so the server recognises a redelivery. */
  id: string;
  /** The property-post payload exactly as first sent (same bytes on every retry). */
  payload: string;
  /** Measurement time, ms. */
  at: number;
}

export interface OutboxSnapshot {
  entries: OutboxEntry[];
  dropped: number;
}

export function createOutbox(capacity: number, initial?: OutboxSnapshot) {
  if (!Number.isInteger(capacity) || capacity < 1) throw new Error('outbox capacity must be a whole number ≥ 1');
  const entries: OutboxEntry[] = initial ? initial.entries.slice(-capacity) : [];
  let dropped = (initial?.dropped ?? 0) + (initial ? Math.max(0, initial.entries.length - capacity) : 0);
  const inFlight = new Set<string>();
  return {
    add(entry: OutboxEntry): void {
      entries.push(entry);
      while (entries.length > capacity) {
        const old = entries.shift();
        if (old) inFlight.delete(old.id);
        dropped++;
      }
    },
    /** Entries not yet handed to the MQTT client, oldest first, at most `n`. */
    nextToSend(n: number): OutboxEntry[] {
      const out: OutboxEntry[] = [];
      for (const e of entries) {
        if (out.length >= n) break;
        if (!inFlight.has(e.id)) out.push(e);
      }
      return out;
    },
    markInFlight(id: string): void {
      inFlight.add(id);
    },
    /** The publish failed before an acknowledgement: send it again later. */
    markFailed(id: string): void {
      inFlight.delete(id);
    },
    acknowledge(id: string): void {
      inFlight.delete(id);
      const i = entries.findIndex((e) => e.id === id);
      if (i >= 0) entries.splice(i, 1);
    },
    inFlightCount: () => inFlight.size,
    size: () => entries.length,
    dropped: () => dropped,
    snapshot: (): OutboxSnapshot => ({ entries: entries.slice(), dropped }),
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
