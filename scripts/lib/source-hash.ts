import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * A hash of the named files and directories (recursively, in a stable order, paths included),
 * so that a build can be skipped when nothing that goes into it has changed.
 */
export function sourceHash(root: string, entries: readonly string[]): string {
  const hash = createHash('sha256');
  const visit = (file: string) => {
    if (fs.statSync(file).isDirectory()) {
      for (const entry of fs.readdirSync(file).sort()) visit(path.join(file, entry));
    } else {
      hash.update(path.relative(root, file));
      hash.update(fs.readFileSync(file));
    }
  };
  for (const entry of entries) {
    const full = path.join(root, entry);
    if (fs.existsSync(full)) visit(full);
  }
  return hash.digest('hex');
}
