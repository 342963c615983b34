/**
 * LocalCloudFormation: CreateStack / UpdateStack / DescribeStacks / DeleteStack with AWS's
 * semantics and shapes (as `@aws-sdk/client-cloudformation` has them), in-process. Step
 * Functions' `aws-sdk:cloudformation:*` tasks reach it through the SDK integrations
 * (`local/sdk-integrations.ts`); stacks are deployed with the same deployer `npm start` uses.
 *
 * - Work is asynchronous and serialized (one stack operation at a time, as the deployer shares
 *   the API registry between stacks): create/update/delete return at once with the stack
 *   `*_IN_PROGRESS`, then reach `CREATE_COMPLETE` / `UPDATE_COMPLETE` / `DELETE_COMPLETE`, or
 *   roll back: `CREATE_FAILED` → `ROLLBACK_COMPLETE` (what the attempt registered is undone) and
 *   `UPDATE_ROLLBACK_COMPLETE` (the previous template re-deployed, new resources undone).
 *   `StackStatusReason` keeps the failure's reason after the rollback.
 * - Undo = functions unregistered from the Lambda runtime, REST APIs and usage plans from the
 *   gateway, pipelines from the local CodePipeline, subscription and metric filters and saved
 *   queries from the local CloudWatch Logs, DynamoDB tables and log groups deleted unless their
 *   DeletionPolicy is `Retain` (or `RetainExceptOnCreate` outside a create rollback). Other
 *   registrations (IAM roles, user pools, state machines, rules) stay behind: harmless locally.
 * - Stacks (and a copy of each deployed template and of the Lambda assets it references)
 *   persist under `<dataDir>/`; `restore()` at start re-deploys every stack in a COMPLETE state,
 *   finishes an interrupted delete, and rolls back an interrupted create/update.
 * - Fault injection: `setFault(stackName, times)` makes the next `times` deployments (create or
 *   update; -1: until cleared) of that stack fail after their resources were deployed, so the
 *   rollback path runs.
 * - Benchmarks only: `simulateDeploys(ms)` makes creates and updates take a fixed time instead of
 *   deploying (see {@link LocalCloudFormation.simulateDeploys}).
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../deployer/constants';
import { deployStack } from '../deployer/deploy';
import { type DeployedResource, parseFilterRef, type Services } from '../deployer/resource-handlers';
import { CloudFormationError } from './errors';
import { allAssetDirs, resolveTemplate } from './template-source';

export { CloudFormationError } from './errors';
export { resolveTemplate, templateUrlOf } from './template-source';

/** `{ParameterKey, ParameterValue}` as in the CloudFormation API (UsePreviousValue on update). */
export interface Parameter {
  readonly ParameterKey?: string;
  readonly ParameterValue?: string;
  readonly UsePreviousValue?: boolean;
}

export interface CreateStackInput {
  readonly StackName: string;
  readonly TemplateURL?: string;
  readonly TemplateBody?: string;
  readonly Parameters?: readonly Parameter[];
  readonly Capabilities?: readonly string[];
  readonly Tags?: readonly { Key?: string; Value?: string }[];
  readonly [other: string]: unknown;
}

export interface UpdateStackInput extends CreateStackInput {
  readonly UsePreviousTemplate?: boolean;
}

export interface Output {
  readonly OutputKey: string;
  readonly OutputValue: string;
  readonly Description?: string;
}

/** One stack as DescribeStacks returns it. */
export interface Stack {
  readonly StackName: string;
  readonly StackId: string;
  readonly StackStatus: string;
  readonly StackStatusReason?: string;
  readonly Description?: string;
  readonly Parameters: { ParameterKey: string; ParameterValue: string }[];
  readonly Outputs: Output[];
  readonly Capabilities: string[];
  readonly Tags: { Key: string; Value: string }[];
  readonly CreationTime: Date;
  readonly LastUpdatedTime?: Date;
  readonly DeletionTime?: Date;
}

interface TrackedResource {
  readonly logicalId: string;
  readonly type: string;
  readonly ref: unknown;
  readonly skipped?: boolean;
  readonly deletionPolicy?: string;
}

