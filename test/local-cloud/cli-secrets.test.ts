/**
 * Key rotation with the CLI (docs/security.md "Rotating the key"): a new key first in the key
 * file, `secrets reseal`, then the old key removed — the device secret still opens.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createSqliteStore } from '../../backend/store/sqlite';
import { parseKeyRing } from '../../backend/secret-box';
import { tempDir } from '../helpers/stack';

const run = promisify(execFile);
const TSX = join(__dirname, '../../node_modules/.bin/tsx');
const CLI = join(__dirname, '../../local-cloud/cli/index.ts');

test('secrets new-key, then reseal, then the old key can go', async () => {
  const dir = tempDir();
  try {
    const env = { ...process.env, SECRETS_KEY: '', SECRETS_KEY_FILE: '', STORE: 'sqlite' };
    const cli = (...args: string[]) => run(TSX, [CLI, ...args, '--data-dir', dir.path, '--url', 'http://127.0.0.1:9'], { timeout: 60_000, env });
    const before = createSqliteStore({ dataDir: dir.path });
    await before.createDevice({ productKey: 'pk0000test1', deviceName: 'bed-1', secret: 'rotated-secret', bindCode: 'ABCDEF1234' }, 0);
    await before.close();
    const keyFile = join(dir.path, 'secrets.key');
    const old = readFileSync(keyFile, 'utf8').trim();
    const { stdout: line } = await cli('secrets', 'new-key', '--name', 'k2');
    expect(parseKeyRing(line.trim())[0].id).toBe('k2');
    writeFileSync(keyFile, `${line.trim()}\n${old}\n`);
    const { stdout } = await cli('secrets', 'reseal');
    expect(stdout).toContain('1 secrets and codes moved to the current key; 1 bind or invite codes still hashed under an older key');
    writeFileSync(keyFile, `${line.trim()}\n`);
    const after = createSqliteStore({ dataDir: dir.path });
    expect((await after.getDevice('pk0000test1/bed-1'))?.secret).toBe('rotated-secret');
    await after.close();
  } finally {
    dir.remove();
  }
}, 90_000);
