/**
 * Tenant-aware observability on AWS (docs/observability.md): the Powertools environment of every
 * function, the APIs' access logs and their throttle metric filter, and the control plane's X-Ray
 * groups, saved queries, Contributor Insights rules, alarms, topic and dashboard. Every name the
 * emitting functions share with these resources is read from contracts/observability.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Stack, type Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DIMENSIONS,
  LOG_KEYS,
  METRIC_NAMESPACE,
  METRICS,
  REQUEST_LOG_MESSAGE,
  TRACE_ANNOTATIONS,
} from '../../contracts/observability';
import { TIER_NAMES } from '../../contracts/tiers';
import { buildApp, STACK_NAMES, TENANT_TEMPLATE_STAGE } from '../../infra/app';
import { REPO_ROOT } from '../../infra/constructs/app-function';
import { ACCESS_LOG_KEYS, THROTTLED_STATUS } from '../../infra/constructs/observability/access-log';
import { ALARM_TOPIC_NAME, SERVER_ERROR_RATE_THRESHOLD } from '../../infra/constructs/observability/alarms';
import { INSIGHT_RULE_NAMES, SILO_LOG_GROUPS } from '../../infra/constructs/observability/contributor-insights';
import { DASHBOARD_NAME } from '../../infra/constructs/observability/dashboard';
import { QUERY_FOLDER, SAVED_QUERIES, TENANT_ID_PLACEHOLDER } from '../../infra/constructs/observability/saved-queries';
import { synthForAssertions, type TestApp, withoutCfnValidation } from '../support/infra/synth';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON
type Json = Record<string, any>;

let built: TestApp;
let controlPlane: Json;
let pooled: Json;
let silo: Json;

beforeAll(() => {
  built = synthForAssertions();
  controlPlane = built.template(STACK_NAMES.controlPlane).toJSON();
  pooled = built.template(STACK_NAMES.pooled).toJSON();
  const stage = built.app.node.findChild(TENANT_TEMPLATE_STAGE) as Stage;
  silo = Template.fromStack(stage.node.findChild('Silo') as Stack).toJSON();
});

afterAll(() => built?.cleanup());

const resourcesOf = (template: Json, type: string): [string, Json][] =>
  Object.entries(template.Resources as Record<string, Json>).filter(([, r]) => r.Type === type);
const propertiesOf = (template: Json, type: string): Json[] => resourcesOf(template, type).map(([, r]) => r.Properties);
const one = (template: Json, type: string): Json => {
  const found = propertiesOf(template, type);
  expect(found).toHaveLength(1);
  return found[0] as Json;
};
/** The logical id of the one resource of `type` whose id starts with `prefix`. */
const idOf = (template: Json, prefix: string, type: string): string => {
  const found = resourcesOf(template, type).filter(([id]) => id.startsWith(prefix));
  expect(found).toHaveLength(1);
  return found[0]?.[0] as string;
};
/** A string built with Fn::Join: each token becomes `«<its JSON>»`, so the text can be read (and parsed, inside strings). */
const joined = (value: unknown): string => {
  const token = (part: unknown) => `«${JSON.stringify(part).replace(/"/g, "'")}»`;
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (!join) return token(value);
  return join[1].map((part) => (typeof part === 'string' ? part : token(part))).join('');
};
/** How a pooled stack resource's Ref, imported by the control plane, starts once `joined`. */
const importOf = (logicalId: string) => `«{'Fn::ImportValue':'${STACK_NAMES.pooled}:ExportsOutputRef${logicalId}`;
/** The values are the imports of exactly these pooled resources, in this order. */
const expectImports = (values: readonly string[], logicalIds: readonly string[]) => {
  expect(values).toHaveLength(logicalIds.length);
  for (const [index, id] of logicalIds.entries())
    expect(values[index]?.startsWith(importOf(id)), `${values[index]} ← ${id}`).toBe(true);
};
/** Each REST API's template (once synthesized) and the id prefix of its RoutedRestApi. */
const APIS = [
  ['pooled', () => pooled, 'TenantApi'],
  ['control plane', () => controlPlane, 'ControlPlaneApi'],
  ['silo', () => silo, 'TenantApi'],
] as const;