/** What is persisted per stack. */
interface StackRecord {
  StackName: string;
  StackId: string;
  StackStatus: string;
  StackStatusReason?: string;
  Description?: string;
  Parameters: { ParameterKey: string; ParameterValue: string }[];
  Outputs: Output[];
  Capabilities: string[];
  Tags: { Key: string; Value: string }[];
  CreationTime: string;
  LastUpdatedTime?: string;
  DeletionTime?: string;
  /** The deployed template (a copy under dataDir); absent until the first create succeeds. */
  templateFile?: string;
  /** The template an operation in progress deploys. */
  pendingTemplateFile?: string;
  pendingParameters?: { ParameterKey: string; ParameterValue: string }[];
  /** What the deployed template registered, for delete and rollback. */
  resources: TrackedResource[];
}

interface Template {
  Description?: string;
  Parameters?: Record<string, { Default?: unknown }>;
  Resources?: Record<string, { Type: string; DeletionPolicy?: string; Properties?: Record<string, unknown> }>;
  Outputs?: Record<string, { Description?: string }>;
}

export interface LocalCloudFormationOptions {
  /** Where stacks, template copies and asset copies persist (e.g. `<dataDir>/cloudformation`). */
  readonly dataDir: string;
  readonly services: Services;
  /** The exports of the stacks `npm start` deployed (Fn::ImportValue); read at each deployment, never written. */
  readonly exports: ReadonlyMap<string, string>;
  /** The local cloud assembly (cdk.out) that https TemplateURLs resolve against. */
  readonly assemblyDir: string;
  /** Called once per resource type a deployment skips. */
  readonly onSkippedType?: (type: string) => void;
  /** Diagnostics (a stack that could not be restored at start). @default console.warn */
  readonly log?: (message: string) => void;
}

/** What a simulated deployment does (benchmarks only; see {@link LocalCloudFormation.simulateDeploys}). */
export interface SimulatedDeploys {
  /** How long every create or update takes, ms (the stack is `*_IN_PROGRESS` meanwhile). */
  readonly deployMs: number;
}

const COMPLETE = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE']);
const STACK_NAME = /^[a-zA-Z][-a-zA-Z0-9]{0,127}$/;
const STATE_FILE = 'stacks.json';

/** The in-process CloudFormation service of the local cloud. */
export class LocalCloudFormation {
  private readonly stacks = new Map<string, StackRecord>();
  private readonly deleted: StackRecord[] = [];
  private readonly faults = new Map<string, number>();
  private queue: Promise<void> = Promise.resolve();
  private pendingOps = 0;
  private readonly log: (message: string) => void;
  private simulation: SimulatedDeploys | undefined;
  /** Stacks created or updated by a simulated deployment: never persisted, their template kept here. */
  private readonly simulated = new Map<string, string>();
  private readonly simulating = new Set<Promise<void>>();

  constructor(private readonly opts: LocalCloudFormationOptions) {
    this.log = opts.log ?? ((message) => console.warn(message));
    fs.mkdirSync(path.join(opts.dataDir, 'templates'), { recursive: true });
    const file = path.join(opts.dataDir, STATE_FILE);
    if (fs.existsSync(file)) {
      const state = JSON.parse(fs.readFileSync(file, 'utf8')) as { stacks: StackRecord[]; deleted?: StackRecord[] };
      for (const record of state.stacks) this.stacks.set(record.StackName, record);
      this.deleted.push(...(state.deleted ?? []));
    }
  }

