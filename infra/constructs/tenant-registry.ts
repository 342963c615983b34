import { CfnParameter, Fn, type Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { FOUNDATION_EXPORTS, type FoundationStack } from '../stacks/foundation-stack';

/** Parameters of the silo template, set per tenant by the release fan-out. */
export const SILO_PARAMETERS = ['TenantId', 'UserPoolId', 'AppClientId', 'ReleaseVersion'] as const;

/** What a tenant stack needs from the tenant registry, however it gets it. */
export interface RegistryRefs {
  readonly tenantDetails: dynamodb.ITable;
  readonly layer: lambda.ILayerVersion;
  /** The user pool (and app client) whose ID tokens this API accepts. */
  readonly trustedPool: { readonly userPoolId: string; readonly clientId: string };
  readonly siloTenantId?: string;
  /** Silo stacks: the release version parameter. */
  readonly releaseVersion?: string;
}

/** The pooled stack's registry: the foundation's resources, by reference (same app stage). */
export function pooledRegistry(foundation: FoundationStack | undefined): RegistryRefs {
  if (!foundation) throw new Error('The pooled tenant stack needs the foundation stack');
  return {
    tenantDetails: foundation.tenantDetails,
    layer: foundation.tenantContextLayer.layer,
    trustedPool: {
      userPoolId: foundation.pooledIdentity.userPool.userPoolId,
      clientId: foundation.pooledIdentity.appClient.userPoolClientId,
    },
  };
}

/** The silo template's registry: its parameters and the foundation's exports, imported by name. */
export function importedRegistry(stack: Stack): RegistryRefs {
  const parameter = (name: (typeof SILO_PARAMETERS)[number], description: string) =>
    new CfnParameter(stack, name, { type: 'String', description, minLength: 1 }).valueAsString;
  const tenantId = parameter('TenantId', 'The tenant this stack serves');
  const userPoolId = parameter('UserPoolId', "The tenant's own Cognito user pool");
  const clientId = parameter('AppClientId', "The app client of the tenant's user pool");
  // The release that deployed the stack, visible to its functions; a new release updates them.
  const releaseVersion = new CfnParameter(stack, 'ReleaseVersion', {
    type: 'String',
    default: 'initial',
    description: 'The release this stack runs',
  }).valueAsString;
  return {
    // The name is derived from the imported ARN.
    tenantDetails: dynamodb.Table.fromTableArn(
      stack,
      'TenantDetails',
      Fn.importValue(FOUNDATION_EXPORTS.tenantDetailsTableArn),
    ),
    layer: lambda.LayerVersion.fromLayerVersionArn(
      stack,
      'TenantContextLayer',
      Fn.importValue(FOUNDATION_EXPORTS.tenantContextLayerArn),
    ),
    trustedPool: { userPoolId, clientId },
    siloTenantId: tenantId,
    releaseVersion,
  };
}