describe('function environment (AppFunction)', () => {
  it('gives every function its Powertools service, the contract namespace, level INFO and no captured responses', () => {
    const functions = [controlPlane, pooled, silo, built.template(STACK_NAMES.pipeline).toJSON()].flatMap((t) =>
      resourcesOf(t, 'AWS::Lambda::Function').filter(([id]) => !id.startsWith('CustomCDKBucketDeployment')),
    );
    expect(functions.length).toBeGreaterThan(20);
    for (const [id, fn] of functions) {
      expect(fn.Properties.Environment.Variables, id).toMatchObject({
        POWERTOOLS_SERVICE_NAME: expect.stringMatching(/^[A-Z]\w+Function$/),
        POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
      });
      expect(id.startsWith(fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME), id).toBe(true);
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    }
  });
});

describe('context logLevel and alarmEmail', () => {
  const templatesWith = (context: Record<string, unknown>) =>
    withoutCfnValidation(() => {
      const app = buildApp({ context: { ...context, [BUNDLING_STACKS]: [] } });
      const stackNamed = (name: string) =>
        Template.fromStack(
          app.node.children.find((c) => Stack.isStack(c) && c.stackName === name) as Stack,
        ).toJSON() as Json;
      return { pooled: stackNamed(STACK_NAMES.pooled), controlPlane: stackNamed(STACK_NAMES.controlPlane) };
    });

  it.each([
    ['DEBUG', 'DEBUG'],
    ['warn', 'WARN'],
  ])('sets POWERTOOLS_LOG_LEVEL from logLevel=%s', (value, level) => {
    const fns = propertiesOf(templatesWith({ logLevel: value }).pooled, 'AWS::Lambda::Function');
    expect(fns.map((fn) => fn.Environment.Variables.POWERTOOLS_LOG_LEVEL)).toEqual(fns.map(() => level));
  });

  it.each([['VERBOSE'], ['trace'], ['1']])('refuses logLevel=%s, naming the levels it takes', (value) => {
    expect(() => templatesWith({ logLevel: value })).toThrow(/logLevel must be one of DEBUG, INFO, WARN, ERROR/);
  });

  it('subscribes alarmEmail to the alarm topic, and nothing without it', () => {
    const { controlPlane: withEmail } = templatesWith({ alarmEmail: 'ops@example.com' });
    expect(one(withEmail, 'AWS::SNS::Subscription')).toMatchObject({
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: idOf(withEmail, 'ObservabilityAlarmsTopic', 'AWS::SNS::Topic') },
    });
    expect(propertiesOf(controlPlane, 'AWS::SNS::Subscription')).toEqual([]);
  });

  it('refuses an alarmEmail that is no address', () => {
    expect(() => templatesWith({ alarmEmail: 'ops at example' })).toThrow(/alarmEmail must be an email address/);
  });
});

