/**
 * What a terminal remembers across restarts (its flash memory): measurement settings, the message
 * id counter, and readings not yet acknowledged.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { OutboxSnapshot } from './outbox';
import type { MeasureSettings } from '../../core/alink';

export interface DeviceState {
  settings: MeasureSettings;
  /** Last message id used. */
  seq: number;
  outbox: OutboxSnapshot;
}

export interface DeviceStateStore {
  load(): DeviceState | undefined;
  save(state: DeviceState): void;
}

export function createMemoryStateStore(initial?: DeviceState): DeviceStateStore & { current(): DeviceState | undefined } {
  let state = initial && structuredClone(initial);
  return {
    load: () => state && structuredClone(state),
    save: (s) => void (state = structuredClone(s)),
    current: () => state,
  };
}

/** One JSON file per device, replaced atomically (write, then rename) so a crash never leaves half a file. */
export function createFileStateStore(dir: string, deviceId: string): DeviceStateStore {
  const file = join(dir, `${deviceId.replace(/[^A-Za-z0-9_.@:-]/g, '_')}.json`);
  return {
    load() {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
      try {
        const s = JSON.parse(text) as DeviceState;
        if (typeof s.seq !== 'number' || !s.settings || !s.outbox || !Array.isArray(s.outbox.entries)) throw new Error('bad shape');
        return s;
      } catch (e) {
        throw new Error(`device state ${file} is unreadable (${(e as Error).message}); move it away to start fresh`);
      }
    },
    save(state) {
      mkdirSync(dirname(file), { recursive: true });
      const tmp = `${file}.tmp`;
      writeFileSync(tmp, JSON.stringify(state));
      renameSync(tmp, file);
    },
  };
}
