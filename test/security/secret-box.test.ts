/** The key ring itself (backend/secret-box): what the store contract relies on. */
import { createSecretKeys, newKeySpec, parseKeyRing } from '../../backend/secret-box';
import { secretKeysFromEnv } from '../../backend/secret-box/key-file';
import { testKeys, testKeySpec } from '../helpers/secret-keys';
import { tempDir } from '../helpers/stack';

test('a sealed secret opens only with its key and for its record; the stored form names the key', () => {
  const k = testKeys('a');
  const sealed = k.seal('s3cret', 'pk/dev-1');
  expect(sealed).toMatch(/^s1\.a\./);
  expect(sealed).not.toContain('s3cret');
  expect(k.seal('s3cret', 'pk/dev-1')).not.toBe(sealed); // a fresh IV each time
  expect(k.open(sealed, 'pk/dev-1')).toBe('s3cret');
  expect(k.keyIdOf(sealed)).toBe('a');
  // Copied onto another device's row, it does not open.
  expect(() => k.open(sealed, 'pk/dev-2')).toThrow(/does not open/);
  // One changed character inside the ciphertext (not the last, whose low bits may be padding): refused, not garbage.
  const at = sealed.length - 10;
  const changed = sealed.slice(0, at) + (sealed[at] === 'A' ? 'B' : 'A') + sealed.slice(at + 1);
  expect(() => k.open(changed, 'pk/dev-1')).toThrow(/does not open/);
  expect(() => k.open('s3cret', 'pk/dev-1')).toThrow(/not in the sealed form/);
});

test('code hashes: stable, per key, current first; plain values have no key id', () => {
  const ring = testKeys('b', 'a');
  expect(ring.hash('ABCD2345')).toBe(testKeys('b').hash('ABCD2345'));
  expect(ring.hashes('ABCD2345')).toEqual([testKeys('b').hash('ABCD2345'), testKeys('a').hash('ABCD2345')]);
  expect(ring.hash('ABCD2345')).not.toBe(ring.hash('ABCD2346'));
  expect(ring.hash('ABCD2345')).toMatch(/^h1\.b\.[0-9a-f]{64}$/);
  expect(ring.keyIdOf('ABCD2345')).toBeUndefined();
  expect(ring.keyIdOf(ring.hash('x'))).toBe('b');
});

test('key ring text: id:base64 pairs, current first; mistakes are named', () => {
  expect(parseKeyRing(testKeySpec('k2', 'k1')).map((k) => k.id)).toEqual(['k2', 'k1']);
  expect(parseKeyRing(`# rotated 2026-11\n${testKeySpec('k2')}\n${testKeySpec('k1')}\n`).map((k) => k.id)).toEqual(['k2', 'k1']);
  expect(parseKeyRing(newKeySpec('fresh'))[0].key).toHaveLength(32);
  expect(() => parseKeyRing('')).toThrow(/SECRETS_KEY is empty/);
  expect(() => parseKeyRing('nokey')).toThrow(/is not id:base64key/);
  expect(() => parseKeyRing('k1:c2hvcnQ=')).toThrow(/key "k1" must be 32 bytes/);
  expect(() => parseKeyRing('k1:***')).toThrow(/key "k1" is not base64/);
  expect(() => createSecretKeys([...parseKeyRing(testKeySpec('k1')), ...parseKeyRing(testKeySpec('k1'))])).toThrow(/given twice/);
  expect(() => createSecretKeys([{ id: 'bad id', key: Buffer.alloc(32) }])).toThrow(/key id/);
});

test('from the environment: SECRETS_KEY wins, else the key file; without either and a folder, a clear error', () => {
  const d = tempDir();
  try {
    expect(secretKeysFromEnv({ SECRETS_KEY: testKeySpec('env1') }, d.path).currentId).toBe('env1');
    expect(secretKeysFromEnv({}, d.path).currentId).toBe('local1');
    expect(secretKeysFromEnv({}, d.path).hash('x')).toBe(secretKeysFromEnv({}, d.path).hash('x')); // the same file, read again
    expect(() => secretKeysFromEnv({})).toThrow(/SECRETS_KEY is not set/);
  } finally {
    d.remove();
  }
});