describe('API stage access logs', () => {
  /** The access log format with every $context variable replaced by a sample: a JSON line. */
  const sampleLine = (format: string) => JSON.parse(format.replace(/\$context\.[\w.]+/g, '0')) as Json;
  const variablesOf = (format: string) =>
    Object.fromEntries([...format.matchAll(/"(\w+)":"?(\$context\.[\w.]+)"?/g)].map((m) => [m[1], m[2]]));

  it.each(APIS)(
    'writes one JSON line per request on the %s API, traced, to its own log group',
    (_name, template, api) => {
      const t = template();
      const stage = one(t, 'AWS::ApiGateway::Stage');
      expect(stage.TracingEnabled).toBe(true);
      expect(stage.AccessLogSetting.DestinationArn).toEqual({
        'Fn::GetAtt': [idOf(t, `${api}AccessLogs`, 'AWS::Logs::LogGroup'), 'Arn'],
      });
    },
  );

  it.each(APIS)('logs the tenant and tier of the authorizer context on the %s API', (_name, template) => {
    const format = one(template(), 'AWS::ApiGateway::Stage').AccessLogSetting.Format as string;
    expect(Object.keys(sampleLine(format))).toEqual(Object.values(ACCESS_LOG_KEYS));
    expect(variablesOf(format)).toEqual({
      [ACCESS_LOG_KEYS.requestId]: '$context.requestId',
      [ACCESS_LOG_KEYS.time]: '$context.requestTime',
      [ACCESS_LOG_KEYS.httpMethod]: '$context.httpMethod',
      [ACCESS_LOG_KEYS.resourcePath]: '$context.resourcePath',
      [ACCESS_LOG_KEYS.status]: '$context.status',
      [ACCESS_LOG_KEYS.responseLatency]: '$context.responseLatency',
      [ACCESS_LOG_KEYS.integrationLatency]: '$context.integrationLatency',
      [LOG_KEYS.tenantId]: `$context.authorizer.${LOG_KEYS.tenantId}`,
      [LOG_KEYS.tier]: `$context.authorizer.${LOG_KEYS.tier}`,
      [ACCESS_LOG_KEYS.apiKeyId]: '$context.identity.apiKeyId',
      [ACCESS_LOG_KEYS.errorMessage]: '$context.error.message',
    });
    // The status is a JSON number, so the metric filter and the rule compare numbers.
    expect(sampleLine(format)[ACCESS_LOG_KEYS.status]).toBe(0);
  });

  it('leaves the account-wide API Gateway CloudWatch role to the pooled stack alone', () => {
    expect(propertiesOf(pooled, 'AWS::ApiGateway::Account')).toHaveLength(1);
    expect(propertiesOf(controlPlane, 'AWS::ApiGateway::Account')).toEqual([]);
    expect(propertiesOf(silo, 'AWS::ApiGateway::Account')).toEqual([]);
  });
});

describe('throttle metric filter', () => {
  it.each([
    ['pooled', () => pooled],
    ['silo', () => silo],
  ])('counts the %s stage’s 429 answers per tier, unnamed (one per stack)', (_name, template) => {
    const t = template();
    expect(one(t, 'AWS::Logs::MetricFilter')).toEqual({
      LogGroupName: { Ref: idOf(t, 'TenantApiAccessLogs', 'AWS::Logs::LogGroup') },
      FilterPattern: `{ $.${ACCESS_LOG_KEYS.status} = ${THROTTLED_STATUS} }`,
      MetricTransformations: [
        {
          MetricNamespace: METRIC_NAMESPACE,
          MetricName: METRICS.throttled,
          MetricValue: '1',
          Unit: 'Count',
          Dimensions: [{ Key: DIMENSIONS.tier, Value: `$.${LOG_KEYS.tier}` }],
        },
      ],
    });
  });

  it('is not on the control-plane API (no usage plans there)', () => {
    expect(propertiesOf(controlPlane, 'AWS::Logs::MetricFilter')).toEqual([]);
  });
});

describe('X-Ray groups', () => {
  it('has one group per tier, filtering on the tier annotation, with Insights on', () => {
    const groups = propertiesOf(controlPlane, 'AWS::XRay::Group');
    expect(groups.map((g) => g.FilterExpression).sort()).toEqual(
      TIER_NAMES.map((tier) => `annotation.${TRACE_ANNOTATIONS.tier} = "${tier}"`).sort(),
    );
    for (const group of groups) {
      expect(group.GroupName).toMatch(/^tenantflow-[A-Z]+$/);
      expect(group.InsightsConfiguration).toEqual({ InsightsEnabled: true, NotificationsEnabled: false });
    }
  });
});

