import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { acknowledge } from './nag';

export interface TenantUserPoolProps {
  /** Sign in with the email address as username (operators) instead of a username. @default false */
  readonly signInWithEmail?: boolean;
}

/**
 * A user pool of tenantflow: custom:tenantId and custom:userRole that the app client can read
 * but never write, USER_PASSWORD_AUTH and SRP, no self sign-up (users are created by admins),
 * a strong password policy and temporary passwords that expire.
 */
export class TenantUserPool extends Construct {
  readonly userPool: cognito.UserPool;
  readonly appClient: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: TenantUserPoolProps = {}) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: props.signInWithEmail ? { email: true } : { username: true },
      signInCaseSensitive: false,
      standardAttributes: { email: { required: true, mutable: true } },
      customAttributes: {
        tenantId: new cognito.StringAttribute({ mutable: true }),
        userRole: new cognito.StringAttribute({ mutable: true }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(7),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const standardReadable = new cognito.ClientAttributes().withStandardAttributes({
      email: true,
      emailVerified: true,
    });
    this.appClient = this.userPool.addClient('AppClient', {
      authFlows: { userPassword: true, userSrp: true },
      preventUserExistenceErrors: true,
      readAttributes: standardReadable.withCustomAttributes('tenantId', 'userRole'),
      // Users may change their email, never their tenant or role.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ email: true }),
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
    });
    acknowledge(this.userPool, [
      {
        id: 'AwsSolutions-COG2',
        reason:
          'MFA is left to each SaaS builder (it needs an SMS or TOTP setup per pool); the pool enforces a strong password policy.',
      },
      {
        id: 'AwsSolutions-COG3',
        reason:
          'Advanced security (threat protection) is a paid Plus-plan feature; the Essentials plan is the default here and can be raised per deployment.',
      },
      {
        id: 'AwsSolutions-COG8',
        reason:
          'The Plus feature plan is billed per monthly active user; the Essentials plan is the default here and can be raised per deployment (see COG3).',
      },
    ]);
  }
}
