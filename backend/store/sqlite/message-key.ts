/**
 * A message's key on the reading rows it writes (`readings.msg_key`), so a redelivered message
 * whose readings carry the device's own times is recognised from those rows instead of from a
 * `message_ids` row of its own (docs/performance.md, "Fifth round").
 *
 * 52 bits of two FNV-1a hashes (32-bit, different offsets) of `msgId`, a NUL and the payload
 * fingerprint: a safe integer, stored in at most 7 bytes. The key is only ever compared with the
 * key of a row at the same device and instant written within the last 24 h, so a collision would
 * need two different messages for that one instant with equal keys (about 2^-52).
 */
const FNV_PRIME = 0x01000193;

function fnv1a(text: string, seed: number): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

export function rowMessageKey(msgId: string, fingerprint: string): number {
  const text = `${msgId}\u0000${fingerprint}`;
  const high = fnv1a(text, 0x811c9dc5) & 0xfffff;
  return high * 2 ** 32 + fnv1a(text, 0x050c5d1f);
}