describe('Logs Insights saved queries', () => {
  const queries = () =>
    Object.fromEntries(
      propertiesOf(controlPlane, 'AWS::Logs::QueryDefinition').map((q) => [q.Name as string, q]),
    ) as Record<string, Json>;
  const query = (name: keyof typeof SAVED_QUERIES) => queries()[`${QUERY_FOLDER}/${name}`] as Json;
  const logGroupsOf = (name: keyof typeof SAVED_QUERIES) => query(name).LogGroupNames.map(joined) as string[];
  const tenantApiLogGroups = () =>
    ['ProductsFunctionLogGroup', 'OrdersFunctionLogGroup'].map((prefix) => idOf(pooled, prefix, 'AWS::Logs::LogGroup'));

  it('saves each query under the tenantflow/ folder', () => {
    expect(Object.keys(queries()).sort()).toEqual(
      Object.keys(SAVED_QUERIES)
        .map((name) => `${QUERY_FOLDER}/${name}`)
        .sort(),
    );
    for (const [name, q] of Object.entries(SAVED_QUERIES))
      expect(query(name as keyof typeof SAVED_QUERIES).QueryString).toBe(q);
  });

  it('reads the request lines of the pooled tenant API’s functions by tenant', () => {
    for (const name of [
      'Requests, errors and latency by tenant',
      'Top tenants by requests',
      'Lambda duration by tenant',
    ] as const) {
      const text = SAVED_QUERIES[name];
      expect(text).toContain(`filter ${LOG_KEYS.message} = "${REQUEST_LOG_MESSAGE}"`);
      expect(text).toContain(`by ${LOG_KEYS.tenantId}, ${LOG_KEYS.tier}`);
      expectImports(logGroupsOf(name), tenantApiLogGroups());
    }
    const requests = SAVED_QUERIES['Requests, errors and latency by tenant'];
    for (const key of [LOG_KEYS.statusCode, LOG_KEYS.latencyMs]) expect(requests).toContain(key);
    expect(requests).toMatch(/pct\(latencyMs, 50\).*pct\(latencyMs, 95\)/);
    expect(SAVED_QUERIES['Lambda duration by tenant']).toContain(`sum(${LOG_KEYS.latencyMs})`);
    expect(SAVED_QUERIES['Lambda REPORT duration by function']).toMatch(
      /@type = "REPORT"[\s\S]*@duration[\s\S]*by @log/,
    );
  });

  it('puts a tenant’s onboarding lines in order, over every onboarding step’s log group', () => {
    const text = SAVED_QUERIES['Onboarding timeline of a tenant'];
    expect(text).toContain(`filter ${LOG_KEYS.tenantId} = "${TENANT_ID_PLACEHOLDER}"`);
    expect(text).toContain(LOG_KEYS.correlationId);
    expect(text).toContain('sort @timestamp asc');
    const refs = query('Onboarding timeline of a tenant').LogGroupNames.map((g: Json) => g.Ref);
    for (const step of [
      'ValidateRegistration',
      'StoreTenant',
      'ActivateTenant',
      'DeployTenantStack',
      'RecordOnboardingFailure',
    ])
      expect(refs).toContain(idOf(controlPlane, `${step}FunctionLogGroup`, 'AWS::Logs::LogGroup'));
  });

  it('counts throttles by tenant from the pooled stage’s access log', () => {
    expect(SAVED_QUERIES['Throttles by tenant']).toContain(`filter ${ACCESS_LOG_KEYS.status} = ${THROTTLED_STATUS}`);
    expect(SAVED_QUERIES['Throttles by tenant']).toContain(`by ${LOG_KEYS.tenantId}, ${LOG_KEYS.tier}`);
    expectImports(logGroupsOf('Throttles by tenant'), [idOf(pooled, 'TenantApiAccessLogs', 'AWS::Logs::LogGroup')]);
  });
});

