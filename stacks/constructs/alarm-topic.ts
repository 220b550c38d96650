import { Construct } from 'constructs';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import type { Alerts } from '../../lib/config';

export interface AlarmTopicProps {
  /** The member's `alerts:` settings: an existing topic to use instead, and addresses to subscribe. */
  readonly alerts: Alerts;
  /** ARN of the KMS key that encrypts the stack's own topic; its policy lets CloudWatch alarms use it. */
  readonly keyArn: string;
  /** Prefix of the topic name, e.g. `drm-royalties-bank`. */
  readonly namePrefix: string;
}

/**
 * Where every alarm of the member's stack goes: the stack's own SNS topic, encrypted with the
 * stack's KMS key (CloudWatch alarms cannot publish to a topic under the AWS-managed SNS
 * key: SNS developer guide, "Configure AWS KMS permissions for AWS services"), or an existing
 * topic the YAML names. The listed addresses are subscribed by e-mail.
 */
export class AlarmTopic extends Construct {
  /** ARN of the topic alarms notify. */
  public readonly arn: string;
  /** The stack's own topic; absent when the YAML names an existing one. */
  public readonly topic?: SnsTopic;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const { alerts } = props;
    if (alerts.topicArn !== undefined) {
      this.arn = alerts.topicArn;
    } else {
      this.topic = new SnsTopic(this, 'topic', {
        name: `${props.namePrefix}-alarms`.slice(0, 256),
        displayName: `AMB alarms of ${props.namePrefix}`.slice(0, 100),
        kmsMasterKeyId: props.keyArn,
      });
      this.arn = this.topic.arn;
    }
    alerts.emails.forEach((email, index) => new SnsTopicSubscription(this, `email-${index}`, { topicArn: this.arn, protocol: 'email', endpoint: email }));
  }
}
