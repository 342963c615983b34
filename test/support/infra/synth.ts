/**
 * Builds and synthesizes the tenantflow CDK app once per test file.
 *
 * Two costs dominate a synth of the whole app, and each test file pays only for what it checks:
 * - esbuild bundling of every function and the layer (~8-10 s here). Template assertions do not
 *   need the bundles, so `bundle: false` skips it (CDK's `aws:cdk:bundling-stacks` context, what
 *   `cdk synth --exclusively` uses); the cdk-nag test bundles, as `cdk synth` does.
 * - CDK's WASM CloudFormation validation (~8 s here). aws-cdk-lib 2.27x runs it during synth
 *   unless `process.env.CDK_VALIDATION === 'false'` (read at synth time, not at App creation) or
 *   the App was created with `builtinCloudFormationValidation: false`; no context key turns it
 *   off. Assertion tests turn it off; the cdk-nag test registers it explicitly.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import { buildApp } from '../../../infra/app';

export interface TestApp {
  readonly app: App;
  /** The cloud assembly directory, under os.tmpdir(). */
  readonly outdir: string;
  /** The template of one stack, by stack name (synthesizes on first use). */
  template(stackName: string): Template;
  /** Every stack's template, by stack name. */
  templates(): Map<string, Template>;
  /** Removes the cloud assembly. */
  cleanup(): void;
}

export interface TestAppOptions {
  /** Bundle the functions and the layer with esbuild, as `cdk synth` does. @default true */
  readonly bundle?: boolean;
}

/** Builds the app with its cloud assembly in a fresh temporary directory. */
export function buildTestApp(options: TestAppOptions = {}): TestApp {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantflow-cdk-'));
  const app = buildApp({ outdir, context: options.bundle === false ? { [BUNDLING_STACKS]: [] } : undefined });
  const stacks = () => app.node.children.filter((child) => Stack.isStack(child));
  return {
    app,
    outdir,
    template(stackName) {
      const stack = stacks().find((candidate) => candidate.stackName === stackName);
      if (!stack) throw new Error(`No stack ${stackName}`);
      return Template.fromStack(stack);
    },
    templates: () => new Map(stacks().map((stack) => [stack.stackName, Template.fromStack(stack)])),
    cleanup: () => fs.rmSync(outdir, { recursive: true, force: true }),
  };
}

/** Runs `synthesize` with CDK's CloudFormation validation off, restoring the environment after. */
export function withoutCfnValidation<T>(synthesize: () => T): T {
  const previous = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = 'false';
  try {
    return synthesize();
  } finally {
    if (previous === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = previous;
  }
}

/** Builds and synthesizes the app once for template assertions: no bundling, no CloudFormation validation. */
export function synthForAssertions(): TestApp {
  return withoutCfnValidation(() => {
    const built = buildTestApp({ bundle: false });
    built.app.synth();
    return built;
  });
}
