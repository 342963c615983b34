import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LambdaRuntime, type LocalFunction } from './runtime';

describe('LambdaRuntime', () => {
  let dir: string;
  let runtime: LambdaRuntime;
  const fn = (name: string, environment: Record<string, string>): LocalFunction => ({
    functionName: name,
    arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    codeDir: dir,
    handler: 'index.handler',
    environment,
    layerDirs: [],
    timeoutSeconds: 5,
    memorySize: 128,
  });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantflow-lambda-'));
    fs.writeFileSync(path.join(dir, 'index.js'), 'exports.handler = async () => process.env.WHERE;\n');
    runtime = new LambdaRuntime();
  });
  afterEach(async () => {
    await runtime.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs a function re-registered during prewarm with its new environment, not the replaced one', async () => {
    for (let i = 0; i < 3; i++) runtime.register(fn(`fn${i}`, { WHERE: 'original' }));

    const warming = runtime.prewarm();
    // Re-registered while the first function warms (what the benchmarks' recording proxies do).
    for (let i = 0; i < 3; i++) runtime.register(fn(`fn${i}`, { WHERE: 'replaced' }));
    await warming;

    for (let i = 0; i < 3; i++) expect(await runtime.invoke(`fn${i}`, {})).toBe('replaced');
  });
});
