/**
 * Writes the release fan-out's input (stdout) in the pipeline's build stage, after
 * `cdk-assets publish` put the silo template into the CDK assets bucket:
 *
 *   npx tsx scripts/fanout-input.ts --assets cdk.out/<silo template>.assets.json --tenant-id ALL --version <id>
 *
 * The template URL is the template asset's S3 object (content-hashed key). The deploy stage's
 * StepFunctions action starts the fan-out with this file (`StateMachineInput.filePath`).
 */
import * as fs from 'node:fs';
import { ALL_TENANTS, type FanOutInput } from '../functions/pipeline/fanout';

/** The parts of a cdk-assets manifest read here. */
export interface AssetsManifest {
  readonly files?: Readonly<
    Record<
      string,
      {
        readonly source: { readonly path?: string; readonly packaging?: string };
        readonly destinations: Readonly<Record<string, { readonly bucketName: string; readonly objectKey: string }>>;
      }
    >
  >;
}

export interface Environment {
  readonly region: string;
  readonly accountId: string;
  /** @default 'amazonaws.com' */
  readonly urlSuffix?: string;
  readonly partition?: string;
}

/** The fan-out input for the template asset of `manifest`. */
export function fanOutInputOf(
  manifest: AssetsManifest,
  tenantId: string,
  version: string,
  env: Environment,
): FanOutInput {
  const template = Object.values(manifest.files ?? {}).find((file) => file.source.path?.endsWith('.template.json'));
  const destination = template && Object.values(template.destinations)[0];
  if (!destination) throw new Error('The assets manifest has no template asset');
  const resolve = (value: string) =>
    value
      .replaceAll('${AWS::AccountId}', env.accountId)
      .replaceAll('${AWS::Region}', env.region)
      .replaceAll('${AWS::Partition}', env.partition ?? 'aws');
  const bucket = resolve(destination.bucketName);
  const key = resolve(destination.objectKey);
  return {
    // CodePipeline variables cannot be empty: ALL (the default) means every silo tenant.
    tenantId: tenantId === ALL_TENANTS ? '' : tenantId,
    version,
    templateUrl: `https://${bucket}.s3.${env.region}.${env.urlSuffix ?? 'amazonaws.com'}/${key}`,
  };
}

function argument(args: readonly string[], name: string): string {
  const index = args.indexOf(`--${name}`);
  const value = index >= 0 ? args[index + 1] : undefined;
  if (value === undefined) throw new Error(`--${name} is required`);
  return value;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? '';
  // CodeBuild names the account in the build ARN (arn:aws:codebuild:<region>:<account>:build/...).
  const accountId = process.env.AWS_ACCOUNT_ID ?? process.env.CODEBUILD_BUILD_ARN?.split(':')[4] ?? '';
  if (!region || !accountId)
    throw new Error('AWS_REGION and the account (CODEBUILD_BUILD_ARN or AWS_ACCOUNT_ID) are required');
  const manifest = JSON.parse(fs.readFileSync(argument(args, 'assets'), 'utf8')) as AssetsManifest;
  const input = fanOutInputOf(manifest, argument(args, 'tenant-id') || ALL_TENANTS, argument(args, 'version'), {
    region,
    accountId,
  });
  process.stdout.write(`${JSON.stringify(input)}\n`);
}
