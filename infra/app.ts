/**
 * The tenantflow CDK app: foundation (registry tables, pooled identity, layer) → pooled tenant
 * stack → control plane. `buildApp` is shared by `cdk synth` (infra/bin/app.ts), the local
 * cloud and the infra tests, so all three see the same templates.
 */
import { App, type AppProps } from 'aws-cdk-lib';
import { ControlPlaneStack } from './stacks/control-plane-stack';
import { FoundationStack } from './stacks/foundation-stack';
import { TenantStack } from './stacks/tenant-stack';

export const STACK_NAMES = {
  foundation: 'tenantflow-foundation',
  pooled: 'tenantflow-pooled',
  controlPlane: 'tenantflow-control-plane',
} as const;

export function buildApp(props: AppProps = {}): App {
  const app = new App(props);
  const foundation = new FoundationStack(app, STACK_NAMES.foundation, { description: 'tenantflow: tenant registry, pooled identity, tenant-context layer' });
  const pooledStack = new TenantStack(app, STACK_NAMES.pooled, {
    description: 'tenantflow: pooled tenant application (BASIC, STANDARD, PREMIUM)',
    foundation,
    deploymentModel: 'pool',
  });
  new ControlPlaneStack(app, STACK_NAMES.controlPlane, {
    description: 'tenantflow: control plane (registrations, onboarding, operators)',
    foundation,
    pooledStack,
    mailFrom: app.node.tryGetContext('mailFrom'),
  });
  return app;
}