describe('Contributor Insights rules', () => {
  const rules = () =>
    Object.fromEntries(
      propertiesOf(controlPlane, 'AWS::CloudWatch::InsightRule').map((r) => [r.RuleName, r]),
    ) as Record<string, Json>;
  const bodyOf = (name: string) => JSON.parse(joined(rules()[name]?.RuleBody)) as Json;

  it('ranks tenants (tenantId, tier) by requests, errors and throttles, enabled', () => {
    expect(Object.keys(rules()).sort()).toEqual(Object.values(INSIGHT_RULE_NAMES).sort());
    for (const name of Object.values(INSIGHT_RULE_NAMES)) {
      expect(rules()[name]?.RuleState).toBe('ENABLED');
      expect(bodyOf(name)).toMatchObject({
        Schema: { Name: 'CloudWatchLogRule', Version: 1 },
        LogFormat: 'JSON',
        Contribution: { Keys: [`$.${LOG_KEYS.tenantId}`, `$.${LOG_KEYS.tier}`] },
        AggregateOn: 'Count',
      });
      // Every silo tenant stack's log groups, by prefix, next to the pooled ones.
      expect(bodyOf(name).LogGroupNames).toContain(SILO_LOG_GROUPS);
    }
    expect(SILO_LOG_GROUPS).toBe('tenantflow-silo-*');
  });

  it('filters request lines, error answers (≥ 400) and 429s of the access log', () => {
    const requestLines = { Match: `$.${LOG_KEYS.message}`, In: [REQUEST_LOG_MESSAGE] };
    expect(bodyOf(INSIGHT_RULE_NAMES.requests).Contribution.Filters).toEqual([requestLines]);
    expect(bodyOf(INSIGHT_RULE_NAMES.errors).Contribution.Filters).toEqual([
      requestLines,
      { Match: `$.${LOG_KEYS.statusCode}`, GreaterThan: 399 },
    ]);
    expect(bodyOf(INSIGHT_RULE_NAMES.throttles).Contribution.Filters).toEqual([
      { Match: `$.${ACCESS_LOG_KEYS.status}`, EqualTo: THROTTLED_STATUS },
    ]);
    const pooledLogGroups = (name: string) => (bodyOf(name).LogGroupNames as string[]).slice(0, -1);
    expectImports(pooledLogGroups(INSIGHT_RULE_NAMES.throttles), [
      idOf(pooled, 'TenantApiAccessLogs', 'AWS::Logs::LogGroup'),
    ]);
    for (const name of [INSIGHT_RULE_NAMES.requests, INSIGHT_RULE_NAMES.errors])
      expectImports(
        pooledLogGroups(name),
        ['ProductsFunctionLogGroup', 'OrdersFunctionLogGroup'].map((p) => idOf(pooled, p, 'AWS::Logs::LogGroup')),
      );
  });
});

