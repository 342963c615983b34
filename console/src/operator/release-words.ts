/** Releases in words, for the releases pages and the dashboard. */
import type { ReleaseCounts } from './types';

/** "2 updated, 1 failed, 3 waiting": the non-zero counts, most telling first. */
export function countsText(counts: ReleaseCounts): string {
  const parts: [number, string][] = [
    [counts.failed, 'failed'],
    [counts.updated, 'updated'],
    [counts.unchanged, 'unchanged'],
    [counts.pending, 'waiting or deploying'],
    [counts.notDeployed, 'not deployed'],
    [counts.skipped, 'skipped'],
  ];
  const text = parts
    .filter(([n]) => n > 0)
    .map(([n, word]) => `${n} ${word}`)
    .join(', ');
  return text || 'no silo tenants';
}

/** Tenants whose deployment has ended (any outcome), for a progress bar. */
export function doneShare(counts: ReleaseCounts): number {
  const done = counts.tenants - counts.pending;
  return counts.tenants === 0 ? 100 : Math.round((done * 100) / counts.tenants);
}

/** A version fit for a heading: locally it is a 64-character source hash, so long ones are cut. */
export function shortVersion(version: string): string {
  return version.length > 20 ? `${version.slice(0, 12)}…` : version;
}
