/**
 * Alink device names: 4–32 of letters, digits and `-_@.:`; product keys: 4–32 letters/digits.
 * Kept apart from the login signature (which needs Node's crypto) so the contract and the mini
 * program's types can use them.
 */
export const DEVICE_NAME_RE = /^[A-Za-z0-9_\-@.:]{4,32}$/;
export const PRODUCT_KEY_RE = /^[A-Za-z0-9]{4,32}$/;
