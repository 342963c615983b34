import { createHash } from 'node:crypto';

/**
 * A stable id of `length` lowercase letters/digits from a scope and a name (a stack and a
 * logical id, a role ARN): the same inputs give the same id on every start, so resources
 * deployed again after a restart keep their ids and URLs.
 */
export function stableId(scope: string, name: string, length = 10): string {
  const digest = createHash('sha256').update(`${scope}/${name}`).digest();
  let id = '';
  for (const byte of digest) {
    id += '0123456789abcdefghijklmnopqrstuvwxyz'[byte % 36];
    if (id.length === length) break;
  }
  return id;
}
