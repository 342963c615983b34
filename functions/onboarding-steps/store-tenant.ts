/** Onboarding step StoreTenant (its own Lambda entry: DynamoDB only). */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { TenantRecord } from '../../contracts/tenant-record';
import { TIERS } from '../../contracts/tiers';
import { dynamoDb } from '../shared/aws-clients';
import { isConditionalCheckFailed } from '../shared/conditional-write';
import { tenantNameKey } from '../shared/tenant-names';
import { InvalidRegistrationError, step, tenantsTable } from './step';

/** Stores the tenant as ONBOARDING; an existing row of the same registration is success. */
export const storeTenant = step(async (state) => {
  const tenant: TenantRecord = {
    tenantId: state.tenantId,
    tenantName: state.tenantName,
    tenantNameKey: tenantNameKey(state.tenantName),
    tier: state.tier,
    deploymentModel: TIERS[state.tier].deploymentModel,
    status: 'ONBOARDING',
    email: state.email,
    companyName: state.companyName,
    registrationId: state.registrationId,
    createdAt: new Date().toISOString(),
  };
  try {
    await dynamoDb().send(
      new PutCommand({
        TableName: tenantsTable(),
        Item: tenant,
        ConditionExpression: 'attribute_not_exists(tenantId)',
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    const existing = await dynamoDb().send(
      new GetCommand({ TableName: tenantsTable(), Key: { tenantId: state.tenantId } }),
    );
    if (existing.Item?.registrationId !== state.registrationId) {
      throw new InvalidRegistrationError(`Tenant ${state.tenantId} belongs to another registration`);
    }
  }
  return { stored: true };
});
