/**
 * cdk-nag (v3, AwsSolutions pack) and CDK's own CloudFormation validation over the whole app:
 * zero unacknowledged findings. cdk-nag 3 is a policy-validation plugin: its findings go to
 * the cloud assembly's validation report, and synth throws when a plugin reports failure.
 * Every acknowledgment in infra/ names one finding and says why it is accepted.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CloudFormationValidatePlugin, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTestApp, type TestApp } from '../support/infra/synth';

interface ValidationReport {
  readonly pluginReports: readonly {
    readonly pluginName: string;
    readonly violations: readonly {
      readonly ruleName: string;
      readonly description: string;
      readonly severity?: string;
      readonly violatingConstructs?: readonly { readonly constructPath: string }[];
    }[];
  }[];
}

let built: TestApp;
let synthError: unknown;
let nagValidate: ReturnType<typeof vi.spyOn>;
let cfnValidate: ReturnType<typeof vi.spyOn>;

beforeAll(() => {
  // The full `cdk synth` path: bundling on, and CDK's CloudFormation validation registered
  // explicitly, so it runs here even when CDK_VALIDATION=false is set (an explicit instance
  // replaces the built-in default one, which that variable turns off).
  built = buildTestApp();
  const nag = new AwsSolutionsChecks(built.app);
  const cfn = new CloudFormationValidatePlugin();
  nagValidate = vi.spyOn(nag, 'validate');
  cfnValidate = vi.spyOn(cfn, 'validate');
  Validations.of(built.app).addPlugins(nag, cfn);
  try {
    built.app.synth();
  } catch (error) {
    synthError = error;
  }
});

afterAll(() => built?.cleanup());

describe('policy validation of the whole app', () => {
  it('runs cdk-nag AwsSolutions and the CloudFormation validation over every stack', () => {
    expect(nagValidate).toHaveBeenCalledOnce();
    expect(cfnValidate).toHaveBeenCalledOnce();
    const [context] = cfnValidate.mock.calls[0] ?? [];
    const stackTemplates = (context as { stackTemplates: { stackConstructPath: string }[] }).stackTemplates;
    // Every stack of the app, the silo tenant template (in its stage) included.
    expect(stackTemplates.map((stack) => stack.stackConstructPath)).toEqual(
      expect.arrayContaining([
        'TenantTemplate/Silo',
        'tenantflow-console',
        'tenantflow-control-plane',
        'tenantflow-foundation',
        'tenantflow-pooled',
      ]),
    );
  });

  it('has zero unacknowledged findings', () => {
    const reportFile = path.join(built.outdir, 'validation-report.json');
    const report: ValidationReport = fs.existsSync(reportFile)
      ? JSON.parse(fs.readFileSync(reportFile, 'utf8'))
      : { pluginReports: [] };

    const findings = report.pluginReports.flatMap((plugin) =>
      plugin.violations.flatMap((violation) =>
        (violation.violatingConstructs ?? [{ constructPath: '?' }]).map(
          (construct) =>
            `${plugin.pluginName} ${violation.severity ?? ''} ${violation.ruleName} at ${construct.constructPath}: ${violation.description}`,
        ),
      ),
    );

    expect(findings).toEqual([]);
    expect(synthError).toBeUndefined();
  });
});
