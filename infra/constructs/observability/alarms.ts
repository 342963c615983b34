/**
 * The alarms of a deployment and the one SNS topic they notify (`tenantflow-alarms`): failed
 * onboardings, and each tier's 5xx rate on the tenant API.
 */
import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { TIER_NAMES, type TierName } from '../../../contracts/tiers';
import { PERIOD, serverErrorRate } from './metrics';

export const ALARM_TOPIC_NAME = 'tenantflow-alarms';

/** A tier's 5xx rate (percent of its answers over 5 minutes) above which its alarm fires. */
export const SERVER_ERROR_RATE_THRESHOLD = 5;

export interface AlarmsProps {
  /** The onboarding state machine (its ExecutionsFailed and ExecutionsTimedOut). */
  readonly onboarding: sfn.IStateMachine;
  /** The Powertools service names of the tenant API's functions. */
  readonly tenantApiServices: readonly string[];
  /** Subscribes this address to the topic (it confirms by mail). @default no subscription */
  readonly alarmEmail?: string;
}

export class Alarms extends Construct {
  readonly topic: sns.Topic;
  readonly onboardingsFailed: cloudwatch.Alarm;
  readonly serverErrorRate: Readonly<Record<TierName, cloudwatch.Alarm>>;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const cloudWatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    // CloudWatch cannot publish to a topic encrypted with the AWS managed SNS key: its own key,
    // which CloudWatch may use for this topic's messages.
    const key = new kms.Key(this, 'TopicKey', {
      description: `Encrypts the ${ALARM_TOPIC_NAME} SNS topic`,
      enableKeyRotation: true,
    });
    key.grant(cloudWatch, 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new sns.Topic(this, 'Topic', { topicName: ALARM_TOPIC_NAME, masterKey: key, enforceSSL: true });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const notify = (alarm: cloudwatch.Alarm) => {
      alarm.addAlarmAction(new actions.SnsAction(this.topic));
      alarm.addOkAction(new actions.SnsAction(this.topic));
      return alarm;
    };

    // The state machine's own metrics: every FAILED or TIMED_OUT execution, whatever the functions emit.
    const failed = props.onboarding.metricFailed({ period: PERIOD, statistic: 'Sum' });
    const timedOut = props.onboarding.metricTimedOut({ period: PERIOD, statistic: 'Sum' });
    this.onboardingsFailed = notify(
      new cloudwatch.Alarm(this, 'OnboardingsFailed', {
        alarmName: 'tenantflow-onboardings-failed',
        alarmDescription:
          'An onboarding execution failed or timed out in the last 5 minutes (docs/operating-onboarding.md).',
        metric: new cloudwatch.MathExpression({
          expression: 'SUM([failed, timedOut])',
          usingMetrics: { failed, timedOut },
          label: 'Onboardings failed or timed out',
          period: PERIOD,
        }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );

    this.serverErrorRate = Object.fromEntries(
      TIER_NAMES.map((tier) => [
        tier,
        notify(
          new cloudwatch.Alarm(this, `${tier}ServerErrorRate`, {
            alarmName: `tenantflow-${tier}-5xx-rate`,
            alarmDescription: `More than ${SERVER_ERROR_RATE_THRESHOLD} % of the ${tier} tier's tenant API answers were 5xx over 5 minutes.`,
            metric: serverErrorRate(tier, props.tenantApiServices),
            threshold: SERVER_ERROR_RATE_THRESHOLD,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluationPeriods: 1,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          }),
        ),
      ]),
    ) as Record<TierName, cloudwatch.Alarm>;
  }

  /** Every alarm (the dashboard's alarm status widget). */
  get all(): cloudwatch.Alarm[] {
    return [this.onboardingsFailed, ...Object.values(this.serverErrorRate)];
  }
}