  /** Creates a stack: returns `{StackId}` at once (CREATE_IN_PROGRESS); the deployment runs in the background. */
  async createStack(input: CreateStackInput): Promise<{ StackId: string }> {
    const name = input?.StackName;
    if (typeof name !== 'string' || !STACK_NAME.test(name)) {
      throw new CloudFormationError(
        'ValidationError',
        `1 validation error detected: Value '${String(name)}' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*`,
      );
    }
    if (this.stacks.has(name))
      throw new CloudFormationError('AlreadyExistsException', `Stack [${name}] already exists`);
    const source = resolveTemplate(input, this.opts.assemblyDir);
    const template = parseTemplate(source.body);
    checkCapabilities(template, input.Capabilities ?? []);
    const parameters = resolveParameters(template, input.Parameters ?? [], undefined);
    const now = new Date().toISOString();
    const record: StackRecord = {
      StackName: name,
      StackId: `arn:aws:cloudformation:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stack/${name}/${randomUUID()}`,
      StackStatus: 'CREATE_IN_PROGRESS',
      StackStatusReason: 'User Initiated',
      Description: template.Description,
      Parameters: parameters,
      Outputs: [],
      Capabilities: [...(input.Capabilities ?? [])],
      Tags: tagsOf(input.Tags),
      CreationTime: now,
      pendingTemplateFile: this.simulation ? undefined : this.saveTemplate(name, source.body, source.assetDirs),
      pendingParameters: parameters,
      resources: [],
    };
    this.stacks.set(name, record);
    if (this.simulation) this.runSimulated(record, template, source.body, 'CREATE_COMPLETE', this.simulation);
    else {
      this.persist();
      this.enqueue(() => this.runCreate(record));
    }
    return { StackId: record.StackId };
  }

  /** Updates a stack: throws ValidationError "No updates are to be performed." when template and parameters are unchanged. */
  async updateStack(input: UpdateStackInput): Promise<{ StackId: string }> {
    const record = this.find(input?.StackName);
    if (!record) throw new CloudFormationError('ValidationError', `Stack [${String(input?.StackName)}] does not exist`);
    if (!COMPLETE.has(record.StackStatus)) {
      throw new CloudFormationError(
        'ValidationError',
        `Stack:${record.StackId} is in ${record.StackStatus} state and can not be updated.`,
      );
    }
    const current =
      this.simulated.get(record.StackName) ?? (record.templateFile ? fs.readFileSync(record.templateFile, 'utf8') : '');
    let body: string;
    let assetDirs: ReadonlyMap<string, string> = new Map();
    if (input.UsePreviousTemplate) {
      if (input.TemplateURL !== undefined || input.TemplateBody !== undefined) {
        throw new CloudFormationError(
          'ValidationError',
          'You cannot specify both usePreviousTemplate and Template Body/Template URL',
        );
      }
      body = current;
    } else {
      const source = resolveTemplate(input, this.opts.assemblyDir);
      body = source.body;
      assetDirs = source.assetDirs;
    }
    const template = parseTemplate(body);
    checkCapabilities(template, input.Capabilities ?? []);
    const parameters = resolveParameters(template, input.Parameters ?? [], record.Parameters);
    if (body === current && sameParameters(parameters, record.Parameters)) {
      throw new CloudFormationError('ValidationError', 'No updates are to be performed.');
    }
    record.StackStatus = 'UPDATE_IN_PROGRESS';
    record.StackStatusReason = 'User Initiated';
    record.LastUpdatedTime = new Date().toISOString();
    record.Capabilities = [...(input.Capabilities ?? [])];
    if (input.Tags) record.Tags = tagsOf(input.Tags);
    if (this.simulation || this.simulated.has(record.StackName)) {
      record.pendingParameters = parameters;
      this.runSimulated(record, template, body, 'UPDATE_COMPLETE', this.simulation ?? { deployMs: 0 });
      return { StackId: record.StackId };
    }
    record.pendingTemplateFile =
      body === current ? record.templateFile : this.saveTemplate(record.StackName, body, assetDirs);
    record.pendingParameters = parameters;
    this.persist();
    this.enqueue(() => this.runUpdate(record));
    return { StackId: record.StackId };
  }

  /** Deletes a stack (DELETE_IN_PROGRESS → DELETE_COMPLETE); a missing stack is not an error, as in AWS. */
  async deleteStack(input: { StackName: string; [other: string]: unknown }): Promise<Record<string, never>> {
    const record = this.find(input?.StackName);
    if (!record || record.StackStatus === 'DELETE_IN_PROGRESS') return {};
    if (!record.StackStatus.endsWith('_IN_PROGRESS')) {
      record.StackStatus = 'DELETE_IN_PROGRESS';
      record.StackStatusReason = 'User Initiated';
      this.persist();
    }
    this.enqueue(() => this.runDelete(record));
    return {};
  }

