/** Random identifiers and codes (crypto-strength; codes are bearer secrets). */
import { randomBytes, randomInt } from 'node:crypto';
import { BIND_CODE_LENGTH, CODE_ALPHABET, INVITE_CODE_LENGTH } from '../../core/codes';

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(8).toString('hex')}`;
}

function code(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return out;
}

export const newBindCode = () => code(BIND_CODE_LENGTH);
export const newInviteCode = () => code(INVITE_CODE_LENGTH);

export function newSecret(): string {
  return randomBytes(16).toString('hex');
}
