/**
 * The models the template deployer hands to the local API Gateway, and the gateway's own
 * public interface. These shapes are the contract between `local/gateway/` and the deployer
 * (which resolves CloudFormation into them) and the Lambda runtime (reached through {@link Invoke}).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TraceSink } from '../xray/segment-document';
import type { ExpiringStoreFactory } from './authorizer-cache';

/** A REST API as deployed from a CloudFormation template, already resolved by the deployer. */
export interface RestApiModel {
  readonly restApiId: string;
  readonly name: string;
  readonly stageName: string;
  /** Where the API key of an `apiKeyRequired` method comes from. */
  readonly apiKeySource: 'HEADER' | 'AUTHORIZER';
  readonly methods: readonly MethodModel[];
  /** Authorizers by authorizer id. */
  readonly authorizers: Readonly<Record<string, AuthorizerModel>>;
  /** X-Ray tracing of the stage (`TracingEnabled` of `AWS::ApiGateway::Stage`). @default false */
  readonly tracingEnabled?: boolean;
}

/** One method (HTTP verb on a resource) of a REST API. */
export interface MethodModel {
  /** GET|POST|PUT|DELETE|PATCH|OPTIONS|HEAD|ANY */
  readonly httpMethod: string;
  /** Resource path template: `/products/{productId}`, `/` for the root, `{proxy+}` greedy. */
  readonly resourcePath: string;
  readonly authorizationType: 'NONE' | 'CUSTOM' | 'AWS_IAM' | 'COGNITO_USER_POOLS';
  /** Required when `authorizationType` is `CUSTOM`. */
  readonly authorizerId?: string;
  readonly apiKeyRequired: boolean;
  readonly integration:
    | { readonly type: 'AWS_PROXY'; readonly functionName: string }
    | {
        readonly type: 'MOCK';
        readonly statusCode: number;
        readonly responseHeaders: Readonly<Record<string, string>>;
      };
}

/** A Lambda (custom) authorizer. */
export interface AuthorizerModel {
  readonly type: 'REQUEST' | 'TOKEN';
  readonly functionName: string;
  /** e.g. `method.request.header.Authorization`; a comma-separated list is allowed for REQUEST. */
  readonly identitySource: string;
  /** How long a result is cached by identity-source values; 0 disables the cache. */
  readonly resultTtlSeconds: number;
}

/** A usage plan from the template (`AWS::ApiGateway::UsagePlan`). */
export interface UsagePlanModel {
  readonly id: string;
  readonly name: string;
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
  readonly quota?: { readonly limit: number; readonly period: 'DAY' | 'WEEK' | 'MONTH' };
  readonly apiStages: readonly { readonly restApiId: string; readonly stage: string }[];
}

/** Invokes a Lambda function by name with an event; rejects on a function error. */
export type Invoke = (functionName: string, event: unknown, options?: InvokeOptions) => Promise<unknown>;

/** How the gateway invokes: with the trace header of the request's trace, when the stage is traced. */
export interface InvokeOptions {
  readonly traceHeader?: string;
}

/** Counters for tests and benchmarks; monotonic since start. */
export interface GatewayStats {
  /** Requests served by `handle` (every request under `/restapis/`). */
  readonly requests: number;
  readonly authorizerInvocations: number;
  readonly authorizerCacheHits: number;
  /** Requests rejected by a usage plan's throttle (429 Too Many Requests). */
  readonly throttled: number;
  /** Requests rejected by a usage plan's quota (429 Limit Exceeded). */
  readonly quotaExceeded: number;
  readonly integrationInvocations: number;
}

/** The local API Gateway: serves deployed REST APIs and a management endpoint. */
export interface LocalApiGateway {
  /** Management endpoint URL for the real APIGatewayClient (http://127.0.0.1:<port>). */
  readonly managementEndpoint: string;
  /** Registers (or replaces, by `restApiId`) a REST API. Throws on an invalid model. */
  registerRestApi(api: RestApiModel): void;
  /** Registers (or replaces, by `id`) a usage plan. */
  registerUsagePlan(plan: UsagePlanModel): void;
  /** Stops serving a REST API (its stack was deleted or rolled back); unknown ids are ignored. */
  unregisterRestApi(restApiId: string): void;
  /** Forgets a usage plan (its stack was deleted); its API keys stay in the key store. */
  unregisterUsagePlan(id: string): void;
  /** The base URL a client uses for an API: `${publicBaseUrl}/restapis/${restApiId}/${stageName}/` */
  urlOf(restApiId: string, stageName: string): string;
  /**
   * Serves a request whose URL path starts with `/restapis/`; resolves false if the path is
   * not for the gateway (the caller's server then handles it).
   */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** Counters since start. */
  stats(): GatewayStats;
  close(): Promise<void>;
}

/** Options of {@link LocalApiGateway}'s factory. */
export interface LocalApiGatewayOptions {
  /** Directory for persistent state: API keys and usage-plan keys go to `apigateway/api-keys.json` under it (created on first write). */
  readonly dataDir: string;
  readonly invoke: Invoke;
  /** Makes the bounded, expiring store of authorizer results (the local cloud passes functions/shared's TtlCache). */
  readonly createCache: ExpiringStoreFactory;
  /** The console origin whose server calls `handle`, e.g. `http://127.0.0.1:4000`. */
  readonly publicBaseUrl: string;
  /** @default 0 (a free port) */
  readonly managementPort?: number;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '000000000000' */
  readonly accountId?: string;
  /** Clock in epoch milliseconds, for tests. @default Date.now */
  readonly now?: () => number;
  /** Where traced stages send their segments (the local X-Ray). @default no tracing */
  readonly tracing?: TraceSink;
  /** Integration timeout, like API Gateway's 29 s limit. @default 29000 */
  readonly integrationTimeoutMs?: number;
  /**
   * Receives diagnostics that a client never sees (a handler's error behind a 502, an
   * authorizer's error behind a 500). @default no-op
   */
  readonly log?: (message: string, detail?: unknown) => void;
}
