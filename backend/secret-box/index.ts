/**
 * Secrets at rest (docs/security.md "Secrets at rest"): device secrets are kept encrypted with
 * AES-256-GCM and invite and bind codes as HMAC-SHA256 keyed hashes, with keys kept outside the
 * database. A key ring holds one or more keys by id; the first is the current one (new values
 * are sealed and hashed with it), the others are only read with, so keys can rotate.
 *
 * Stored forms (both name the key, so a reader knows which key to use):
 *   sealed secret  `s1.{keyId}.{iv base64url}.{ciphertext + 16-byte GCM tag, base64url}`
 *   code hash      `h1.{keyId}.{HMAC-SHA256 hex}`
 * Each key is split (HKDF-SHA256, RFC 5869) into an encryption key and a hashing key, so one
 * configured key never serves two algorithms. The sealed secret is bound to its record (GCM
 * additional data, e.g. the device id), so a secret copied onto another device's row fails to
 * open instead of letting that device log in with it.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { AppError, ErrorCode } from '../../core';

export interface SecretKeys {
  /** Id of the current key (the one sealing and hashing new values). */
  readonly currentId: string;
  /** Encrypts a secret with the current key, bound to `context` (e.g. the device id). */
  seal(plain: string, context: string): string;
  /** Decrypts a sealed secret; an `UNAVAILABLE` AppError naming the cause when it cannot. */
  open(sealed: string, context: string): string;
  /** The code's hash under the current key (what is stored). */
  hash(code: string): string;
  /** The code's hash under every key of the ring, current first (what a lookup must match). */
  hashes(code: string): string[];
  /** Id of the key a stored sealed value or hash names; undefined for a plain (legacy) value. */
  keyIdOf(stored: string): string | undefined;
}

export interface KeyMaterial {
  /** 1–16 letters, digits, `_` or `-`. */
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

const ID_RE = /^[A-Za-z0-9_-]{1,16}$/;
const SEALED_RE = /^s1\.([A-Za-z0-9_-]{1,16})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22,})$/;
const HASH_RE = /^h1\.([A-Za-z0-9_-]{1,16})\.[0-9a-f]{64}$/;

const unavailable = (message: string) => new AppError(ErrorCode.Unavailable, message);

const derive = (key: Buffer, purpose: string): Buffer => Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `rpm/${purpose}`, 32));

export function createSecretKeys(ring: KeyMaterial[]): SecretKeys {
  if (!ring.length) throw unavailable('the secrets key ring is empty');
  const byId = new Map<string, { enc: Buffer; mac: Buffer }>();
  for (const k of ring) {
    if (!ID_RE.test(k.id)) throw unavailable(`a secrets key id must be 1–16 letters, digits, "_" or "-", got "${k.id}"`);
    if (k.key.length !== 32) throw unavailable(`secrets key "${k.id}" must be 32 bytes, got ${k.key.length}`);
    if (byId.has(k.id)) throw unavailable(`secrets key id "${k.id}" is given twice`);
    byId.set(k.id, { enc: derive(k.key, 'device-secret/aes-256-gcm'), mac: derive(k.key, 'code-hash/hmac-sha256') });
  }
  const currentId = ring[0]?.id;
  const current = currentId === undefined ? undefined : byId.get(currentId);
  if (currentId === undefined || !current) throw unavailable('the secrets key ring is empty: SECRETS_KEY or the key file must hold at least one key');
  const hashWith = (id: string, mac: Buffer, code: string) => `h1.${id}.${createHmac('sha256', mac).update(code, 'utf8').digest('hex')}`;
  return {
    currentId,
    seal(plain, context) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', current.enc, iv);
      c.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final(), c.getAuthTag()]);
      return `s1.${currentId}.${iv.toString('base64url')}.${body.toString('base64url')}`;
    },
    open(sealed, context) {
      const m = SEALED_RE.exec(sealed) as [string, string, string, string] | null; // three groups, all required
      if (!m) throw unavailable('a stored device secret is not in the sealed form (s1.…): run the store migration');
      const k = byId.get(m[1]);
      if (!k) throw unavailable(`a device secret is sealed with key "${m[1]}", which the configured key ring (SECRETS_KEY) does not hold`);
      const body = Buffer.from(m[3], 'base64url');
      try {
        const d = createDecipheriv('aes-256-gcm', k.enc, Buffer.from(m[2], 'base64url'));
        d.setAAD(Buffer.from(context, 'utf8'));
        d.setAuthTag(body.subarray(body.length - 16));
        return Buffer.concat([d.update(body.subarray(0, body.length - 16)), d.final()]).toString('utf8');
      } catch {
        throw unavailable(
          `a device secret sealed with key "${m[1]}" does not open: the configured key "${m[1]}" is not the one it was sealed with (wrong SECRETS_KEY?)`,
        );
      }
    },
    hash: (code) => hashWith(currentId, current.mac, code),
    hashes: (code) => [...byId].map(([id, k]) => hashWith(id, k.mac, code)),
    keyIdOf(stored) {
      return SEALED_RE.exec(stored)?.[1] ?? HASH_RE.exec(stored)?.[1];
    },
  };
}

/**
 * Parses a key ring: `id:base64key[,id:base64key…]` (in a key file also one per line, `#`
 * comments), current key first; each key 32 bytes in standard or URL-safe base64
 * (`openssl rand -base64 32`).
 */
export function parseKeyRing(spec: string, source = 'SECRETS_KEY'): KeyMaterial[] {
  const parts = spec
    .split(/[,\n]/)
    .map((p) => p.trim())
    .filter((p) => p && !p.startsWith('#'));
  if (!parts.length) throw unavailable(`${source} is empty: give id:base64key (a 32-byte key, e.g. from "openssl rand -base64 32")`);
  return parts.map((p) => {
    const i = p.indexOf(':');
    if (i <= 0) throw unavailable(`${source}: "${p.slice(0, 20)}…" is not id:base64key`);
    const id = p.slice(0, i);
    const b64 = p.slice(i + 1);
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(b64)) throw unavailable(`${source}: key "${id}" is not base64`);
    const key = Buffer.from(b64, 'base64');
    if (key.length !== 32) throw unavailable(`${source}: key "${id}" must be 32 bytes (44 base64 characters), got ${key.length}`);
    return { id, key };
  });
}

/** A new key ring entry as `parseKeyRing` reads it. */
export function newKeySpec(id: string): string {
  if (!ID_RE.test(id)) throw unavailable(`a secrets key id must be 1–16 letters, digits, "_" or "-", got "${id}"`);
  return `${id}:${randomBytes(32).toString('base64')}`;
}
