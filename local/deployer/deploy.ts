/**
 * The template deployer: deploys the synthesized CloudFormation templates of a cloud assembly
 * (cdk.out) onto the local emulators. Each resource is created when first needed (a Ref or
 * GetAtt to it, or its turn), so dependencies deploy first without a separate graph pass.
 * Physical ids are derived from stack and logical id, so a restart re-deploys onto the same
 * tables, pools and keys. Resource types that do not matter locally are listed once and
 * skipped; types that matter are handled in `resource-handlers.ts`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './constants';
import { evaluateCondition, NO_VALUE, type ResolveContext, resolveValue, TemplateError } from './intrinsics';
import {
  type DeployedResource,
  type HandlerContext,
  RESOURCE_HANDLERS,
  type ResourceHandler,
  type Services,
} from './resource-handlers';

interface Template {
  Parameters?: Record<string, { Default?: unknown; Type?: string }>;
  Conditions?: Record<string, unknown>;
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  Resources: Record<
    string,
    {
      Type: string;
      Properties?: Record<string, unknown>;
      DependsOn?: string | string[];
      Condition?: string;
      Metadata?: Record<string, unknown>;
    }
  >;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown }; Condition?: string }>;
}

/** A stack of the cloud assembly, in deployment order. */
export interface AssemblyStack {
  readonly stackName: string;
  readonly templateFile: string;
  readonly dependencies: readonly string[];
  /** The artifact id in its assembly's manifest. */
  readonly artifactId?: string;
}

export interface DeployedStack {
  readonly stackName: string;
  readonly outputs: Readonly<Record<string, string>>;
  readonly resources: ReadonlyMap<string, DeployedResource>;
}

/**
 * A nested cloud assembly (a CDK `Stage`, artifact type `cdk:cloud-assembly`): its stacks and
 * the assets its asset manifests list. `npm start` never deploys these; LocalCloudFormation does.
 */
export interface NestedAssembly {
  /** The artifact id in the parent manifest (the stage path, e.g. `TenantTemplate`). */
  readonly id: string;
  /** Absolute directory of the nested assembly (e.g. `cdk.out/assembly-TenantTemplate`). */
  readonly directory: string;
  readonly stacks: readonly AssemblyStack[];
  /** Asset hash → directory (the nested manifests name the outer assembly's asset directories). */
  readonly assetDirs: ReadonlyMap<string, string>;
  /** Assemblies nested in this one. */
  readonly nested: readonly NestedAssembly[];
}

interface ManifestArtifact {
  type: string;
  properties?: { templateFile?: string; stackName?: string; file?: string; directoryName?: string };
  dependencies?: string[];
}

/**
 * Reads the assembly manifest: top-level stacks in dependency order, the asset hash → directory
 * map, and the nested assemblies (stages), whose stacks are not part of `stacks`.
 */
export function readAssembly(cdkOut: string): {
  stacks: AssemblyStack[];
  assetDirs: Map<string, string>;
  nested: NestedAssembly[];
} {
  const manifest = JSON.parse(fs.readFileSync(path.join(cdkOut, 'manifest.json'), 'utf8')) as {
    artifacts?: Record<string, ManifestArtifact>;
  };
  const stacks = new Map<string, AssemblyStack>();
  const assetDirs = new Map<string, string>();
  const nested: NestedAssembly[] = [];
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack' && artifact.properties?.templateFile) {
      stacks.set(id, {
        stackName: artifact.properties.stackName ?? id,
        templateFile: path.join(cdkOut, artifact.properties.templateFile),
        dependencies: (artifact.dependencies ?? []).filter((dep) => !dep.endsWith('.assets')),
        artifactId: id,
      });
    }
    if (artifact.type === 'cdk:asset-manifest' && artifact.properties?.file) {
      const file = path.join(cdkOut, artifact.properties.file);
      const assets = JSON.parse(fs.readFileSync(file, 'utf8')) as {
        files?: Record<string, { source: { path: string } }>;
      };
      for (const [hash, asset] of Object.entries(assets.files ?? {}))
        assetDirs.set(hash, path.join(cdkOut, asset.source.path));
    }
    if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      const directory = path.join(cdkOut, artifact.properties.directoryName);
      const inner = readAssembly(directory);
      nested.push({ id, directory, stacks: inner.stacks, assetDirs: inner.assetDirs, nested: inner.nested });
    }
  }
  const ordered: AssemblyStack[] = [];
  const visit = (id: string, seen: Set<string>) => {
    const stack = stacks.get(id);
    if (!stack || ordered.includes(stack)) return;
    if (seen.has(id)) throw new TemplateError(`Stack dependency cycle at ${id}`);
    seen.add(id);
    for (const dep of stack.dependencies) visit(dep, seen);
    ordered.push(stack);
  };
  for (const id of stacks.keys()) visit(id, new Set());
  return { stacks: ordered, assetDirs, nested };
}

/** A stack of a nested assembly (at any depth), with the assets of the assembly that holds it. */
export interface NestedAssemblyStack {
  readonly stack: AssemblyStack;
  readonly assembly: NestedAssembly;
}

/** Every stack of the nested assemblies under `cdkOut` (depth first). */
export function nestedStacksOf(cdkOut: string): NestedAssemblyStack[] {
  const found: NestedAssemblyStack[] = [];
  const walk = (assemblies: readonly NestedAssembly[]) => {
    for (const assembly of assemblies) {
      for (const stack of assembly.stacks) found.push({ stack, assembly });
      walk(assembly.nested);
    }
  };
  walk(readAssembly(cdkOut).nested);
  return found;
}

