import { randomInt } from 'node:crypto';

const SETS = ['abcdefghijkmnopqrstuvwxyz', 'ABCDEFGHJKLMNPQRSTUVWXYZ', '23456789', '!#%+-=?@'];

/**
 * A temporary password meeting the user pools' policy (lower, upper, digit, symbol; 16
 * characters, more than the 12 required), from a CSPRNG, without look-alike characters.
 */
export function temporaryPassword(length = 16): string {
  const all = SETS.join('');
  const chars = SETS.map((set) => set[randomInt(set.length)] as string);
  while (chars.length < length) chars.push(all[randomInt(all.length)] as string);
  // Fisher–Yates, so the guaranteed characters are not always first.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return chars.join('');
}
