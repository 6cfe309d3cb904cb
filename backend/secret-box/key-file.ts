/**
 * Where the key ring comes from (docs/security.md "Secrets at rest"):
 * - `SECRETS_KEY` (environment): `id:base64key[,id:base64key…]`, current key first. Required for
 *   the CloudBase store (a function instance has no disk that lasts); wins everywhere it is set.
 * - otherwise, for the embedded SQLite store, a key file: `SECRETS_KEY_FILE`, default
 *   `{DATA_DIR}/secrets.key`, holding the same `id:base64key` text. It is created on first use
 *   (mode 0600, one new key `local1`) and read afterwards. In the data folder it protects the
 *   database file on its own (copied, attached to a report); a backup of the whole folder holds
 *   the key too, so keep the key file elsewhere (`SECRETS_KEY_FILE`) when backups leave the host.
 */
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AppError, ErrorCode } from '../../core';
import { createSecretKeys, newKeySpec, parseKeyRing, type SecretKeys } from './index';

export const KEY_FILE_NAME = 'secrets.key';

/** Reads the key file, creating it (0600, exclusive, so two processes starting together agree) if missing. */
export function loadOrCreateKeyFile(path: string): SecretKeys {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 }); // a new data folder: owner-only, as the stack makes it
  try {
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, `${newKeySpec('local1')}\n`);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  // Another process may have just created it (exclusively) and not yet written it: wait briefly.
  for (let i = 0; ; i++) {
    const text = readFileSync(path, 'utf8').trim();
    if (text || i >= 50) {
      if (!text) throw new AppError(ErrorCode.Unavailable, `the secrets key file ${path} is empty`);
      return createSecretKeys(parseKeyRing(text, path));
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
  }
}

/**
 * The key ring the environment selects: `SECRETS_KEY` if set; else, given a data folder, the key
 * file (`SECRETS_KEY_FILE` or `{dataDir}/secrets.key`); else an `UNAVAILABLE` error.
 */
export function secretKeysFromEnv(env: NodeJS.ProcessEnv, dataDir?: string): SecretKeys {
  const spec = env.SECRETS_KEY?.trim();
  if (spec) return createSecretKeys(parseKeyRing(spec));
  const file = env.SECRETS_KEY_FILE?.trim() || (dataDir === undefined ? undefined : join(dataDir, KEY_FILE_NAME));
  if (!file) {
    throw new AppError(
      ErrorCode.Unavailable,
      'SECRETS_KEY is not set: give id:base64key (e.g. k1:$(openssl rand -base64 32)); device secrets and codes are stored under it',
    );
  }
  return loadOrCreateKeyFile(file);
}