const PSEUDO: Record<string, (stackName: string) => string> = {
  'AWS::Region': () => LOCAL_REGION,
  'AWS::AccountId': () => LOCAL_ACCOUNT,
  'AWS::Partition': () => 'aws',
  'AWS::URLSuffix': () => 'amazonaws.com',
  'AWS::StackName': (stackName) => stackName,
  'AWS::StackId': (stackName) => `arn:aws:cloudformation:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stack/${stackName}/local`,
};

export interface DeployOptions {
  readonly services: Services;
  readonly assetDirs: ReadonlyMap<string, string>;
  /** Exports of the stacks deployed before (Fn::ImportValue). Added to by this deployment. */
  readonly exports: Map<string, string>;
  readonly parameters?: Readonly<Record<string, string>>;
  /** Called once per resource type that is skipped. */
  readonly onSkippedType?: (type: string) => void;
  /**
   * Called as each resource is deployed (also when the deployment fails later), so a caller can
   * undo what a failed deployment registered.
   */
  readonly onResourceDeployed?: (logicalId: string, type: string, resource: DeployedResource) => void;
}

export async function deployStack(stack: AssemblyStack, opts: DeployOptions): Promise<DeployedStack> {
  const template = JSON.parse(fs.readFileSync(stack.templateFile, 'utf8')) as Template;
  const { stackName } = stack;
  const deployed = new Map<string, Promise<DeployedResource>>();
  const conditions = new Map<string, boolean>();
  const apiRegistry = opts.services.apiRegistry;

  const ctx: ResolveContext = {
    async ref(name) {
      const pseudo = PSEUDO[name];
      if (pseudo) return pseudo(stackName);
      if (template.Parameters?.[name]) {
        const value = opts.parameters?.[name] ?? template.Parameters[name].Default;
        if (value === undefined) throw new TemplateError(`${stackName}: parameter ${name} has no value`);
        return value;
      }
      return (await deploy(name)).ref;
    },
    async getAtt(logicalId, attribute) {
      const resource = await deploy(logicalId);
      // A skipped type (e.g. CloudFront) has no local counterpart: its attributes are placeholders.
      if (resource.skipped) return `local-unavailable:${logicalId}.${attribute}`;
      if (!(attribute in resource.attributes)) {
        throw new TemplateError(
          `${stackName}: ${logicalId} (${template.Resources[logicalId]?.Type}) has no attribute ${attribute} locally`,
        );
      }
      return resource.attributes[attribute];
    },
    importValue(name) {
      const value = opts.exports.get(name);
      if (value === undefined) throw new TemplateError(`${stackName}: no export named ${name}`);
      return value;
    },
    condition(name) {
      const value = conditions.get(name);
      if (value === undefined) throw new TemplateError(`${stackName}: unknown condition ${name}`);
      return value;
    },
    findInMap(map, top, second) {
      return template.Mappings?.[map]?.[top]?.[second];
    },
    rewriteString: (value) => opts.services.localizeUrl(value),
  };

  for (const [name, expression] of Object.entries(template.Conditions ?? {})) {
    conditions.set(name, await evaluateCondition(expression, ctx));
  }

  const deploy = (logicalId: string): Promise<DeployedResource> => {
    let pending = deployed.get(logicalId);
    if (!pending) {
      pending = deployResource(logicalId);
      deployed.set(logicalId, pending);
    }
    return pending;
  };

  const deployResource = async (logicalId: string): Promise<DeployedResource> => {
    const resource = template.Resources[logicalId];
    if (!resource) throw new TemplateError(`${stackName}: no resource ${logicalId}`);
    if (resource.Condition && !ctx.condition(resource.Condition)) return { ref: NO_VALUE, attributes: {} };
    const dependsOn = typeof resource.DependsOn === 'string' ? [resource.DependsOn] : (resource.DependsOn ?? []);
    await Promise.all(dependsOn.map((dep) => deploy(dep)));
    const properties = ((await resolveValue(resource.Properties ?? {}, ctx)) ?? {}) as Record<string, unknown>;
    const handler: ResourceHandler | undefined = RESOURCE_HANDLERS[resource.Type];
    const handlerCtx: HandlerContext = {
      stackName,
      logicalId,
      properties,
      services: opts.services,
      assetDirs: opts.assetDirs,
      apis: apiRegistry,
    };
    if (!handler) {
      opts.onSkippedType?.(resource.Type);
      return { ref: `${stackName}-${logicalId}`, attributes: {}, skipped: true };
    }
    try {
      const result = await handler(handlerCtx);
      opts.onResourceDeployed?.(logicalId, resource.Type, result);
      return result;
    } catch (error) {
      throw new TemplateError(`${stackName}/${logicalId} (${resource.Type}): ${(error as Error).message}`);
    }
  };

  await Promise.all(Object.keys(template.Resources).map((logicalId) => deploy(logicalId)));
  opts.services.apiRegistry.publish(opts.services);

  const outputs: Record<string, string> = {};
  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    if (output.Condition && !ctx.condition(output.Condition)) continue;
    const value = String(await resolveValue(output.Value, ctx));
    outputs[name] = value;
    if (output.Export) opts.exports.set(String(await resolveValue(output.Export.Name, ctx)), value);
  }
  const resources = new Map<string, DeployedResource>();
  for (const [logicalId, pending] of deployed) resources.set(logicalId, await pending);
  return { stackName, outputs, resources };
}
