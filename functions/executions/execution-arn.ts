/**
 * Executions are named by their callers (an onboarding after its registration, a release after
 * its pipeline run), so an id names one without a lookup. Its own module, free of SDK clients and
 * of the executions API's constants: the releases and registrations functions use it too.
 */

/**
 * The ARN of the execution `name` of a state machine; undefined when `name` is not of the form
 * tenantflow names executions in (word characters and '-', at most Step Functions' 80), so no
 * such execution exists and Step Functions need not be asked.
 */
export function executionArnOf(stateMachineArn: string, name: string): string | undefined {
  if (!/^[\w-]{1,80}$/.test(name)) return undefined;
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}
