import { createSqliteStore } from '../../backend/store/sqlite';
import { migrate } from '../../backend/store/sqlite/database';
import { MIGRATIONS } from '../../backend/store/sqlite/migrations';
import { tempDir } from '../helpers/stack';
import { runStoreContract } from './contract';

let dir: ReturnType<typeof tempDir> | undefined;
runStoreContract('SQLite', {
  async open() {
    dir = tempDir();
    return createSqliteStore({ dataDir: dir.path });
  },
  async dispose() {
    dir?.remove();
  },
});

describe('SQLite adapter', () => {
  test('applies each migration once and records it', () => {
    const d = tempDir();
    const store = createSqliteStore({ dataDir: d.path });
    const versions = store.db.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
    expect(versions).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
    expect(migrate(store.db)).toEqual([]);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    void store.close();
    d.remove();
  });

  test('close is safe to call twice', async () => {
    const d = tempDir();
    const store = createSqliteStore({ dataDir: d.path });
    await store.close();
    await expect(store.close()).resolves.toBeUndefined();
    d.remove();
  });
});
