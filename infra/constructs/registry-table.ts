import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

export interface RegistryTableProps {
  /** Partition key attribute (string). */
  readonly partitionKey: string;
  /** Optional sort key attribute (string). @default none */
  readonly sortKey?: string;
  /** The attribute whose epoch seconds expire an item (DynamoDB TTL). @default none */
  readonly timeToLiveAttribute?: string;
  /** @default RemovalPolicy.RETAIN — tenant data outlives a stack deletion unless asked otherwise. */
  readonly removalPolicy?: RemovalPolicy;
}

/** A DynamoDB table the way tenantflow keeps them: on-demand, encrypted, point-in-time recovery. */
export function registryTable(scope: Construct, id: string, props: RegistryTableProps): dynamodb.Table {
  return new dynamodb.Table(scope, id, {
    partitionKey: { name: props.partitionKey, type: dynamodb.AttributeType.STRING },
    sortKey: props.sortKey ? { name: props.sortKey, type: dynamodb.AttributeType.STRING } : undefined,
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    timeToLiveAttribute: props.timeToLiveAttribute,
  });
}

/** Item-level read/write on a table — no table management, no scans of other tables. */
export function grantItemAccess(table: dynamodb.ITable, grantee: iam.IGrantable): void {
  table.grant(
    grantee,
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:Query',
    'dynamodb:BatchGetItem',
  );
}
