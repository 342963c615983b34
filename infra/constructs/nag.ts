import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** A cdk-nag finding accepted on purpose, with the reason written down. */
export interface Acknowledgment {
  readonly id: string;
  readonly reason: string;
}

/** Acknowledges cdk-nag findings on a construct and everything under it. */
export function acknowledge(scope: IConstruct, acknowledgments: readonly Acknowledgment[]): void {
  for (const acknowledgment of acknowledgments) Validations.of(scope).acknowledge(acknowledgment);
}
