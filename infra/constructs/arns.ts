import { DefaultStackSynthesizer, Fn, type Stack } from 'aws-cdk-lib';

/** An API Gateway management ARN (API Gateway's ARNs have no account: `arn:…:apigateway:<region>::<path>`). */
export function apiGatewayArn(stack: Stack, path: string): string {
  return `arn:${stack.partition}:apigateway:${stack.region}::${path}`;
}

/**
 * The objects of the CDK bootstrap assets bucket (default qualifier), where the build publishes
 * the silo template and its Lambda code; account and region stay `Fn::Sub` placeholders.
 */
export function cdkAssetObjectsArn(stack: Stack): string {
  const bucketName = Fn.sub(
    DefaultStackSynthesizer.DEFAULT_FILE_ASSETS_BUCKET_NAME.replace(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the synthesizer's own placeholder, filled in here
      '${Qualifier}',
      DefaultStackSynthesizer.DEFAULT_QUALIFIER,
    ),
  );
  return `arn:${stack.partition}:s3:::${bucketName}/*`;
}
