/**
 * Append-only JSON Lines files, the persistence of the local CloudWatch Logs and metrics: a
 * write appends (one `write` of the whole batch, never a rewrite), so the cost of a write does
 * not grow with the file, and a crash loses at most the line being written.
 */
import * as fs from 'node:fs';

/** An open file that records are appended to, one JSON document a line. */
export class JsonLinesWriter {
  private fd: number | undefined;

  constructor(readonly file: string) {}

  /** Appends the records (opens the file on first use). */
  append(records: readonly unknown[]): void {
    if (records.length === 0) return;
    let text = '';
    if (this.fd === undefined) {
      this.fd = fs.openSync(this.file, 'a+');
      // A line torn by a crash would swallow the first record appended after it.
      const size = fs.fstatSync(this.fd).size;
      const last = Buffer.alloc(1);
      if (size > 0 && fs.readSync(this.fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a) text = '\n';
    }
    for (const record of records) text += `${JSON.stringify(record)}\n`;
    fs.writeSync(this.fd, text);
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

/**
 * The records of a JSON Lines file, in order; `[]` if it does not exist. A line that does not
 * parse (the last one, cut by a crash mid-write) is skipped.
 */
export function readJsonLines<T>(file: string): T[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const records: T[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      records.push(JSON.parse(line) as T);
    } catch {
      // A torn last line: everything before it is intact.
    }
  }
  return records;
}

/** Replaces a file's content atomically (temp file + rename): for compaction, not for each write. */
export function rewriteJsonLines(file: string, records: readonly unknown[]): void {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, records.map((record) => `${JSON.stringify(record)}\n`).join(''));
  fs.renameSync(temporary, file);
}
