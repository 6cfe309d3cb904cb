/**
 * Retained messages for aedes, found by walking a tree of topic levels instead of testing every
 * retained topic against each new subscription.
 *
 * Why: aedes-persistence 11's in-memory store answers "which retained messages match this
 * filter?" by testing every retained topic against it (asyncPersistence.js
 * `retainedMessagesByPattern`). The broker keeps one retained presence message per device, and
 * every terminal subscribes to three filters when it connects, so a connect storm of N terminals
 * cost N × 3 × N topic tests: at 1500 terminals that scan was a quarter of the broker thread. Here
 * a filter costs what it matches (its literal levels lead straight to their node).
 *
 * Matching follows MQTT 3.1.1 §4.7: `+` matches exactly one level, `#` (last) matches the parent
 * level and everything below it, and a filter starting with a wildcard does not match topics
 * starting with `$` (§4.7.2).
 */
import aedesMemoryPersistence from 'aedes-persistence';
import { Readable } from 'node:stream';

/** The part of a retained PUBLISH kept here; aedes re-wraps it when it delivers it. */
export interface RetainedPacket {
  topic: string;
  payload: Buffer;
  qos: number;
  cmd: string;
  retain?: boolean;
}

interface TopicNode {
  children: Map<string, TopicNode>;
  packet?: RetainedPacket;
}

const newNode = (): TopicNode => ({ children: new Map() });

export function createRetainedIndex() {
  const root = newNode();
  let size = 0;

  /** Every retained packet at or below `node`. */
  function* below(node: TopicNode): Generator<RetainedPacket> {
    if (node.packet) yield node.packet;
    for (const child of node.children.values()) yield* below(child);
  }

  function* walk(node: TopicNode, levels: readonly string[], i: number): Generator<RetainedPacket> {
    if (i === levels.length) {
      if (node.packet) yield node.packet;
      return;
    }
    const level = levels[i];
    const atRoot = i === 0;
    if (level === '#') {
      // §4.7.1.2: "sport/#" also matches "sport" itself.
      if (node.packet && !atRoot) yield node.packet;
      for (const [name, child] of node.children) if (!(atRoot && name.startsWith('$'))) yield* below(child);
      return;
    }
    if (level === '+') {
      for (const [name, child] of node.children) if (!(atRoot && name.startsWith('$'))) yield* walk(child, levels, i + 1);
      return;
    }
    const child = level === undefined ? undefined : node.children.get(level);
    if (child) yield* walk(child, levels, i + 1);
  }

  return {
    /** Keeps a retained message, replacing the topic's previous one; an empty payload removes it (§3.3.1.3). */
    store(packet: RetainedPacket): void {
      const levels = packet.topic.split('/');
      if (packet.payload.length === 0) return remove(levels);
      let node = root;
      for (const level of levels) {
        let child = node.children.get(level);
        if (!child) {
          child = newNode();
          node.children.set(level, child);
        }
        node = child;
      }
      if (!node.packet) size++;
      node.packet = { ...packet };
    },
    /** The retained messages matching any of `filters`, each once. */
    *match(filters: readonly string[]): Generator<RetainedPacket> {
      const seen = new Set<string>();
      for (const filter of filters) {
        for (const packet of walk(root, filter.split('/'), 0)) {
          if (seen.has(packet.topic)) continue;
          seen.add(packet.topic);
          yield packet;
        }
      }
    },
    size: () => size,
  };

  /** Drops a topic's message and the branches left empty. */
  function remove(levels: readonly string[]): void {
    const path: TopicNode[] = [root];
    for (const level of levels) {
      const child = path[path.length - 1]?.children.get(level);
      if (!child) return;
      path.push(child);
    }
    const node = path[path.length - 1];
    if (!node?.packet) return;
    node.packet = undefined;
    size--;
    for (let i = levels.length; i > 0; i--) {
      const n = path[i];
      const parent = path[i - 1];
      const level = levels[i - 1];
      if (!n || !parent || level === undefined || n.packet || n.children.size > 0) break;
      parent.children.delete(level);
    }
  }
}

/**
 * aedes' default in-memory persistence with retained messages kept in `createRetainedIndex`:
 * sessions, subscriptions, in-flight messages and wills stay aedes-persistence's own.
 */
export function createBrokerPersistence() {
  const persistence = aedesMemoryPersistence();
  const retained = createRetainedIndex();
  return Object.assign(persistence, {
    storeRetained(packet: RetainedPacket, cb?: (e: Error | null) => void): Promise<void> | undefined {
      retained.store(packet);
      if (!cb) return Promise.resolve();
      cb(null);
      return undefined;
    },
    createRetainedStream: (filter: string) => Readable.from(retained.match([filter])),
    createRetainedStreamCombi: (filters: string[]) => Readable.from(retained.match(filters)),
  });
}
