/**
 * Bucket lifecycle configurations: the document is stored as sent (GetBucketLifecycleConfiguration
 * returns it); of its rules, the enabled `Expiration` in `Days` under a prefix is applied by the
 * local S3's sweep. Transitions, noncurrent versions, tags and size filters are kept but not applied.
 */
import type { ExpirationRule } from './object-store';
import { child, childrenNamed, type XmlElement, type XmlObject } from './xml';

/** A lifecycle rule as CloudFormation's `AWS::S3::Bucket` `LifecycleConfiguration.Rules[]` has it. */
export interface TemplateLifecycleRule {
  readonly Id?: string;
  readonly Status?: string;
  readonly Prefix?: string;
  readonly ExpirationInDays?: number | string;
  readonly [other: string]: unknown;
}

/** The rules of a `LifecycleConfiguration` document that the sweep applies. */
export function expirationRulesOf(config: XmlElement): ExpirationRule[] {
  return childrenNamed(config, 'Rule').flatMap((rule, index) => {
    const days = Number(child(child(rule, 'Expiration'), 'Days')?.text);
    if (child(rule, 'Status')?.text !== 'Enabled' || !Number.isInteger(days) || days < 1) return [];
    const filter = child(rule, 'Filter');
    const prefix =
      child(rule, 'Prefix')?.text ?? child(filter, 'Prefix')?.text ?? child(child(filter, 'And'), 'Prefix')?.text ?? '';
    return [{ id: child(rule, 'ID')?.text ?? `rule-${index + 1}`, prefix, days }];
  });
}

/** The expiration rules of a template's LifecycleConfiguration (the sweep applies the same subset). */
export function expirationRulesOfTemplate(rules: readonly TemplateLifecycleRule[]): ExpirationRule[] {
  return rules.flatMap((rule, index) => {
    const days = Number(rule.ExpirationInDays);
    if (rule.Status !== 'Enabled' || !Number.isInteger(days) || days < 1) return [];
    return [{ id: rule.Id ?? `rule-${index + 1}`, prefix: rule.Prefix ?? '', days }];
  });
}

/** A template's rules as the LifecycleConfiguration document S3 would return for them. */
export function lifecycleDocumentOf(rules: readonly TemplateLifecycleRule[]): XmlObject {
  return {
    Rule: rules.map((rule, index) => ({
      ID: rule.Id ?? `rule-${index + 1}`,
      Filter: { Prefix: rule.Prefix ?? '' },
      Status: rule.Status ?? 'Enabled',
      Expiration: rule.ExpirationInDays === undefined ? undefined : { Days: Number(rule.ExpirationInDays) },
    })),
  };
}
