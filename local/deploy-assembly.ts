/**
 * Phase two of the local cloud: deploys the stacks of a cloud assembly (cdk.out) onto the
 * emulators, in assembly order, then brings up LocalCloudFormation and the stacks it deployed
 * in an earlier run.
 */
import * as path from 'node:path';
import { LocalCloudFormation } from './cloudformation';
import { type DeployedStack, deployStack, readAssembly } from './deployer/deploy';
import type { Services } from './deployer/resource-handlers';
import type { SdkIntegrations } from './sdk-integrations';
import type { Shutdown } from './shutdown';

/** Options of {@link deployAssembly}. */
export interface AssemblyDeploymentOptions {
  /** The cloud assembly directory. */
  readonly outdir: string;
  /** LocalCloudFormation persists under `<dataDir>/cloudformation`. */
  readonly dataDir: string;
  readonly services: Services;
  /** Step Functions reaches LocalCloudFormation through these once it runs. */
  readonly sdkIntegrations: SdkIntegrations;
  /** Stacks of the assembly with no local counterpart. */
  readonly skipStacks: ReadonlySet<string>;
  /** Called once per resource type the deployer skips. */
  readonly onSkippedType?: (type: string) => void;
}

/** What phase two deployed. */
export interface AssemblyDeployment {
  /** The assembly's stacks, by name. */
  readonly stacks: ReadonlyMap<string, DeployedStack>;
  /** Stacks deployed at run time (silo tenants), in-process. */
  readonly cloudFormation: LocalCloudFormation;
}

/** Calls `report` once per distinct type, however many stacks skip it. */
function oncePerType(report: ((type: string) => void) | undefined): (type: string) => void {
  const reported = new Set<string>();
  return (type) => {
    if (!reported.has(type)) report?.(type);
    reported.add(type);
  };
}

/** Deploys the assembly; LocalCloudFormation is added to `shutdown`. */
export async function deployAssembly(opts: AssemblyDeploymentOptions, shutdown: Shutdown): Promise<AssemblyDeployment> {
  const { services } = opts;
  const { stacks: assemblyStacks, assetDirs } = readAssembly(opts.outdir);
  const exports = new Map<string, string>();
  const onSkippedType = oncePerType(opts.onSkippedType);
  const stacks = new Map<string, DeployedStack>();
  for (const stack of assemblyStacks) {
    if (opts.skipStacks.has(stack.stackName)) continue;
    stacks.set(stack.stackName, await deployStack(stack, { services, assetDirs, exports, onSkippedType }));
  }

  void services.lambda.prewarm();
  // Silo tenant stacks (deployed by the release fan-out) come back after the main stacks, whose exports they import.
  const cloudFormation = new LocalCloudFormation({
    dataDir: path.join(opts.dataDir, 'cloudformation'),
    services,
    exports,
    assemblyDir: opts.outdir,
    onSkippedType,
  });
  shutdown.add(() => cloudFormation.close());
  opts.sdkIntegrations.connect({ cloudFormation });
  await cloudFormation.restore();
  return { stacks, cloudFormation };
}
