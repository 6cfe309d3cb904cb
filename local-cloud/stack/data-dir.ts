/**
 * The data folder holds secrets (device secrets, bind and invite codes in the database; the admin
 * and service tokens; the session secret; uploaded files): only its owner may read it. At start-up
 * the folder and everything in it are made owner-only — folders 0700, files 0600 — which also
 * repairs folders created by older versions (0755 / 0644). The database file is created 0600 before
 * SQLite opens it, and SQLite gives its `-wal` and `-shm` files the database file's mode.
 */
import { chmodSync, closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

/**
 * Creates the folder owner-only (or repairs it) and makes every file in it owner-only. Returns the
 * number of modes changed. A mode that cannot be changed (a file system without Unix modes, a file
 * owned by someone else) is reported to `warn` and does not stop the start.
 */
export function secureDataDir(dataDir: string, warn?: (message: string) => void, databaseFile = 'monitor.db'): number {
  mkdirSync(dataDir, { recursive: true, mode: DIR_MODE });
  const db = join(dataDir, databaseFile);
  if (!existsSync(db)) closeSync(openSync(db, 'a', FILE_MODE)); // an empty file is an empty SQLite database
  let changed = 0;
  const fix = (path: string, depth: number) => {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return; // never follow links out of the folder
    const want = st.isDirectory() ? DIR_MODE : FILE_MODE;
    if ((st.mode & 0o777) !== want) {
      try {
        chmodSync(path, want);
        changed++;
      } catch (e) {
        warn?.(`could not make ${path} owner-only (${want.toString(8)}): ${(e as Error).message}`);
      }
    }
    if (st.isDirectory() && depth < 8) for (const name of readdirSync(path)) fix(join(path, name), depth + 1);
  };
  fix(dataDir, 0);
  return changed;
}
