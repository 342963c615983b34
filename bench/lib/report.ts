/** results.json (everything measured) and results.md (the table) from one bench run. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Row {
  readonly item: string;
  readonly metric: string;
  readonly value: string;
  /** Distribution or spread details (p95/p99, range over rounds). */
  readonly detail?: string;
  readonly target?: string;
  /** true met, false missed, undefined no target / not measurable. */
  readonly met?: boolean;
  /** `ratio (to baseline)`. */
  readonly ratio?: string;
}

export function markdown(
  title: string,
  rows: readonly Row[],
  header: readonly string[],
  notes: readonly string[],
): string {
  const status = (row: Row) => (row.met === undefined ? (row.target ? '—' : '') : row.met ? 'met' : '**missed**');
  const esc = (s: string | undefined) => (s ?? '').replace(/\|/g, '\\|');
  const lines = [
    `# ${title}`,
    '',
    ...header,
    '',
    '| # | metric | value | distribution / spread | target | | ratio to in-run baseline |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.item} | ${esc(r.metric)} | ${esc(r.value)} | ${esc(r.detail)} | ${esc(r.target)} | ${status(r)} | ${esc(r.ratio)} |`,
    ),
    '',
    ...notes,
    '',
  ];
  return lines.join('\n');
}

export function writeResults(outDir: string, json: unknown, md: string): { json: string; md: string } {
  fs.mkdirSync(outDir, { recursive: true });
  const jsonFile = path.join(outDir, 'results.json');
  const mdFile = path.join(outDir, 'results.md');
  fs.writeFileSync(jsonFile, `${JSON.stringify(json, null, 2)}\n`);
  fs.writeFileSync(mdFile, md);
  return { json: jsonFile, md: mdFile };
}
