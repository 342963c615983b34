/**
 * The lifecycle bus in the templates: one bus named as the contract says, in the control-plane
 * stack, and `events:PutEvents` on it for the functions that emit, and for no other role.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIFECYCLE_EVENT_BUS_NAME } from '../../contracts/lifecycle-events';
import { STACK_NAMES } from '../../infra/app';
import { synthForAssertions, type TestApp } from '../support/infra/synth';

// biome-ignore lint/suspicious/noExplicitAny: template JSON, read field by field.
type Json = Record<string, any>;

let built: TestApp;
let templates: Map<string, Template>;
beforeAll(() => {
  built = synthForAssertions();
  templates = built.templates();
});
afterAll(() => built?.cleanup());

const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Each IAM statement that allows events:PutEvents (or events:*), with the roles its policy is attached to. */
function putEventsGrants(): { stack: string; roles: string[]; resources: unknown[] }[] {
  const grants: { stack: string; roles: string[]; resources: unknown[] }[] = [];
  for (const [stack, template] of templates) {
    for (const resource of Object.values<Json>(template.toJSON().Resources ?? {})) {
      if (resource.Type !== 'AWS::IAM::Policy') continue;
      for (const statement of asArray<Json>(resource.Properties.PolicyDocument.Statement)) {
        const actions = asArray<string>(statement.Action);
        if (!actions.some((a) => a === 'events:PutEvents' || a === 'events:*' || a === '*')) continue;
        grants.push({
          stack,
          roles: asArray<Json>(resource.Properties.Roles).map((role) => role.Ref),
          resources: asArray(statement.Resource),
        });
      }
    }
  }
  return grants;
}

/** The logical id of the execution role of each function of the control-plane stack, by function id prefix. */
function functionsByRole(template: Template): Map<string, { id: string; env: Json }> {
  const byRole = new Map<string, { id: string; env: Json }>();
  for (const [id, resource] of Object.entries<Json>(template.toJSON().Resources ?? {})) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const role = resource.Properties.Role?.['Fn::GetAtt']?.[0];
    if (role) byRole.set(role, { id, env: resource.Properties.Environment?.Variables ?? {} });
  }
  return byRole;
}

describe('the lifecycle event bus', () => {
  it(`is one bus named ${LIFECYCLE_EVENT_BUS_NAME}, in the control-plane stack`, () => {
    const buses = [...templates].flatMap(([stack, template]) =>
      Object.entries<Json>(template.findResources('AWS::Events::EventBus')).map(([id, bus]) => ({
        stack,
        id,
        name: bus.Properties.Name,
      })),
    );

    expect(buses.map(({ stack, name }) => ({ stack, name }))).toEqual([
      { stack: STACK_NAMES.controlPlane, name: LIFECYCLE_EVENT_BUS_NAME },
    ]);
  });

  it('may be put on only by the functions that emit, and they may put on it only', () => {
    const template = templates.get(STACK_NAMES.controlPlane) as Template;
    const [busId] = Object.keys(template.findResources('AWS::Events::EventBus'));
    const byRole = functionsByRole(template);
    const grants = putEventsGrants();

    for (const grant of grants) {
      expect(grant.stack).toBe(STACK_NAMES.controlPlane);
      expect(grant.resources).toEqual([{ 'Fn::GetAtt': [busId, 'Arn'] }]);
    }
    const granted = grants.flatMap((grant) => grant.roles.map((role) => byRole.get(role)?.id ?? role));
    expect(granted.map((id) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(
      [
        'ActivateTenantFunction',
        'CloseRejectedRegistrationFunction',
        'RecordOnboardingFailureFunction',
        'StoreTenantFunction',
        'TenantsFunction',
      ].sort(),
    );
    for (const grant of grants) {
      for (const role of grant.roles) {
        expect(byRole.get(role)?.env.LIFECYCLE_EVENT_BUS_NAME, role).toEqual({ Ref: busId });
      }
    }
  });
});
