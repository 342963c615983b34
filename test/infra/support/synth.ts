/**
 * Builds and synthesizes the tenantflow CDK app once for a test file.
 *
 * Bundling the functions with esbuild dominates (~10 s for the whole app), so each file builds
 * the app once in beforeAll and reads every template from that one synthesis (Template.fromStack
 * reuses the cached assembly). aws-cdk-lib 2.27x runs its WASM CloudFormation validation during
 * synth unless `process.env.CDK_VALIDATION === 'false'` (read at synth time, not at App
 * creation) or the App was created with `builtinCloudFormationValidation: false`; there is no
 * context key for it. The assertion tests turn it off; the cdk-nag test runs it explicitly.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type App, type AppProps, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
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

/** Builds (and bundles) the app with its cloud assembly in a fresh temporary directory. */
export function buildTestApp(props: AppProps = {}): TestApp {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantflow-cdk-'));
  const app = buildApp({ ...props, outdir });
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

/** Builds and synthesizes the app once, with CDK's CloudFormation validation off. */
export function synthWithoutCfnValidation(): TestApp {
  return withoutCfnValidation(() => {
    const built = buildTestApp();
    built.app.synth();
    return built;
  });
}