describe('alarms and their topic', () => {
  const alarms = () =>
    Object.fromEntries(propertiesOf(controlPlane, 'AWS::CloudWatch::Alarm').map((a) => [a.AlarmName, a])) as Record<
      string,
      Json
    >;
  const topicRef = () => ({ Ref: idOf(controlPlane, 'ObservabilityAlarmsTopic', 'AWS::SNS::Topic') });

  it('sends every alarm, and its recovery, to the one topic', () => {
    expect(Object.keys(alarms()).sort()).toEqual(
      ['tenantflow-onboardings-failed', ...TIER_NAMES.map((tier) => `tenantflow-${tier}-5xx-rate`)].sort(),
    );
    for (const alarm of Object.values(alarms())) {
      expect(alarm.AlarmActions).toEqual([topicRef()]);
      expect(alarm.OKActions).toEqual([topicRef()]);
      expect(alarm.TreatMissingData).toBe('notBreaching');
      expect(alarm.EvaluationPeriods).toBe(1);
    }
  });

  it('fires on one failed or timed-out onboarding execution in 5 minutes', () => {
    const alarm = alarms()['tenantflow-onboardings-failed'] as Json;
    expect(alarm).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    const stats = alarm.Metrics.filter((m: Json) => m.MetricStat).map((m: Json) => m.MetricStat);
    expect(stats.map((s: Json) => [s.Metric.Namespace, s.Metric.MetricName, s.Period, s.Stat])).toEqual([
      ['AWS/States', 'ExecutionsFailed', 300, 'Sum'],
      ['AWS/States', 'ExecutionsTimedOut', 300, 'Sum'],
    ]);
    for (const s of stats)
      expect(s.Metric.Dimensions).toEqual([
        {
          Name: 'StateMachineArn',
          Value: { Ref: idOf(controlPlane, 'OnboardingStateMachine', 'AWS::StepFunctions::StateMachine') },
        },
      ]);
  });

  it.each(TIER_NAMES)('fires when more than 5 percent of the %s tier’s answers are 5xx over 5 minutes', (tier) => {
    const alarm = alarms()[`tenantflow-${tier}-5xx-rate`] as Json;
    expect(alarm).toMatchObject({ Threshold: SERVER_ERROR_RATE_THRESHOLD, ComparisonOperator: 'GreaterThanThreshold' });
    const expression = alarm.Metrics.find((m: Json) => m.ReturnData !== false).Expression as string;
    expect(expression).toMatch(/^100 \* SUM\(\[servererrors_[\w,]+\]\) \/ SUM\(\[requests_[\w,]+\]\)$/);
    const stats = alarm.Metrics.filter((m: Json) => m.MetricStat).map((m: Json) => m.MetricStat);
    expect(stats.map((s: Json) => s.Metric.MetricName).sort()).toEqual(
      [METRICS.requests, METRICS.requests, METRICS.serverErrors, METRICS.serverErrors].sort(),
    );
    for (const s of stats) {
      expect(s.Metric.Namespace).toBe(METRIC_NAMESPACE);
      expect(s).toMatchObject({ Period: 300, Stat: 'Sum' });
      expect(s.Metric.Dimensions).toEqual([
        { Name: DIMENSIONS.service, Value: expect.stringMatching(/^(ProductsFunction|OrdersFunction)$/) },
        { Name: DIMENSIONS.tier, Value: tier },
      ]);
    }
  });

  it('has an encrypted topic that refuses non-TLS publishing and lets CloudWatch publish and use the key', () => {
    const topic = one(controlPlane, 'AWS::SNS::Topic');
    const keyId = idOf(controlPlane, 'ObservabilityAlarmsTopicKey', 'AWS::KMS::Key');
    expect(topic).toMatchObject({ TopicName: ALARM_TOPIC_NAME, KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    const key = controlPlane.Resources[keyId].Properties;
    expect(key.EnableKeyRotation).toBe(true);
    expect(key.KeyPolicy.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      }),
    );
    const policy = one(controlPlane, 'AWS::SNS::TopicPolicy');
    expect(policy.Topics).toEqual([topicRef()]);
    expect(policy.PolicyDocument.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Effect: 'Deny',
          Action: 'sns:Publish',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
        expect.objectContaining({
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: 'sns:Publish',
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        }),
      ]),
    );
  });
});

