/**
 * The local API Gateway of the local cloud: serves REST APIs deployed from CloudFormation
 * templates and a management endpoint for `@aws-sdk/client-api-gateway`.
 */
export type { ExpiringStore, ExpiringStoreFactory } from './authorizer-cache';
export { MAX_REQUEST_BODY_BYTES } from './http-front';
export { API_KEY_STORE_FILE, startLocalApiGateway } from './local-api-gateway';
export type {
  AuthorizerModel,
  GatewayStats,
  Invoke,
  LocalApiGateway,
  LocalApiGatewayOptions,
  MethodModel,
  RestApiModel,
  UsagePlanModel,
} from './types';
