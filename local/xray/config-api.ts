/**
 * The configuration operations of the local X-Ray API: groups (CreateGroup, GetGroup, GetGroups,
 * UpdateGroup, DeleteGroup) and sampling (GetSamplingRules, GetSamplingTargets, Create/Delete
 * SamplingRule). Sampling answers say "sample everything": the local cloud keeps every trace,
 * so an SDK that asks the daemon for rules (outside Lambda) records every request.
 */
import { FilterExpressionError } from './filter-expression';
import type { XRayGroups } from './groups';
import { type Body, XRayApiError } from './traces-api';

const invalid = (message: string) => new XRayApiError('InvalidRequestException', message);

type Insights = { InsightsEnabled?: boolean; NotificationsEnabled?: boolean };

/** Runs a group change, turning a bad filter expression into InvalidRequestException. */
function changing<T>(change: () => T): T {
  try {
    return change();
  } catch (error) {
    if (error instanceof FilterExpressionError) throw invalid(error.message);
    throw error;
  }
}

function groupNameOf(body: Body): string {
  const name = body.GroupName ?? body.GroupARN;
  if (typeof name !== 'string' || name === '') throw invalid('GroupName or GroupARN is required');
  return name;
}

/** The default rule the local X-Ray hands out: every request, no reservoir limit. */
function defaultRule(arnPrefix: string) {
  return {
    RuleName: 'Default',
    RuleARN: `${arnPrefix}:sampling-rule/Default`,
    ResourceARN: '*',
    Priority: 10000,
    FixedRate: 1,
    ReservoirSize: 0,
    ServiceName: '*',
    ServiceType: '*',
    Host: '*',
    HTTPMethod: '*',
    URLPath: '*',
    Version: 1,
    Attributes: {},
  };
}

/** The configuration operations by REST path. */
export function configOperations(
  groups: XRayGroups,
  arnPrefix: string,
  now: () => number,
): Record<string, (body: Body) => unknown> {
  const record = (rule: Record<string, unknown>) => ({ SamplingRule: rule, CreatedAt: 0, ModifiedAt: 0 });
  return {
    '/CreateGroup': (body) => {
      const name = String(body.GroupName ?? '');
      if (!/^[A-Za-z0-9_.-]{1,32}$/.test(name)) throw invalid('GroupName must be 1-32 letters, digits, . _ or -');
      if (groups.group(name)) throw invalid(`Group ${name} already exists`);
      return {
        Group: changing(() =>
          groups.putGroup(name, body.FilterExpression as string, body.InsightsConfiguration as Insights),
        ),
      };
    },
    '/UpdateGroup': (body) => {
      const existing = groups.group(groupNameOf(body));
      if (!existing) throw invalid(`Group ${groupNameOf(body)} does not exist`);
      const filter = (body.FilterExpression as string | undefined) ?? existing.FilterExpression;
      const insights = (body.InsightsConfiguration as Insights | undefined) ?? existing.InsightsConfiguration;
      return { Group: changing(() => groups.putGroup(existing.GroupName, filter, insights)) };
    },
    '/GetGroup': (body) => {
      const group = groups.group(groupNameOf(body));
      if (!group) throw invalid(`Group ${groupNameOf(body)} does not exist`);
      return { Group: group };
    },
    '/Groups': () => ({ Groups: groups.all() }),
    '/DeleteGroup': (body) => {
      if (!groups.deleteGroup(groupNameOf(body))) throw invalid(`Group ${groupNameOf(body)} does not exist`);
      return {};
    },
    '/GetSamplingRules': () => ({
      SamplingRuleRecords: [defaultRule(arnPrefix), ...groups.samplingRules()].map(record),
    }),
    '/SamplingTargets': (body) => ({
      SamplingTargetDocuments: ((body.SamplingStatisticsDocuments ?? []) as { RuleName?: string }[]).map((doc) => ({
        RuleName: doc.RuleName,
        FixedRate: 1,
        ReservoirQuota: 0,
        ReservoirQuotaTTL: now() / 1000 + 10,
        Interval: 10,
      })),
      LastRuleModification: 0,
      UnprocessedStatistics: [],
    }),
    '/CreateSamplingRule': (body) => ({
      SamplingRuleRecord: record(
        changing(() => groups.putSamplingRule((body.SamplingRule ?? {}) as Record<string, unknown>)),
      ),
    }),
    '/DeleteSamplingRule': (body) => {
      const name = String(body.RuleName ?? body.RuleARN ?? '');
      const rule = groups.samplingRules().find((r) => r.RuleName === name || r.RuleARN === name);
      if (!rule) throw invalid(`Sampling rule ${name} does not exist`);
      groups.deleteSamplingRule(name);
      return { SamplingRuleRecord: record(rule) };
    },
  };
}
