/**
 * Holds lifecycle event details to their contract (contracts/schemas/events.ts): the unit tests
 * of the emitting steps and the integration test check every detail they see.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import type { LifecycleDetailType } from '../../contracts/lifecycle-events';
import { LIFECYCLE_EVENT_SCHEMAS } from '../../contracts/schemas/events';

const ajv = new Ajv({ allErrors: true, strict: true });
const validators = new Map<LifecycleDetailType, ValidateFunction>();

/** What is wrong with `detail` as a `detailType` event's detail: [] when it is valid. */
export function lifecycleDetailErrors(detailType: LifecycleDetailType, detail: unknown): string[] {
  let validate = validators.get(detailType);
  if (!validate) {
    validate = ajv.compile(LIFECYCLE_EVENT_SCHEMAS[detailType]);
    validators.set(detailType, validate);
  }
  if (validate(detail)) return [];
  return (validate.errors ?? []).map((e) => `${detailType}${e.instancePath} ${e.message}`);
}
