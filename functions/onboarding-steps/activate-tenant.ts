/** Onboarding step ActivateTenant (its own Lambda entry: DynamoDB only). */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDb } from '../shared/aws-clients';
import { step, tenantsTable } from './step';

/** Marks the tenant ACTIVE (and records a silo tenant's API URL, known only now). */
export const activateTenant = step(async (state) => {
  const now = new Date().toISOString();
  await dynamoDb().send(
    new UpdateCommand({
      TableName: tenantsTable(),
      Key: { tenantId: state.tenantId },
      // A silo tenant's API is its own stack's, known only now.
      UpdateExpression: `SET #status = :active, updatedAt = :now${state.stack?.apiUrl ? ', apiUrl = :apiUrl' : ''} REMOVE failedStep, failureCause`,
      ConditionExpression: 'attribute_exists(tenantId)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':active': 'ACTIVE',
        ':now': now,
        ...(state.stack?.apiUrl ? { ':apiUrl': state.stack.apiUrl } : {}),
      },
    }),
  );
  return { status: 'ACTIVE', activatedAt: now };
});
