/**
 * The datapoints of the local CloudWatch metrics, by metric (namespace, name, dimension set).
 *
 * Persistence: one append-only JSON Lines file per UTC day of ingestion
 * (`<dataDir>/<YYYY-MM-DD>.jsonl`, one datapoint a line), so a write appends whatever the
 * history. Bounds: the newest {@link MAX_POINTS} datapoints stay in memory and answer queries
 * (the oldest are dropped from memory first, in batches); datapoints older than
 * {@link RETENTION_DAYS} days (CloudWatch keeps 1-minute data that long) are dropped, and day
 * files older than that are deleted. Start-up reads the newest day files until the bound is
 * reached, not the whole history.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JsonLinesWriter, readJsonLines } from '../logs/json-lines';
import type { StoredPoint } from './statistics';

export const MAX_POINTS = 200_000;
export const RETENTION_DAYS = 15;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A metric: what ListMetrics lists. */
export interface MetricId {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

interface Series extends MetricId {
  readonly points: StoredPoint[];
}

interface Line {
  ns: string;
  n: string;
  d: Record<string, string>;
  p: StoredPoint;
}

/** The identity of a metric: namespace, name, and its dimensions in name order. */
export function metricKey(metric: MetricId): string {
  const dimensions = Object.entries(metric.dimensions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([metric.namespace, metric.metricName, dimensions]);
}

/** Every metric's datapoints, bounded in memory, persisted by day. */
export class MetricStore {
  private readonly series = new Map<string, Series>();
  /** Series of each point in memory, oldest first, for eviction. */
  private readonly order: Series[] = [];
  private writer?: JsonLinesWriter;
  private writerDay?: string;

  constructor(private readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
    const cutoff = Date.now() - RETENTION_DAYS * DAY_MS;
    const days = fs
      .readdirSync(dir)
      .filter((file) => /^\d{4}-\d{2}-\d{2}\.jsonl$/.test(file))
      .sort();
    const kept: Line[][] = [];
    let total = 0;
    for (const file of [...days].reverse()) {
      if (Date.parse(file.slice(0, 10)) + DAY_MS < cutoff) {
        fs.rmSync(path.join(dir, file), { force: true });
        continue;
      }
      if (total >= MAX_POINTS) continue;
      const lines = readJsonLines<Line>(path.join(dir, file));
      kept.unshift(lines);
      total += lines.length;
    }
    for (const lines of kept)
      for (const line of lines) if (line.p.t >= cutoff) this.insert(line.ns, line.n, line.d, line.p);
    this.evict();
  }

  /** Adds datapoints (and appends them to today's file). */
  add(points: readonly (MetricId & { point: StoredPoint })[]): void {
    if (points.length === 0) return;
    this.writerOfToday().append(
      points.map(({ namespace, metricName, dimensions, point }) => ({
        ns: namespace,
        n: metricName,
        d: dimensions,
        p: point,
      })),
    );
    for (const { namespace, metricName, dimensions, point } of points)
      this.insert(namespace, metricName, dimensions, point);
    this.evict();
  }

  /** Every metric, in a stable order (namespace, name, dimensions). */
  metrics(): MetricId[] {
    return [...this.series.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, { namespace, metricName, dimensions }]) => ({ namespace, metricName, dimensions }));
  }

  /** The datapoints of one metric (exactly that dimension set), oldest ingested first. */
  pointsOf(metric: MetricId): readonly StoredPoint[] {
    return this.series.get(metricKey(metric))?.points ?? [];
  }

  /** The newest datapoint timestamp of a metric (0 if none). */
  lastTimestampOf(metric: MetricId): number {
    return this.pointsOf(metric).reduce((max, point) => Math.max(max, point.t), 0);
  }

  close(): void {
    this.writer?.close();
  }

  private insert(namespace: string, metricName: string, dimensions: Record<string, string>, point: StoredPoint): void {
    const key = metricKey({ namespace, metricName, dimensions });
    let series = this.series.get(key);
    if (!series) {
      series = { namespace, metricName, dimensions, points: [] };
      this.series.set(key, series);
    }
    series.points.push(point);
    this.order.push(series);
  }

  /** Drops the oldest tenth of the points once the bound is passed (one splice per series). */
  private evict(): void {
    if (this.order.length <= MAX_POINTS) return;
    const dropped = this.order.splice(0, this.order.length - Math.floor(MAX_POINTS * 0.9));
    const perSeries = new Map<Series, number>();
    for (const series of dropped) perSeries.set(series, (perSeries.get(series) ?? 0) + 1);
    for (const [series, count] of perSeries) {
      series.points.splice(0, count);
      if (series.points.length === 0) this.series.delete(metricKey(series));
    }
  }

  private writerOfToday(): JsonLinesWriter {
    const day = new Date().toISOString().slice(0, 10);
    if (this.writer && this.writerDay === day) return this.writer;
    this.writer?.close();
    this.writerDay = day;
    this.writer = new JsonLinesWriter(path.join(this.dir, `${day}.jsonl`));
    return this.writer;
  }
}