describe('dashboard', () => {
  const body = () => {
    const dashboard = one(controlPlane, 'AWS::CloudWatch::Dashboard');
    expect(dashboard.DashboardName).toBe(DASHBOARD_NAME);
    return joined(dashboard.DashboardBody);
  };
  const widgets = () => JSON.parse(body().replace(/«[^»]*»/g, 'TOKEN')).widgets as Json[];
  const titled = (title: string) => {
    const found = widgets().find((w) => w.properties.title === title);
    expect(found, title).toBeDefined();
    return JSON.stringify(found);
  };

  it('graphs tenant API traffic, errors, 5xx rate, latency and throttles per tier from the contract metrics', () => {
    for (const [title, metric] of [
      ['Tenant API requests per tier', METRICS.requests],
      ['Tenant API client errors (4xx) per tier', METRICS.clientErrors],
      ['Tenant API server errors (5xx) per tier', METRICS.serverErrors],
      ['Tenant API latency p50 (ms) per tier and service', METRICS.latency],
      ['Tenant API latency p95 (ms) per tier and service', METRICS.latency],
      ['Throttled requests (429) per tier', METRICS.throttled],
    ] as const) {
      const widget = titled(title);
      expect(widget).toContain(`"${METRIC_NAMESPACE}","${metric}"`);
      for (const tier of TIER_NAMES) expect(widget).toContain(`"${tier}"`);
    }
    const rate = titled('Tenant API 5xx rate per tier (%)');
    expect(rate).toContain(METRICS.serverErrors);
    expect(rate).toContain(METRICS.requests);
    expect(titled('Tenant API latency p95 (ms) per tier and service')).toContain('"stat":"p95"');
  });

  it('shows the top tenants of each Contributor Insights rule', () => {
    const insightWidgets = widgets().filter((w) => w.properties.insightRule);
    expect(insightWidgets).toHaveLength(3);
    for (const w of insightWidgets)
      expect(w.properties.insightRule).toMatchObject({ maxContributorCount: 10, orderBy: 'Sum' });
    for (const id of ['Requests', 'Errors', 'Throttles'])
      expect(body()).toContain(
        `'Fn::GetAtt':['${idOf(controlPlane, `ObservabilityTopTenants${id}`, 'AWS::CloudWatch::InsightRule')}','RuleName']`,
      );
  });

  it('shows onboardings, their duration, the onboarding executions and release deploy outcomes', () => {
    const onboardings = titled('Onboardings');
    for (const metric of [METRICS.onboardingsSucceeded, METRICS.onboardingsFailed, METRICS.onboardingStepFailures])
      expect(onboardings).toContain(`MetricName=\\"${metric}\\"`);
    expect(titled('Onboarding duration, sign-up to ACTIVE (ms)')).toContain(METRICS.onboardingDuration);
    expect(titled('Onboarding executions (Step Functions)')).toContain('"AWS/States","ExecutionsFailed"');
    const releases = titled('Release deploys of tenant stacks');
    for (const metric of [
      METRICS.releaseDeploysSucceeded,
      METRICS.releaseDeploysUnchanged,
      METRICS.releaseDeploysFailed,
    ])
      expect(releases).toContain(metric);
  });

  it('shows the state of every alarm', () => {
    const alarmWidget = widgets().find((w) => w.type === 'alarm') as Json;
    expect(alarmWidget.properties.alarms).toHaveLength(1 + TIER_NAMES.length);
  });
});

describe('the silo template stays deployable once per tenant', () => {
  it('adds no observability resource with a fixed name, and none of the control plane’s', () => {
    const mf = one(silo, 'AWS::Logs::MetricFilter');
    expect(mf.FilterName).toBeUndefined();
    for (const type of [
      'AWS::XRay::Group',
      'AWS::Logs::QueryDefinition',
      'AWS::CloudWatch::InsightRule',
      'AWS::CloudWatch::Dashboard',
      'AWS::CloudWatch::Alarm',
      'AWS::SNS::Topic',
    ])
      expect(propertiesOf(silo, type), type).toEqual([]);
    for (const logGroup of propertiesOf(silo, 'AWS::Logs::LogGroup')) expect(logGroup.LogGroupName).toBeUndefined();
  });
});

describe('docs/observability.md', () => {
  it('shows every saved query as deployed, and names every rule, alarm, group and the dashboard', () => {
    const doc = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'observability.md'), 'utf8');
    for (const [name, queryString] of Object.entries(SAVED_QUERIES)) {
      expect(doc, name).toContain(`### ${name}`);
      expect(doc, name).toContain(`\`\`\`\n${queryString}\n\`\`\``);
    }
    const names = [
      ...Object.values(INSIGHT_RULE_NAMES),
      'tenantflow-onboardings-failed',
      ALARM_TOPIC_NAME,
      DASHBOARD_NAME,
      ...TIER_NAMES.map((tier) => `tenantflow-${tier}`),
    ];
    for (const name of names) expect(doc).toContain(`\`${name}\``);
    expect(doc).toMatch(/^## On the local cloud$/m);
  });
});
