import { describe, expect, it } from 'vitest';
import { extractEmf } from './emf';

const record = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    _aws: {
      Timestamp: 1_700_000_000_000,
      CloudWatchMetrics: [
        {
          Namespace: 'tenantflow',
          Dimensions: [['service'], ['service', 'tier']],
          Metrics: [
            { Name: 'Latency', Unit: 'Milliseconds' },
            { Name: 'Requests', Unit: 'Count' },
          ],
        },
      ],
    },
    service: 'products',
    tier: 'BASIC',
    tenantId: 'acme',
    Latency: [12, 30],
    Requests: 1,
    ...overrides,
  });

describe('extractEmf', () => {
  it('gives one datapoint per metric per dimension set, arrays as one datapoint of several values', () => {
    expect(extractEmf(record(), 5)).toEqual([
      {
        namespace: 'tenantflow',
        metricName: 'Latency',
        dimensions: { service: 'products' },
        timestamp: 1_700_000_000_000,
        values: [12, 30],
        counts: [1, 1],
        unit: 'Milliseconds',
        storageResolution: undefined,
      },
      expect.objectContaining({
        metricName: 'Requests',
        dimensions: { service: 'products' },
        values: [1],
        unit: 'Count',
      }),
      expect.objectContaining({
        metricName: 'Latency',
        dimensions: { service: 'products', tier: 'BASIC' },
        values: [12, 30],
      }),
      expect.objectContaining({
        metricName: 'Requests',
        dimensions: { service: 'products', tier: 'BASIC' },
        values: [1],
      }),
    ]);
  });

  it('reads a record printed by console.log in Lambda’s text form', () => {
    const points = extractEmf(`2026-01-01T00:00:00.000Z\tabc\tINFO\t${record()}`, 5);
    expect(points.map((p) => p.metricName)).toEqual(['Latency', 'Requests', 'Latency', 'Requests']);
  });

  it('skips metrics without a numeric value and dimension sets with a missing dimension', () => {
    const points = extractEmf(record({ Latency: 'slow', tier: undefined }), 5);
    expect(points).toEqual([expect.objectContaining({ metricName: 'Requests', dimensions: { service: 'products' } })]);
  });

  it('falls back to the event’s timestamp and finds nothing in other lines', () => {
    const withoutTimestamp = JSON.stringify({
      _aws: { CloudWatchMetrics: [{ Namespace: 'n', Dimensions: [[]], Metrics: [{ Name: 'M' }] }] },
      M: 2,
    });
    expect(extractEmf(withoutTimestamp, 42)).toEqual([
      {
        namespace: 'n',
        metricName: 'M',
        dimensions: {},
        timestamp: 42,
        values: [2],
        counts: [1],
        unit: undefined,
        storageResolution: undefined,
      },
    ]);
    expect(extractEmf('{"level":"INFO","message":"no metrics"}', 1)).toEqual([]);
    expect(extractEmf('START RequestId: x Version: $LATEST', 1)).toEqual([]);
    expect(extractEmf('{"_aws": broken', 1)).toEqual([]);
  });
});
