/**
 * X-Ray groups and sampling rules: created by the deployer (`AWS::XRay::Group`,
 * `AWS::XRay::SamplingRule`) or through the API, kept in a JSON file under the data directory.
 * A group's filter expression is parsed when it is stored, so a bad one fails the deployment
 * as it would on AWS. Sampling rules are kept and listed, but the local cloud samples every
 * request whatever they say.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FilterExpressionError, type FilterNode, parseFilterExpression, referencedGroups } from './filter-expression';

/** A group as X-Ray's API returns it. */
export interface GroupShape {
  readonly GroupName: string;
  readonly GroupARN: string;
  readonly FilterExpression?: string;
  readonly InsightsConfiguration: { readonly InsightsEnabled: boolean; readonly NotificationsEnabled: boolean };
}

/** A sampling rule, as given (`SamplingRule` of the resource or the API), with its ARN. */
export interface SamplingRuleShape {
  readonly RuleName: string;
  readonly RuleARN: string;
  readonly [field: string]: unknown;
}

interface Persisted {
  groups: GroupShape[];
  samplingRules: SamplingRuleShape[];
}

/** The file, under the X-Ray directory, that holds groups and sampling rules. */
export const GROUPS_FILE = 'groups.json';
const DEFAULT_GROUP = 'Default';

/** Groups and sampling rules of the local X-Ray. */
export class XRayGroups {
  private readonly groups = new Map<string, GroupShape>();
  private readonly filters = new Map<string, FilterNode>();
  private readonly rules = new Map<string, SamplingRuleShape>();
  private readonly file: string;

  constructor(
    dir: string,
    private readonly arnPrefix: string,
  ) {
    fs.mkdirSync(dir, { recursive: true });
    this.file = path.join(dir, GROUPS_FILE);
    const saved: Persisted = fs.existsSync(this.file)
      ? JSON.parse(fs.readFileSync(this.file, 'utf8'))
      : { groups: [], samplingRules: [] };
    for (const group of saved.groups) {
      try {
        this.remember(group);
      } catch {
        // A stored group whose filter no longer parses is dropped rather than failing the start.
      }
    }
    for (const rule of saved.samplingRules) this.rules.set(rule.RuleName, rule);
  }

  /** Creates or replaces a group; throws {@link FilterExpressionError} for a bad filter. */
  putGroup(
    name: string,
    filterExpression?: string,
    insights?: Partial<GroupShape['InsightsConfiguration']>,
  ): GroupShape {
    if (name === DEFAULT_GROUP) throw new FilterExpressionError('The Default group cannot be changed', 0);
    const group: GroupShape = {
      GroupName: name,
      GroupARN: `${this.arnPrefix}:group/${name}/${createHash('sha256').update(name).digest('hex').slice(0, 26).toUpperCase()}`,
      FilterExpression: filterExpression,
      InsightsConfiguration: {
        InsightsEnabled: insights?.InsightsEnabled === true,
        NotificationsEnabled: insights?.NotificationsEnabled === true,
      },
    };
    this.remember(group);
    this.save();
    return group;
  }

  /** A group by name or ARN, the Default group included. */
  group(nameOrArn: string): GroupShape | undefined {
    if (nameOrArn === DEFAULT_GROUP || nameOrArn === this.defaultGroup().GroupARN) return this.defaultGroup();
    return this.groups.get(nameOrArn) ?? [...this.groups.values()].find((group) => group.GroupARN === nameOrArn);
  }

  /** The parsed filter of a group by name or ARN (undefined: no filter, every trace is in it). */
  filterOf(nameOrArn: string): FilterNode | undefined {
    const group = this.group(nameOrArn);
    return group ? this.filters.get(group.GroupName) : undefined;
  }

  /** Every group, Default first. */
  all(): GroupShape[] {
    return [this.defaultGroup(), ...this.groups.values()];
  }

  /** Deletes a group; false if there is none of that name or ARN. */
  deleteGroup(nameOrArn: string): boolean {
    const group = this.group(nameOrArn);
    if (!group || group.GroupName === DEFAULT_GROUP) return false;
    this.groups.delete(group.GroupName);
    this.filters.delete(group.GroupName);
    this.save();
    return true;
  }

  /** Creates or replaces a sampling rule (kept and listed; locally every request is sampled). */
  putSamplingRule(rule: Record<string, unknown>): SamplingRuleShape {
    const name = String(rule.RuleName ?? '');
    if (name === '') throw new FilterExpressionError('A sampling rule needs a RuleName', 0);
    const stored: SamplingRuleShape = { ...rule, RuleName: name, RuleARN: `${this.arnPrefix}:sampling-rule/${name}` };
    this.rules.set(name, stored);
    this.save();
    return stored;
  }

  /** The stored sampling rules (the Default rule is the API's to add). */
  samplingRules(): SamplingRuleShape[] {
    return [...this.rules.values()];
  }

  /** Forgets a sampling rule by name or ARN. */
  deleteSamplingRule(nameOrArn: string): void {
    for (const [name, rule] of this.rules)
      if (name === nameOrArn || rule.RuleARN === nameOrArn) this.rules.delete(name);
    this.save();
  }

  private defaultGroup(): GroupShape {
    return {
      GroupName: DEFAULT_GROUP,
      GroupARN: `${this.arnPrefix}:group/${DEFAULT_GROUP}`,
      InsightsConfiguration: { InsightsEnabled: false, NotificationsEnabled: false },
    };
  }

  private remember(group: GroupShape): void {
    if (group.FilterExpression) {
      const filter = parseFilterExpression(group.FilterExpression);
      // A group's filter naming a group could loop; X-Ray allows none either.
      if (referencedGroups(filter).length > 0)
        throw new FilterExpressionError('A group filter cannot refer to a group', 0);
      this.filters.set(group.GroupName, filter);
    } else this.filters.delete(group.GroupName);
    this.groups.set(group.GroupName, group);
  }

  private save(): void {
    const persisted: Persisted = { groups: [...this.groups.values()], samplingRules: [...this.rules.values()] };
    fs.writeFileSync(`${this.file}.tmp`, JSON.stringify(persisted, null, 1));
    fs.renameSync(`${this.file}.tmp`, this.file);
  }
}
