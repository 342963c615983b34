import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ses from 'aws-cdk-lib/aws-ses';
import type { AppFunction } from './app-function';

export interface TemplatedMailProps {
  /** Construct id of the SES template (in the function's stack). */
  readonly id: string;
  /** The SES template name the function sends. */
  readonly templateName: string;
  readonly subject: string;
  readonly text: string;
  /** The sender, an SES-verified identity on AWS (the address or its domain). */
  readonly mailFrom: string;
}

/** An SES mail template, and the right for one function to send it from `mailFrom`. */
export function sendTemplatedMail(fn: AppFunction, props: TemplatedMailProps): ses.CfnTemplate {
  const stack = Stack.of(fn);
  const template = new ses.CfnTemplate(stack, props.id, {
    template: { templateName: props.templateName, subjectPart: props.subject, textPart: props.text },
  });
  const { mailFrom } = props;
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ses:SendEmail', 'ses:SendTemplatedEmail'],
      resources: [
        // SES authorizes the sender by its verified identity, which may be the domain or the address.
        stack.formatArn({ service: 'ses', resource: 'identity', resourceName: mailFrom.split('@')[1] ?? mailFrom }),
        stack.formatArn({ service: 'ses', resource: 'identity', resourceName: mailFrom }),
        stack.formatArn({ service: 'ses', resource: 'template', resourceName: props.templateName }),
      ],
    }),
  );
  return template;
}
