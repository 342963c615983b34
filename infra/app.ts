/**
 * The tenantflow CDK app: foundation (registry tables, pooled identity, layer) → pooled tenant
 * stack → control plane. `buildApp` is shared by `cdk synth` (scripts/cdk-app.ts, which builds
 * the web apps first), the local cloud and the infra tests, so all three see the same templates.
 * infra/ never imports console/ or local/: whoever builds the web apps passes their directory.
 */
import { App, type AppProps, Duration, Stage } from 'aws-cdk-lib';
import { isTierName, TIER_NAMES, type TierName } from '../contracts/tiers';
import { logLevelOf } from './constructs/observability/function-environment';
import { ConsoleStack } from './stacks/console-stack';
import { ControlPlaneStack } from './stacks/control-plane-stack';
import { FoundationStack } from './stacks/foundation-stack';
import { PipelineStack } from './stacks/pipeline-stack';
import { TenantStack } from './stacks/tenant-stack';

export const STACK_NAMES = {
  foundation: 'tenantflow-foundation',
  pooled: 'tenantflow-pooled',
  controlPlane: 'tenantflow-control-plane',
  console: 'tenantflow-console',
  pipeline: 'tenantflow-pipeline',
  /** The silo tenant template, in stage `TenantTemplate`: deployed per tenant by the release fan-out, never by `cdk deploy`. */
  siloTemplate: 'tenantflow-silo-template',
} as const;

/** The stage holding the silo template (outside `cdk deploy --all`). */
export const TENANT_TEMPLATE_STAGE = 'TenantTemplate';

export interface BuildAppProps extends AppProps {
  /** The built web apps the console stack deploys (see `ConsoleStackProps.siteDir`). @default console/dist */
  readonly siteDir?: string;
}

export function buildApp(props: BuildAppProps = {}): App {
  const { siteDir, ...appProps } = props;
  const app = new App(appProps);
  // Read by every function (AppFunction); checked here first, so a bad value fails before any stack is built.
  logLevelOf(app);
  const foundation = new FoundationStack(app, STACK_NAMES.foundation, {
    description: 'tenantflow: tenant registry, pooled identity, tenant-context layer',
  });
  const pooledStack = new TenantStack(app, STACK_NAMES.pooled, {
    description: 'tenantflow: pooled tenant application (BASIC, STANDARD, PREMIUM)',
    foundation,
    deploymentModel: 'pool',
    authorizerCacheTtl: authorizerCacheTtlOf(app),
  });
  const controlPlane = new ControlPlaneStack(app, STACK_NAMES.controlPlane, {
    description: 'tenantflow: control plane (registrations, onboarding, operators)',
    foundation,
    pooledStack,
    mailFrom: app.node.tryGetContext('mailFrom'),
    alarmEmail: alarmEmailOf(app),
    approvalTiers: approvalTiersOf(app),
    approvalTimeout: approvalTimeoutOf(app),
  });
  new ConsoleStack(app, STACK_NAMES.console, {
    description: 'tenantflow: web apps (operator console, sign-up, commerce app) on S3 + CloudFront',
    consoleConfig: controlPlane.consoleConfig,
    siteDir,
  });
  const tenantTemplate = new Stage(app, TENANT_TEMPLATE_STAGE);
  const siloTemplate = new TenantStack(tenantTemplate, 'Silo', {
    stackName: STACK_NAMES.siloTemplate,
    description: "tenantflow: a PLATINUM tenant's own application stack (template; one stack per tenant)",
    deploymentModel: 'silo',
    authorizerCacheTtl: authorizerCacheTtlOf(app),
  });
  new PipelineStack(app, STACK_NAMES.pipeline, {
    description: 'tenantflow: tenant pipeline (CodePipeline V2) and the release fan-out to silo tenant stacks',
    foundation,
    siloTemplateStackName: STACK_NAMES.siloTemplate,
    siloTemplateAssetsManifest: `assembly-${tenantTemplate.artifactId}/${siloTemplate.artifactId}.assets.json`,
    toleratedFailurePercentage: releaseToleratedFailurePercentageOf(app),
  });
  return app;
}

/**
 * The tenant API's authorizer result cache TTL from context `authorizerCacheTtlSeconds`
 * (`cdk deploy -c authorizerCacheTtlSeconds=300`), default 60 s.
 */
export function authorizerCacheTtlOf(app: App): Duration | undefined {
  const raw: unknown = app.node.tryGetContext('authorizerCacheTtlSeconds');
  if (raw === undefined || raw === '') return undefined;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 0)
    throw new Error(`Context authorizerCacheTtlSeconds must be a whole number of seconds, got ${String(raw)}`);
  return Duration.seconds(seconds);
}

/**
 * Share of a release wave's tenants (percent) that may fail before the release stops, from
 * context `releaseToleratedFailurePercentage` (`cdk deploy -c releaseToleratedFailurePercentage=20`), default 10.
 */
export function releaseToleratedFailurePercentageOf(app: App): number | undefined {
  const raw: unknown = app.node.tryGetContext('releaseToleratedFailurePercentage');
  if (raw === undefined || raw === '') return undefined;
  const percent = Number(raw);
  if (!Number.isFinite(percent) || percent < 0 || percent > 100)
    throw new Error(`Context releaseToleratedFailurePercentage must be 0-100, got ${String(raw)}`);
  return percent;
}

/**
 * The address subscribed to the alarm topic, from context `alarmEmail`
 * (`cdk deploy -c alarmEmail=ops@example.com`); none by default.
 */
export function alarmEmailOf(app: App): string | undefined {
  const raw: unknown = app.node.tryGetContext('alarmEmail');
  if (raw === undefined || raw === '') return undefined;
  const email = String(raw).trim();
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
    throw new Error(`Context alarmEmail must be an email address, got ${String(raw)}`);
  return email;
}

/**
 * Tiers whose sign-ups wait for an operator's approval, from context `approvalTiers`: a JSON list
 * (`cdk.json`) or a comma-separated string (`-c approvalTiers=PLATINUM,PREMIUM`; `-c approvalTiers=`
 * for none); default `["PLATINUM"]`.
 */
export function approvalTiersOf(app: App): readonly TierName[] | undefined {
  const raw: unknown = app.node.tryGetContext('approvalTiers');
  if (raw === undefined) return undefined;
  const tiers = Array.isArray(raw)
    ? raw.map(String)
    : String(raw)
        .split(',')
        .map((tier) => tier.trim())
        .filter(Boolean);
  const unknown = tiers.filter((tier) => !isTierName(tier));
  if (unknown.length > 0)
    throw new Error(
      `Context approvalTiers names unknown tiers ${unknown.join(', ')}; tiers are ${TIER_NAMES.join(', ')}`,
    );
  return tiers as TierName[];
}

/** How long a sign-up may wait for approval, from context `approvalTimeoutDays` (1–30), default 7. */
export function approvalTimeoutOf(app: App): Duration | undefined {
  const raw: unknown = app.node.tryGetContext('approvalTimeoutDays');
  if (raw === undefined || raw === '') return undefined;
  const days = Number(raw);
  if (!Number.isInteger(days) || days < 1 || days > 30)
    throw new Error(`Context approvalTimeoutDays must be a whole number of days from 1 to 30, got ${String(raw)}`);
  return Duration.days(days);
}
