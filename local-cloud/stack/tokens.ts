/**
 * Local secrets of the function host, generated on first start and kept in the data folder
 * (mode 0600), so the CLI on the same machine can use them. Environment variables override.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** `session-secret` signs the local sign-in's session tokens. */
export type TokenName = 'admin-token' | 'service-token' | 'session-secret';

export function loadOrCreateToken(dataDir: string, name: TokenName, override?: string): string {
  const existing = override || readToken(dataDir, name);
  if (existing) return existing;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const token = randomBytes(24).toString('base64url');
  writeFileSync(join(dataDir, name), `${token}\n`, { mode: 0o600 });
  return token;
}

export function readToken(dataDir: string, name: TokenName): string | undefined {
  const file = join(dataDir, name);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}