  /** Describes one stack (by name, or by StackId, deleted stacks included) or all live stacks. */
  async describeStacks(input: { StackName?: string; [other: string]: unknown } = {}): Promise<{ Stacks: Stack[] }> {
    const name = input?.StackName;
    if (name === undefined) return { Stacks: [...this.stacks.values()].map(toStack) };
    const record = this.find(name) ?? this.deleted.find((stack) => stack.StackId === name);
    if (!record) throw new CloudFormationError('ValidationError', `Stack with id ${name} does not exist`);
    return { Stacks: [toStack(record)] };
  }

  /**
   * Benchmarks only: while set, a create or update deploys nothing and takes `deployMs` (not
   * serialized with other operations, as CloudFormation deploys stacks in parallel), then
   * completes with the template's outputs set to placeholder values. Such stacks are kept in
   * memory only. This stands in for CloudFormation's own deploy time so a release fan-out can be
   * measured at a scale (1,000 tenants) this machine cannot deploy; the fan-out itself (state
   * machine, functions, polling) runs for real. `undefined` turns it off.
   */
  simulateDeploys(simulation: SimulatedDeploys | undefined): void {
    this.simulation = simulation;
  }

  /** The next `times` deployments of the stack fail (-1: until cleared; 0 disarms). */
  setFault(stackName: string, times: number): void {
    if (times === 0) this.faults.delete(stackName);
    else this.faults.set(stackName, times);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Resolves when no stack operation is queued or running. */
  async idle(): Promise<void> {
    while (this.pendingOps > 0) await this.queue;
    await Promise.all(this.simulating);
  }

  /**
   * Brings the stacks of an earlier run back: re-deploys every stack in a COMPLETE state (its
   * functions, API, usage plan; its tables are still in DynamoDB), completes an interrupted
   * delete, rolls back an interrupted create or update. Resolves when done.
   */
  async restore(): Promise<void> {
    for (const record of [...this.stacks.values()]) {
      this.enqueue(async () => {
        const status = record.StackStatus;
        if (COMPLETE.has(status)) {
          try {
            record.resources = await this.deploy(record, record.templateFile ?? '', record.Parameters, []);
          } catch (error) {
            this.log(
              `LocalCloudFormation: could not re-deploy stack ${record.StackName} at start: ${(error as Error).message}`,
            );
            record.StackStatusReason = `Re-deploy at start failed: ${(error as Error).message}`;
          }
        } else if (status === 'DELETE_IN_PROGRESS') {
          await this.runDelete(record);
        } else if (status === 'CREATE_IN_PROGRESS' || status === 'ROLLBACK_IN_PROGRESS' || status === 'CREATE_FAILED') {
          this.finish(
            record,
            'ROLLBACK_COMPLETE',
            record.StackStatusReason ?? 'Interrupted by a restart of the local cloud',
          );
        } else if (status === 'UPDATE_IN_PROGRESS' || status === 'UPDATE_ROLLBACK_IN_PROGRESS') {
          await this.rollbackUpdate(record, [], 'Interrupted by a restart of the local cloud');
        }
        this.persist();
      });
    }
    await this.idle();
  }

  /** Waits for running operations and writes the state. */
  async close(): Promise<void> {
    await this.idle();
    this.persist();
  }

  private find(name: unknown): StackRecord | undefined {
    if (typeof name !== 'string') return undefined;
    return this.stacks.get(name) ?? [...this.stacks.values()].find((stack) => stack.StackId === name);
  }

  private enqueue(operation: () => Promise<void>): void {
    this.pendingOps += 1;
    this.queue = this.queue
      .then(operation)
      .catch((error: unknown) => this.log(`LocalCloudFormation: ${(error as Error).stack ?? String(error)}`))
      .finally(() => {
        this.pendingOps -= 1;
      });
  }

  private async runCreate(record: StackRecord): Promise<void> {
    if (record.StackStatus !== 'CREATE_IN_PROGRESS') return;
    const tracked: TrackedResource[] = [];
    try {
      record.resources = await this.deploy(
        record,
        record.pendingTemplateFile ?? '',
        record.pendingParameters ?? record.Parameters,
        tracked,
      );
      this.takeFault(record.StackName);
      record.templateFile = record.pendingTemplateFile;
      record.pendingTemplateFile = undefined;
      record.pendingParameters = undefined;
      this.finish(record, 'CREATE_COMPLETE');
    } catch (error) {
      const reason = (error as Error).message;
      this.finish(record, 'CREATE_FAILED', reason);
      record.StackStatus = 'ROLLBACK_IN_PROGRESS';
      this.persist();
      await this.undo(tracked, true);
      record.resources = [];
      record.pendingTemplateFile = undefined;
      record.pendingParameters = undefined;
      this.finish(record, 'ROLLBACK_COMPLETE', reason);
    }
  }

  private async runUpdate(record: StackRecord): Promise<void> {
    if (record.StackStatus !== 'UPDATE_IN_PROGRESS') return;
    const previous = record.resources;
    const tracked: TrackedResource[] = [];
    try {
      const resources = await this.deploy(
        record,
        record.pendingTemplateFile ?? '',
        record.pendingParameters ?? record.Parameters,
        tracked,
        previous,
      );
      this.takeFault(record.StackName);
      // Resources the new template no longer has are removed, as CloudFormation does after an update.
      const kept = new Set(resources.map((r) => r.logicalId));
      await this.undo(
        previous.filter((r) => !kept.has(r.logicalId)),
        false,
      );
      record.resources = resources;
      record.templateFile = record.pendingTemplateFile;
      record.Parameters = record.pendingParameters ?? record.Parameters;
      record.pendingTemplateFile = undefined;
      record.pendingParameters = undefined;
      this.finish(record, 'UPDATE_COMPLETE');
    } catch (error) {
      await this.rollbackUpdate(record, tracked, (error as Error).message);
    }
  }

  /** Re-deploys the previous template and parameters; resources only the failed attempt had are undone. */
  private async rollbackUpdate(
    record: StackRecord,
    attempted: readonly TrackedResource[],
    reason: string,
  ): Promise<void> {
    record.StackStatus = 'UPDATE_ROLLBACK_IN_PROGRESS';
    record.StackStatusReason = reason;
    this.persist();
    const previous = new Set(record.resources.map((r) => r.logicalId));
    record.pendingTemplateFile = undefined;
    record.pendingParameters = undefined;
    try {
      await this.undo(
        attempted.filter((r) => !previous.has(r.logicalId)),
        true,
      );
      record.resources = await this.deploy(
        record,
        record.templateFile ?? '',
        record.Parameters,
        [],
        [...attempted, ...record.resources],
      );
      this.finish(record, 'UPDATE_ROLLBACK_COMPLETE', reason);
    } catch (error) {
      this.finish(record, 'UPDATE_ROLLBACK_FAILED', `${reason}; rollback failed: ${(error as Error).message}`);
    }
  }

  private async runDelete(record: StackRecord): Promise<void> {
    if (this.stacks.get(record.StackName) !== record) return;
    record.StackStatus = 'DELETE_IN_PROGRESS';
    record.StackStatusReason = 'User Initiated';
    this.persist();
    await this.undo(record.resources, false);
    record.resources = [];
    record.DeletionTime = new Date().toISOString();
    this.stacks.delete(record.StackName);
    this.deleted.push(record);
    this.finish(record, 'DELETE_COMPLETE');
  }

  private runSimulated(
    record: StackRecord,
    template: Template,
    body: string,
    done: 'CREATE_COMPLETE' | 'UPDATE_COMPLETE',
    simulation: SimulatedDeploys,
  ): void {
    this.simulated.set(record.StackName, body);
    const settled = new Promise<void>((resolve) => setTimeout(resolve, simulation.deployMs)).then(() => {
      this.simulating.delete(settled);
      record.Parameters = record.pendingParameters ?? record.Parameters;
      record.pendingParameters = undefined;
      record.Description = template.Description;
      record.Outputs = Object.keys(template.Outputs ?? {}).map((key) => ({
        OutputKey: key,
        OutputValue: `http://simulated.invalid/${record.StackName}/${key}`,
      }));
      this.finish(record, done);
    });
    this.simulating.add(settled);
  }

  private finish(record: StackRecord, status: string, reason?: string): void {
    record.StackStatus = status;
    record.StackStatusReason = reason;
    this.persist();
  }

  private takeFault(stackName: string): void {
    const times = this.faults.get(stackName);
    if (times === undefined) return;
    if (times > 0) {
      if (times === 1) this.faults.delete(stackName);
      else this.faults.set(stackName, times - 1);
    }
    throw new CloudFormationError(
      'InjectedFaultError',
      `Injected fault: the deployment of stack ${stackName} failed (local fault injection)`,
    );
  }

  /**
   * Deploys a template onto the local services. `replacing`: the resources of the version being
   * replaced, whose API models are dropped first (the deployer adds methods, it does not replace them).
   */
  private async deploy(
    record: StackRecord,
    templateFile: string,
    parameters: readonly { ParameterKey: string; ParameterValue: string }[],
    tracked: TrackedResource[],
    replacing: readonly TrackedResource[] = record.resources,
  ): Promise<TrackedResource[]> {
    const body = fs.readFileSync(templateFile, 'utf8');
    const template = parseTemplate(body);
    for (const resource of replacing) {
      if (resource.type === 'AWS::ApiGateway::RestApi' && !resource.skipped)
        this.opts.services.apiRegistry.removeApi(String(resource.ref));
    }
    const deployed = await deployStack(
      { stackName: record.StackName, templateFile, dependencies: [] },
      {
        services: this.opts.services,
        assetDirs: this.assetDirsOf(body),
        exports: new Map(this.opts.exports),
        parameters: Object.fromEntries(parameters.map((p) => [p.ParameterKey, p.ParameterValue])),
        onSkippedType: this.opts.onSkippedType,
        onResourceDeployed: (logicalId, type, resource) => tracked.push(trackedOf(template, logicalId, type, resource)),
      },
    );
    record.Outputs = Object.entries(deployed.outputs).map(([key, value]) => ({
      OutputKey: key,
      OutputValue: value,
      ...(template.Outputs?.[key]?.Description ? { Description: template.Outputs[key]?.Description } : {}),
    }));
    record.Description = template.Description;
    return [...deployed.resources].map(([logicalId, resource]) =>
      trackedOf(template, logicalId, template.Resources?.[logicalId]?.Type ?? '', resource),
    );
  }

  /** Undoes what resources registered; `creating`: they were created by the operation being rolled back. */
  private async undo(resources: readonly TrackedResource[], creating: boolean): Promise<void> {
    const { services } = this.opts;
    for (const resource of [...resources].reverse()) {
      if (resource.skipped) continue;
      const ref = String(resource.ref);
      try {
        switch (resource.type) {
          case 'AWS::Lambda::Function':
            services.lambda.unregister(ref);
            break;
          case 'AWS::ApiGateway::RestApi':
            services.apiRegistry.removeApi(ref);
            services.gateway.unregisterRestApi(ref);
            break;
          case 'AWS::ApiGateway::UsagePlan':
            services.gateway.unregisterUsagePlan(ref);
            break;
          case 'AWS::CodePipeline::Pipeline':
            services.codePipeline?.unregisterPipeline?.(ref);
            break;
          case 'AWS::Logs::SubscriptionFilter': {
            const { logGroupName, filterName } = parseFilterRef(ref);
            services.logs?.deleteSubscriptionFilter(logGroupName, filterName);
            break;
          }
          case 'AWS::Logs::MetricFilter': {
            const { logGroupName, filterName } = parseFilterRef(ref);
            services.logs?.deleteMetricFilter(logGroupName, filterName);
            break;
          }
          case 'AWS::Logs::QueryDefinition':
            services.logs?.deleteQueryDefinition(ref);
            break;
          case 'AWS::Events::Rule': {
            const [busName, ruleName] = ref.includes('|') ? ref.split('|') : ['default', ref];
            services.events.removeRule(String(ruleName), busName);
            break;
          }
          case 'AWS::Events::EventBus':
            services.events.deleteBus(ref);
            break;
          case 'AWS::S3::Bucket': {
            // As CloudFormation: a bucket that still holds objects fails to delete (and is kept).
            const policy = resource.deletionPolicy ?? 'Delete';
            if (policy === 'Retain' || (policy === 'RetainExceptOnCreate' && !creating)) break;
            services.s3?.deleteBucket(ref);
            break;
          }
          case 'AWS::Logs::LogGroup': {
            // As CloudFormation: the group goes with its events and filters unless it is retained.
            const policy = resource.deletionPolicy ?? 'Delete';
            if (policy === 'Retain' || (policy === 'RetainExceptOnCreate' && !creating)) break;
            services.logs?.deleteLogGroup(ref);
            break;
          }
          case 'AWS::DynamoDB::Table': {
            const policy = resource.deletionPolicy ?? 'Delete';
            if (policy === 'Retain' || (policy === 'RetainExceptOnCreate' && !creating)) break;
            await services.dynamodb.send(new DeleteTableCommand({ TableName: ref })).catch((error: Error) => {
              if (error.name !== 'ResourceNotFoundException') throw error;
            });
            break;
          }
        }
      } catch (error) {
        this.log(
          `LocalCloudFormation: could not remove ${resource.logicalId} (${resource.type}): ${(error as Error).message}`,
        );
      }
    }
  }

  /**
   * Keeps a copy of the template and of the asset directories it references under dataDir (as
   * S3 and Lambda keep them on AWS), so a re-synthesized cdk.out never breaks a deployed stack.
   */
  private saveTemplate(stackName: string, body: string, assetDirs: ReadonlyMap<string, string>): string {
    const file = path.join(
      this.opts.dataDir,
      'templates',
      `${stackName}-${Date.now()}-${randomUUID().slice(0, 8)}.template.json`,
    );
    fs.writeFileSync(file, body);
    const assetsDir = path.join(this.opts.dataDir, 'assets');
    for (const [hash, dir] of assetDirs) {
      if (!body.includes(hash)) continue;
      const target = path.join(assetsDir, hash);
      if (fs.existsSync(target) || !fs.existsSync(dir)) continue;
      const temporary = `${target}.${randomUUID().slice(0, 8)}.tmp`;
      fs.cpSync(dir, temporary, { recursive: true });
      fs.renameSync(temporary, target);
    }
    return file;
  }

  /** The saved asset copies the template references, then the current assembly's for anything missing. */
  private assetDirsOf(body: string): Map<string, string> {
    const dirs = new Map<string, string>();
    const assetsDir = path.join(this.opts.dataDir, 'assets');
    if (fs.existsSync(assetsDir)) {
      for (const entry of fs.readdirSync(assetsDir))
        if (!entry.endsWith('.tmp') && body.includes(entry)) dirs.set(entry, path.join(assetsDir, entry));
    }
    try {
      for (const [hash, dir] of allAssetDirs(this.opts.assemblyDir)) if (!dirs.has(hash)) dirs.set(hash, dir);
    } catch {
      // No readable assembly: the saved copies are all there is.
    }
    return dirs;
  }

  private persist(): void {
    const file = path.join(this.opts.dataDir, STATE_FILE);
    const temporary = `${file}.tmp`;
    fs.writeFileSync(
      temporary,
      JSON.stringify(
        {
          stacks: [...this.stacks.values()].filter((stack) => !this.simulated.has(stack.StackName)),
          deleted: this.deleted.slice(-100).filter((stack) => !this.simulated.has(stack.StackName)),
        },
        null,
        1,
      ),
    );
    fs.renameSync(temporary, file);
  }
}

function trackedOf(template: Template, logicalId: string, type: string, resource: DeployedResource): TrackedResource {
  return {
    logicalId,
    type,
    ref: resource.ref,
    ...(resource.skipped ? { skipped: true } : {}),
    ...(template.Resources?.[logicalId]?.DeletionPolicy
      ? { deletionPolicy: template.Resources[logicalId]?.DeletionPolicy }
      : {}),
  };
}

function parseTemplate(body: string): Template {
  let template: Template;
  try {
    template = JSON.parse(body) as Template;
  } catch {
    // The synthesized templates are JSON; YAML is not supported locally.
    throw new CloudFormationError(
      'ValidationError',
      'Template format error: JSON not well-formed (YAML templates are not supported locally)',
    );
  }
  if (
    !template ||
    typeof template !== 'object' ||
    !template.Resources ||
    Object.keys(template.Resources).length === 0
  ) {
    throw new CloudFormationError(
      'ValidationError',
      'Template format error: At least one Resources member must be defined.',
    );
  }
  return template;
}

const NAMED_IAM: Record<string, string> = {
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::IAM::User': 'UserName',
  'AWS::IAM::Group': 'GroupName',
  'AWS::IAM::InstanceProfile': 'InstanceProfileName',
};

/** As CloudFormation: IAM resources need CAPABILITY_IAM, named ones CAPABILITY_NAMED_IAM. */
function checkCapabilities(template: Template, capabilities: readonly string[]): void {
  let needed: string | undefined;
  for (const resource of Object.values(template.Resources ?? {})) {
    if (!resource.Type.startsWith('AWS::IAM::')) continue;
    const nameProperty = NAMED_IAM[resource.Type];
    if (nameProperty && resource.Properties?.[nameProperty] !== undefined) needed = 'CAPABILITY_NAMED_IAM';
    else needed ??= 'CAPABILITY_IAM';
  }
  if (!needed) return;
  if (
    capabilities.includes('CAPABILITY_NAMED_IAM') ||
    (needed === 'CAPABILITY_IAM' && capabilities.includes('CAPABILITY_IAM'))
  )
    return;
  throw new CloudFormationError('InsufficientCapabilitiesException', `Requires capabilities : [${needed}]`);
}

function resolveParameters(
  template: Template,
  given: readonly Parameter[],
  previous: readonly { ParameterKey: string; ParameterValue: string }[] | undefined,
): { ParameterKey: string; ParameterValue: string }[] {
  const declared = template.Parameters ?? {};
  const unknown = given.map((p) => String(p.ParameterKey)).filter((key) => !(key in declared));
  if (unknown.length > 0)
    throw new CloudFormationError(
      'ValidationError',
      `Parameters: [${unknown.join(', ')}] do not exist in the template`,
    );
  const resolved: { ParameterKey: string; ParameterValue: string }[] = [];
  const missing: string[] = [];
  for (const [key, declaration] of Object.entries(declared)) {
    const param = given.find((p) => p.ParameterKey === key);
    let value: string | undefined;
    if (param?.UsePreviousValue) {
      value = previous?.find((p) => p.ParameterKey === key)?.ParameterValue;
      if (value === undefined)
        throw new CloudFormationError(
          'ValidationError',
          `Invalid input for parameter key ${key}. Cannot specify usePreviousValue as true for a parameter key not in the previous template`,
        );
    } else if (param?.ParameterValue !== undefined) {
      value = String(param.ParameterValue);
    } else if (declaration.Default !== undefined) {
      value = String(declaration.Default);
    }
    if (value === undefined) missing.push(key);
    else resolved.push({ ParameterKey: key, ParameterValue: value });
  }
  if (missing.length > 0)
    throw new CloudFormationError('ValidationError', `Parameters: [${missing.join(', ')}] must have values`);
  return resolved;
}

function sameParameters(
  a: readonly { ParameterKey: string; ParameterValue: string }[],
  b: readonly { ParameterKey: string; ParameterValue: string }[],
): boolean {
  const key = (list: readonly { ParameterKey: string; ParameterValue: string }[]) =>
    JSON.stringify(
      [...list]
        .sort((x, y) => x.ParameterKey.localeCompare(y.ParameterKey))
        .map((p) => [p.ParameterKey, p.ParameterValue]),
    );
  return key(a) === key(b);
}

function tagsOf(tags: readonly { Key?: string; Value?: string }[] | undefined): { Key: string; Value: string }[] {
  return (tags ?? []).map((tag) => ({ Key: String(tag.Key), Value: String(tag.Value ?? '') }));
}

function toStack(record: StackRecord): Stack {
  return {
    StackName: record.StackName,
    StackId: record.StackId,
    StackStatus: record.StackStatus,
    ...(record.StackStatusReason ? { StackStatusReason: record.StackStatusReason } : {}),
    ...(record.Description ? { Description: record.Description } : {}),
    Parameters: record.Parameters.map((p) => ({ ...p })),
    Outputs: record.Outputs.map((o) => ({ ...o })),
    Capabilities: [...record.Capabilities],
    Tags: record.Tags.map((t) => ({ ...t })),
    CreationTime: new Date(record.CreationTime),
    ...(record.LastUpdatedTime ? { LastUpdatedTime: new Date(record.LastUpdatedTime) } : {}),
    ...(record.DeletionTime ? { DeletionTime: new Date(record.DeletionTime) } : {}),
  };
}
