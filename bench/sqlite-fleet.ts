/**
 * A SQLite store on a temporary file with `devices` devices provisioned, for the benchmarks that
 * call the store directly (`bench:checkpoints`, `bench:append`), and a shuffled device order (as
 * messages arrive from a fleet publishing with random phases).
 */
import { randomBytes } from 'node:crypto';
import { createSecretKeys } from '../backend/secret-box';
import { createSqliteStore, type SqliteStoreOptions } from '../backend/store/sqlite';
import { tempDir } from './lib';

export async function openFleetStore(prefix: string, devices: number, opts: Pick<SqliteStoreOptions, 'backgroundCheckpoints'> = {}) {
  const dir = tempDir(prefix);
  const store = createSqliteStore({ dataDir: dir.path, keys: createSecretKeys([{ id: 'bench', key: randomBytes(32) }]), synchronous: 'full', ...opts });
  const ids: string[] = [];
  for (let i = 0; i < devices; i++) {
    ids.push((await store.createDevice({ productKey: 'benchProduct', deviceName: `d${i}`, secret: 's'.repeat(32), bindCode: `B${i}` }, 0)).id);
  }
  return {
    store,
    ids,
    async close() {
      await store.close();
      dir.remove();
    },
  };
}

/** 0 … n−1 in random order (Fisher–Yates). */
export function shuffled(n: number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
