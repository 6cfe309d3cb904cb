/** Fixed key rings for tests (a key derived from its id, so two rings with one id agree). */
import { createHash } from 'node:crypto';
import { createSecretKeys, type SecretKeys } from '../../backend/secret-box';

export const keyBytes = (id: string): Buffer => createHash('sha256').update(`test key ${id}`).digest();

/** A ring of the given key ids, the first current. */
export const testKeys = (...ids: string[]): SecretKeys => createSecretKeys((ids.length ? ids : ['test1']).map((id) => ({ id, key: keyBytes(id) })));

/** The same ring as `SECRETS_KEY` text. */
export const testKeySpec = (...ids: string[]): string => (ids.length ? ids : ['test1']).map((id) => `${id}:${keyBytes(id).toString('base64')}`).join(',');
