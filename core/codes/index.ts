/**
 * Codes people type: device bind codes (printed on the label) and family invite codes. Crockford
 * base32 (no I, L, O, U), so a code read aloud or from a small label survives: input is upper-cased,
 * stripped of spaces and dashes, and the look-alikes O→0, I/L→1 are mapped.
 */
export const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function normalizeCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

/** A device bind code: 10 characters (50 bits), shown as `XXXXX-XXXXX`. */
export const BIND_CODE_LENGTH = 10;
/** A family invite code: 8 characters (40 bits), one-time and short-lived. */
export const INVITE_CODE_LENGTH = 8;

export function isCode(normalized: string, length: number): boolean {
  if (normalized.length !== length) return false;
  for (const ch of normalized) if (!CODE_ALPHABET.includes(ch)) return false;
  return true;
}

export function formatCode(normalized: string): string {
  return normalized.length === BIND_CODE_LENGTH ? `${normalized.slice(0, 5)}-${normalized.slice(5)}` : normalized;
}
