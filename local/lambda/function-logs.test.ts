import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FunctionLogSink, LambdaRuntime, type LocalFunction } from './runtime';

const HANDLER = `
const { Console } = require('node:console');
// What Powertools Logger does: its own Console on process.stdout, JSON lines.
const logger = new Console({ stdout: process.stdout, stderr: process.stderr });
console.log('init line');
exports.handler = async (event, context) => {
  if (event.sleep) await new Promise((resolve) => setTimeout(resolve, event.sleep));
  console.log('hello %s', event.name);
  console.warn('careful');
  console.error('bad', { code: 7 });
  logger.info(JSON.stringify({ level: 'INFO', message: 'request', tenantId: event.name, requestId: context.awsRequestId }));
  process.stdout.write('raw one\\nraw ');
  process.stdout.write('two\\n');
  if (event.fail) throw new TypeError('boom');
  return { group: context.logGroupName, stream: context.logStreamName, env: process.env.AWS_LAMBDA_LOG_STREAM_NAME };
};
`;

describe('function logs', () => {
  let dir: string;
  let runtime: LambdaRuntime;
  const shipped: Array<{ group: string; stream: string; timestamp: number; message: string }> = [];
  const sink: FunctionLogSink = {
    putFunctionLogs: (group, stream, events) => shipped.push(...events.map((event) => ({ group, stream, ...event }))),
  };
  const fn = (overrides: Partial<LocalFunction> = {}): LocalFunction => ({
    functionName: 'products',
    arn: 'arn:aws:lambda:us-east-1:000000000000:function:products',
    codeDir: dir,
    handler: 'index.handler',
    environment: {},
    layerDirs: [],
    timeoutSeconds: 5,
    memorySize: 256,
    ...overrides,
  });
  const messages = () => shipped.map((event) => event.message);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantflow-fnlogs-'));
    fs.writeFileSync(path.join(dir, 'index.js'), HANDLER);
    shipped.length = 0;
    runtime = new LambdaRuntime({ logs: sink });
  });
  afterEach(async () => {
    await runtime.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('ships START, the function’s lines and END/REPORT to /aws/lambda/<name>, one stream per environment', async () => {
    runtime.register(fn());
    const result = (await runtime.invoke('products', { name: 'acme' })) as {
      group: string;
      stream: string;
      env: string;
    };

    expect(result.group).toBe('/aws/lambda/products');
    expect(result.stream).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(result.env).toBe(result.stream);
    expect(new Set(shipped.map((event) => `${event.group} ${event.stream}`))).toEqual(
      new Set([`/aws/lambda/products ${result.stream}`]),
    );
    const lines = messages();
    const requestId = /^START RequestId: (\S+) Version: \$LATEST$/.exec(lines[1] ?? '')?.[1] ?? '';
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z\tundefined\tINFO\tinit line$/);
    expect(lines.slice(2, 9)).toEqual([
      expect.stringMatching(new RegExp(`^\\S+Z\\t${requestId}\\tINFO\\thello acme$`)),
      expect.stringMatching(new RegExp(`^\\S+Z\\t${requestId}\\tWARN\\tcareful$`)),
      expect.stringMatching(new RegExp(`^\\S+Z\\t${requestId}\\tERROR\\tbad { code: 7 }$`)),
      JSON.stringify({ level: 'INFO', message: 'request', tenantId: 'acme', requestId }),
      'raw one',
      'raw two',
      `END RequestId: ${requestId}`,
    ]);
    expect(lines[9]).toMatch(
      new RegExp(
        `^REPORT RequestId: ${requestId}\\tDuration: \\d+\\.\\d\\d ms\\tBilled Duration: \\d+ ms\\tMemory Size: 256 MB\\tMax Memory Used: \\d+ MB\\tInit Duration: \\d+\\.\\d\\d ms$`,
      ),
    );
    expect(lines).toHaveLength(10);
  });

  it('bills the duration rounded up, plus the init on the first invocation only', async () => {
    runtime.register(fn());
    await runtime.invoke('products', { name: 'a', sleep: 30 });
    await runtime.invoke('products', { name: 'b' });

    const reports = messages()
      .filter((line) => line.startsWith('REPORT'))
      .map((line) =>
        Object.fromEntries(
          line
            .split('\t')
            .slice(1)
            .map((field) => field.split(': ') as [string, string]),
        ),
      );
    const ms = (value: string | undefined) => Number.parseFloat(value ?? 'NaN');
    expect(reports).toHaveLength(2);
    expect(ms(reports[0]?.Duration)).toBeGreaterThanOrEqual(29);
    expect(ms(reports[0]?.['Billed Duration'])).toBe(
      Math.ceil(ms(reports[0]?.Duration) + ms(reports[0]?.['Init Duration'])),
    );
    expect(reports[1]?.['Init Duration']).toBeUndefined();
    expect(ms(reports[1]?.['Billed Duration'])).toBe(Math.max(1, Math.ceil(ms(reports[1]?.Duration))));
  });

  it('writes Lambda’s Invoke Error line for a thrown error, and the timeout lines', async () => {
    runtime.register(fn({ timeoutSeconds: 1 }));
    await expect(runtime.invoke('products', { name: 'x', fail: true })).rejects.toMatchObject({ name: 'TypeError' });
    await expect(runtime.invoke('products', { name: 'y', sleep: 1500 })).rejects.toMatchObject({
      name: 'Sandbox.Timedout',
    });

    const lines = messages();
    const error = lines.find((line) => line.includes('Invoke Error'));
    expect(JSON.parse(error?.split('Invoke Error \t')[1] ?? '{}')).toMatchObject({
      errorType: 'TypeError',
      errorMessage: 'boom',
    });
    expect(lines).toContainEqual(expect.stringMatching(/^\S+Z \S+ Task timed out after 1\.00 seconds$/));
    expect(lines.at(-1)).toMatch(
      /^REPORT RequestId: .*\tDuration: 1000\.00 ms\tBilled Duration: 1000 ms\t.*\tStatus: timeout$/,
    );
  });

  it('uses the template’s log group and Lambda’s JSON format when LoggingConfig says so', async () => {
    runtime.register(
      fn({ logging: { logGroup: 'tenantflow-pooled-ProductsLogs', logFormat: 'JSON', applicationLogLevel: 'WARN' } }),
    );
    await runtime.invoke('products', { name: 'acme' });

    expect(new Set(shipped.map((event) => event.group))).toEqual(new Set(['tenantflow-pooled-ProductsLogs']));
    const records = messages()
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line));
    expect(records.map((r) => r.type ?? r.level)).toEqual([
      'platform.start',
      'WARN',
      'ERROR',
      'INFO',
      'platform.runtimeDone',
      'platform.report',
    ]);
    expect(records[1]).toMatchObject({ level: 'WARN', message: 'careful', requestId: records[0].record.requestId });
    expect(messages()).toContain('raw one');
    expect(records.find((r) => r.type === 'platform.report')?.record.metrics).toMatchObject({
      memorySizeMB: 256,
      billedDurationMs: expect.any(Number),
    });
    // INFO console lines are filtered by ApplicationLogLevel WARN; the Powertools-style line is not.
    expect(messages().some((line) => line.includes('hello acme'))).toBe(false);
  });
});
