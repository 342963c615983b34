import { Duration } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type ApiName, routesOf } from '../../contracts/routes';
import { acknowledge } from './nag';
import { accessLogFormat } from './observability/access-log';

export interface RoutedRestApiProps {
  /** Which API of the route table to build. */
  readonly api: ApiName;
  readonly restApiName: string;
  /** The function behind each service named in the route table. */
  readonly services: Readonly<Record<string, lambda.IFunction>>;
  /** The Lambda REQUEST authorizer for every non-public route. */
  readonly authorizerFunction: lambda.IFunction;
  /** Authorizer result cache TTL. @default 60 seconds */
  readonly authorizerCacheTtl?: Duration;
  /** Require an API key (taken from the authorizer's usageIdentifierKey) on authorized routes. @default false */
  readonly requireApiKey?: boolean;
  /**
   * Create the account-wide CloudWatch role API Gateway needs for execution logs. It is one
   * setting per account and region, so exactly one stack (the first deployed) sets it.
   * @default false
   */
  readonly manageAccountLogRole?: boolean;
}

/**
 * A REST API built from the one route table: every route gets its Lambda proxy integration,
 * and every non-public route the Lambda authorizer (cached by the Authorization header). The
 * stage is traced (X-Ray) and writes one JSON access log line per request, with the tenant and
 * tier of the authorizer's context (observability/access-log.ts).
 */
export class RoutedRestApi extends Construct {
  readonly api: apigateway.RestApi;
  /** The stage's access log group. */
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: RoutedRestApiProps) {
    super(scope, id);
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: logs.RetentionDays.ONE_MONTH });
    this.accessLogs = accessLogs;
    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: props.restApiName,
      apiKeySourceType: props.requireApiKey
        ? apigateway.ApiKeySourceType.AUTHORIZER
        : apigateway.ApiKeySourceType.HEADER,
      cloudWatchRole: props.manageAccountLogRole ?? false,
      deployOptions: {
        stageName: 'prod',
        tracingEnabled: true,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: accessLogFormat(),
      },
      defaultCorsPreflightOptions: {
        allowOrigins: apigateway.Cors.ALL_ORIGINS,
        allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'],
        allowMethods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
      },
    });
    // API Gateway's own answers (authorizer 401/403, usage-plan 429, 5xx) need CORS headers too,
    // or a browser app sees a network error instead of the status.
    for (const [id, type] of [
      ['Default4xx', apigateway.ResponseType.DEFAULT_4XX],
      ['Default5xx', apigateway.ResponseType.DEFAULT_5XX],
    ] as const) {
      this.api.addGatewayResponse(id, { type, responseHeaders: { 'Access-Control-Allow-Origin': "'*'" } });
    }
    const authorizer = new apigateway.RequestAuthorizer(this, 'Authorizer', {
      handler: props.authorizerFunction,
      identitySources: [apigateway.IdentitySource.header('Authorization')],
      resultsCacheTtl: props.authorizerCacheTtl ?? Duration.seconds(60),
    });
    for (const route of routesOf(props.api)) {
      const fn = props.services[route.service];
      if (!fn) throw new Error(`No function for service '${route.service}' of ${route.method} ${route.path}`);
      const resource = this.api.root.resourceForPath(route.path);
      const isPublic = route.access === 'public';
      resource.addMethod(route.method, new apigateway.LambdaIntegration(fn), {
        authorizer: isPublic ? undefined : authorizer,
        authorizationType: isPublic ? apigateway.AuthorizationType.NONE : apigateway.AuthorizationType.CUSTOM,
        apiKeyRequired: !isPublic && (props.requireApiKey ?? false),
      });
    }
    acknowledge(this.api, [
      {
        id: 'AwsSolutions-APIG2',
        reason:
          'Each function validates its input and answers 400 naming the field (docs/api.md); a model would duplicate those rules.',
      },
      {
        id: 'AwsSolutions-APIG3',
        reason: 'WAF is an account-level choice; the APIs are protected by the authorizer and per-tenant usage plans.',
      },
      {
        id: 'AwsSolutions-APIG4',
        reason:
          'Public routes (sign-up, registration status, tenant-config, CORS preflight) are public by design (docs/api.md); all others use the Lambda authorizer.',
      },
      {
        id: 'AwsSolutions-COG4',
        reason:
          'Tokens of several user pools (operator, pooled, silo) are verified by the Lambda authorizer, which a Cognito authorizer cannot do.',
      },
      {
        // cdk-nag 3 acknowledges IAM4 per finding (the managed policy), not per rule.
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          'The API Gateway CloudWatch role uses the AWS managed AmazonAPIGatewayPushToCloudWatchLogs policy, the documented way to enable execution logs.',
      },
    ]);
  }
}
