import { CfnOutput, type Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { controlPlaneAuthorizerFunction } from '../../authorizer/infra';
import { approvals } from '../../functions/approvals/infra';
import { auditLog } from '../../functions/audit/infra';
import { executionsFunction } from '../../functions/executions/infra';
import {
  cleanupStoppedOnboardingFunction,
  onboardingStepFunctions,
  recordOnboardingFailureFunction,
} from '../../functions/onboarding-steps/infra';
import { registrationsFunction } from '../../functions/registrations/infra';
import { releasesFunction } from '../../functions/releases/infra';
import { telemetryFunction } from '../../functions/telemetry/infra';
import { tenantsFunction } from '../../functions/tenants/infra';
import { usersFunction } from '../../functions/users/infra';
import { onboardingStateMachine, recordFailedOnboardings } from '../../workflows/onboarding-state-machine';
import { stoppedOnboardingCleanup } from '../../workflows/stopped-onboarding-cleanup-state-machine';
import { LifecycleEventBus } from '../constructs/lifecycle-event-bus';
import { Observability } from '../constructs/observability/observability';
import { RoutedRestApi } from '../constructs/routed-rest-api';
import { TENANT_PIPELINE_NAME } from '../constructs/tenant-pipeline';
import { TenantUserPool } from '../constructs/tenant-user-pool';
import type { FoundationStack } from './foundation-stack';
import type { TenantStack } from './tenant-stack';

export interface ControlPlaneStackProps extends StackProps {
  readonly foundation: FoundationStack;
  readonly pooledStack: TenantStack;
  /** The tenant pipeline a silo tenant's onboarding starts. @default 'tenantflow-tenant-pipeline' */
  readonly tenantPipelineName?: string;
  /** Sender of the welcome mail (an SES-verified identity on AWS). @default 'no-reply@tenantflow.example.com' */
  readonly mailFrom?: string;
  /** Subscribed to the alarm topic `tenantflow-alarms`. @default no subscription */
  readonly alarmEmail?: string;
  /** Tiers whose sign-ups wait for an operator's approval. @default ['PLATINUM'] */
  readonly approvalTiers?: readonly string[];
  /** How long a sign-up may wait for approval. @default 7 days */
  readonly approvalTimeout?: Duration;
}

/**
 * The control plane: registrations, the operator user pool, the onboarding state machine and
 * its step functions, the lifecycle event bus, the control-plane REST API, and the deployment's observability (dashboard,
 * alarms, saved queries, Contributor Insights rules, X-Ray groups). Each piece is built by its own module
 * (`functions/<service>/infra.ts`, `workflows/*-state-machine.ts`) in this stack's scope, so
 * logical ids stay those of the stack; adding an endpoint is one module and one service below.
 */
export class ControlPlaneStack extends Stack {
  /** What the web apps' config.json needs (docs/api.md "Discovery"). */
  readonly consoleConfig: {
    readonly controlPlaneApiUrl: string;
    readonly operatorUserPoolId: string;
    readonly operatorClientId: string;
  };

  constructor(scope: Construct, id: string, props: ControlPlaneStackProps) {
    super(scope, id, props);
    const { foundation, pooledStack } = props;
    const mailFrom = props.mailFrom ?? 'no-reply@tenantflow.example.com';
    const operators = new TenantUserPool(this, 'OperatorIdentity', { signInWithEmail: true });

    const pendingApprovals = approvals(this, { foundation });
    const steps = onboardingStepFunctions(this, {
      foundation,
      pooledStack,
      mailFrom,
      tenantPipelineName: props.tenantPipelineName ?? TENANT_PIPELINE_NAME,
      approvals: pendingApprovals,
    });
    const onboarding = onboardingStateMachine(this, steps, {
      approvalTiers: props.approvalTiers,
      approvalTimeout: props.approvalTimeout,
    });
    // Unsuccessful executions are recorded on the tenant, and stopped ones cleaned up, by rules on
    // the execution status change events (not by a Catch: redrive must resume at the failed step).
    const recordFailure = recordOnboardingFailureFunction(this, { foundation, onboarding });
    const cleanup = cleanupStoppedOnboardingFunction(this, { foundation, onboarding });
    recordFailedOnboardings(this, onboarding, recordFailure);
    stoppedOnboardingCleanup(this, onboarding, cleanup);

    const audit = auditLog(this);
    const operations = {
      registrations: registrationsFunction(this, { foundation, onboarding, approvals: pendingApprovals.table }),
      executions: executionsFunction(this, { foundation, onboarding, approvals: pendingApprovals.table }),
      releases: releasesFunction(this, { foundation }),
      tenants: tenantsFunction(this, { foundation, pooledApiUrl: pooledStack.api.url }),
      users: usersFunction(this, { foundation, mailFrom }),
      audit: audit.reader,
    };
    // The services whose routes change state append to the audit log (the route table names the actions).
    for (const fn of [operations.executions, operations.tenants, operations.users]) audit.grantAppend(fn);
    const onboardingFunctions = [...Object.values(steps), recordFailure, cleanup];
    // Each lifecycle transition is an event on this bus; only the functions that emit may put.
    new LifecycleEventBus(this, 'LifecycleEvents').grantPutEvents(
      steps.storeTenant,
      steps.activateTenant,
      steps.closeRejectedRegistration,
      recordFailure,
      operations.tenants,
    );
    const services = {
      ...operations,
      // Reads the lines every other function writes about a tenant (its own carry no tenant).
      telemetry: telemetryFunction(this, {
        foundation,
        pooledApiLogGroups: pooledStack.telemetry.functions.map((fn) => fn.logGroup),
        sharedLogGroups: [...Object.values(operations), ...onboardingFunctions].map((fn) => fn.logGroup),
      }),
    };
    const api = new RoutedRestApi(this, 'ControlPlaneApi', {
      api: 'control-plane',
      restApiName: 'tenantflow-control-plane',
      services,
      authorizerFunction: controlPlaneAuthorizerFunction(this, { foundation, operators }),
    }).api;

    new Observability(this, 'Observability', {
      tenantApi: pooledStack.telemetry,
      controlPlaneFunctions: Object.values(services),
      onboarding,
      onboardingFunctions,
      alarmEmail: props.alarmEmail,
    });

    this.consoleConfig = {
      controlPlaneApiUrl: api.url,
      operatorUserPoolId: operators.userPool.userPoolId,
      operatorClientId: operators.appClient.userPoolClientId,
    };
    new CfnOutput(this, 'ControlPlaneApiUrl', { value: api.url });
    new CfnOutput(this, 'OperatorUserPoolId', { value: operators.userPool.userPoolId });
    new CfnOutput(this, 'OperatorClientId', { value: operators.appClient.userPoolClientId });
    new CfnOutput(this, 'OnboardingStateMachineArn', { value: onboarding.stateMachineArn });
  }
}
