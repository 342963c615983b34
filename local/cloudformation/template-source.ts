/**
 * Where LocalCloudFormation finds a template and its assets.
 *
 * TemplateURL convention (local cloud):
 * - `file:///abs/path/to/<name>.template.json`: a template file of a cloud assembly (the root
 *   cdk.out or a nested assembly such as `cdk.out/assembly-TenantTemplate/`). This is what the
 *   local CodePipeline puts in the fan-out input (`templateUrl`).
 * - `https://<anything>/<name>.template.json` (also `http://`, `s3://`): resolved by its last
 *   path segment against the template files of the local cloud assembly (root and nested), so an
 *   S3-style URL of the synthesized template works unchanged.
 * TemplateBody is accepted too. Lambda code (S3Key `<hash>.zip`) is looked up in the asset
 * manifests of the root assembly and every nested assembly.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type NestedAssembly, nestedStacksOf, readAssembly } from '../deployer/deploy';
import { CloudFormationError } from './errors';

export interface TemplateSource {
  /** The template text. */
  readonly body: string;
  /** Asset hash → directory, for the assets the template may reference. */
  readonly assetDirs: ReadonlyMap<string, string>;
}

/** Every asset directory of the assembly and its nested assemblies. */
export function allAssetDirs(cdkOut: string): Map<string, string> {
  const dirs = new Map<string, string>();
  if (!fs.existsSync(path.join(cdkOut, 'manifest.json'))) return dirs;
  const assembly = readAssembly(cdkOut);
  for (const [hash, dir] of assembly.assetDirs) dirs.set(hash, dir);
  const walk = (nested: readonly NestedAssembly[]) => {
    for (const inner of nested) {
      for (const [hash, dir] of inner.assetDirs) dirs.set(hash, dir);
      walk(inner.nested);
    }
  };
  walk(assembly.nested);
  return dirs;
}

/**
 * The TemplateURL (`file://…`) of the stack named `stackName` in a nested assembly of `cdkOut`
 * (e.g. `tenantflow-silo-template` in stage `TenantTemplate`), or undefined if it is not there.
 */
export function templateUrlOf(cdkOut: string, stackName: string): string | undefined {
  if (!fs.existsSync(path.join(cdkOut, 'manifest.json'))) return undefined;
  const found = nestedStacksOf(cdkOut).find((entry) => entry.stack.stackName === stackName);
  return found ? pathToFileURL(found.stack.templateFile).href : undefined;
}

const invalidUrl = (url: string, why: string) =>
  new CloudFormationError(
    'ValidationError',
    `TemplateURL must reference a valid S3 object to which you have access. (${url}: ${why})`,
  );

/** Reads the template of a TemplateURL or TemplateBody (see the module comment for the URL forms). */
export function resolveTemplate(
  input: { TemplateURL?: string; TemplateBody?: string },
  cdkOut: string,
): TemplateSource {
  if (input.TemplateBody !== undefined && input.TemplateURL !== undefined) {
    throw new CloudFormationError('ValidationError', 'Specify exactly one of TemplateBody or TemplateURL.');
  }
  if (typeof input.TemplateBody === 'string') return { body: input.TemplateBody, assetDirs: allAssetDirs(cdkOut) };
  const url = input.TemplateURL;
  if (typeof url !== 'string' || url === '') {
    throw new CloudFormationError('ValidationError', 'Either Template URL or Template Body must be specified.');
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidUrl(url, 'not a URL');
  }
  let file: string;
  if (parsed.protocol === 'file:') {
    file = fileURLToPath(parsed);
  } else if (['https:', 'http:', 's3:'].includes(parsed.protocol)) {
    const name = decodeURIComponent(parsed.pathname.split('/').pop() ?? '');
    const candidates = [
      ...(fs.existsSync(path.join(cdkOut, 'manifest.json')) ? readAssembly(cdkOut).stacks : []),
      ...(fs.existsSync(path.join(cdkOut, 'manifest.json')) ? nestedStacksOf(cdkOut).map((entry) => entry.stack) : []),
    ];
    const match = candidates.find((stack) => path.basename(stack.templateFile) === name);
    if (!match) throw invalidUrl(url, `no template file named '${name}' in the local cloud assembly ${cdkOut}`);
    file = match.templateFile;
  } else {
    throw invalidUrl(url, `unsupported scheme ${parsed.protocol}`);
  }
  let body: string;
  try {
    body = fs.readFileSync(file, 'utf8');
  } catch {
    throw invalidUrl(url, 'no such file');
  }
  const assetDirs = allAssetDirs(cdkOut);
  // A template outside the configured assembly: its own assembly's assets count too.
  const ownAssembly = path.dirname(file);
  if (path.resolve(ownAssembly) !== path.resolve(cdkOut)) {
    for (const [hash, dir] of allAssetDirs(ownAssembly)) assetDirs.set(hash, dir);
    // A nested assembly's template: the root assembly above it holds the asset directories.
    const parent = path.dirname(ownAssembly);
    if (path.resolve(parent) !== path.resolve(cdkOut))
      for (const [hash, dir] of allAssetDirs(parent)) if (!assetDirs.has(hash)) assetDirs.set(hash, dir);
  }
  return { body, assetDirs };
}
