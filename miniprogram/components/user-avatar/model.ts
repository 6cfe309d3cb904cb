/** What the avatar shows when there is no picture. */

/** The first character of the name (a whole character, also outside the BMP), or 我. */
export function initialOf(name: string): string {
  const first = Array.from(name.trim())[0];
  return first ? first.toUpperCase() : '我';
}
