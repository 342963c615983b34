/**
 * cognito-local assembled in-process, like its createDefaultServer minus what the local cloud
 * does not use: Lambda triggers and KMS (they load aws-sdk v2 and @aws-crypto, ~0.7 s of
 * start-up). Pools get real-form ids and the real issuer domain.
 */
import type * as http from 'node:http';
import { createRequire } from 'node:module';
import { Router } from 'cognito-local/lib/server/Router';
import { createServer } from 'cognito-local/lib/server/server';
import type { Services } from 'cognito-local/lib/services';
import { DateClock } from 'cognito-local/lib/services/clock';
import { type CognitoService, CognitoServiceFactoryImpl } from 'cognito-local/lib/services/cognitoService';
import type { Context } from 'cognito-local/lib/services/context';
import { ConsoleMessageSender } from 'cognito-local/lib/services/messageDelivery/consoleMessageSender';
import { MessageDeliveryService } from 'cognito-local/lib/services/messageDelivery/messageDelivery';
import { MessagesService } from 'cognito-local/lib/services/messages';
import { otp } from 'cognito-local/lib/services/otp';
import { JwtTokenGenerator } from 'cognito-local/lib/services/tokenGenerator';
import type { Triggers } from 'cognito-local/lib/services/triggers/triggers';
import { UserPoolServiceFactoryImpl } from 'cognito-local/lib/services/userPoolService';
import { JsonFileDataStoreFactory } from './json-file-store';
import { RealFormPoolIds } from './pool-ids';

/** Runs one cognito-local target (`CreateUserPool`, …) in-process, as its server would. */
export type CallTarget = <T>(target: string, request: object) => Promise<T>;

/** The assembled cognito-local. */
export interface CognitoLocal {
  /** cognito-local's service, with real-form pool ids. */
  readonly cognito: CognitoService;
  readonly ctx: Context;
  readonly call: CallTarget;
  /** cognito-local's own HTTP application. */
  readonly app: http.RequestListener;
  /** `https://cognito-idp.<region>.amazonaws.com`, the token issuer's domain. */
  readonly issuerDomain: string;
}

type PinoLogger = Parameters<typeof createServer>[1];

// pino is cognito-local's dependency, not ours: load the copy it resolves to.
const pino = createRequire(require.resolve('cognito-local'))('pino') as (options: { level: string }) => PinoLogger;

const triggersUnsupported = () => Promise.reject(new Error('Cognito Lambda triggers are not emulated locally'));

/** The local cloud configures no Cognito triggers; `enabled` false keeps cognito-local from calling these. */
const noTriggers: Triggers = {
  enabled: () => false,
  customMessage: triggersUnsupported,
  customEmailSender: triggersUnsupported,
  postAuthentication: triggersUnsupported,
  postConfirmation: triggersUnsupported,
  preSignUp: triggersUnsupported,
  preTokenGeneration: triggersUnsupported,
  userMigration: triggersUnsupported,
};

/** Assembles cognito-local over the JSON files in `dbDir`. */
export async function assembleCognitoLocal(opts: {
  readonly dbDir: string;
  readonly region: string;
  readonly port: number;
  /** Log requests and internals (pino, JSON lines on stdout). */
  readonly verbose: boolean;
}): Promise<CognitoLocal> {
  const logger = pino({ level: opts.verbose ? 'debug' : 'silent' });
  const ctx: Context = { logger };
  const clock = new DateClock();
  const dataStoreFactory = new JsonFileDataStoreFactory(opts.dbDir);
  // AWS has no default username attribute; cognito-local's default of email would make every pool
  // created through the SDK an email pool.
  const userPoolDefaults = {};
  const cognito = new RealFormPoolIds(
    await new CognitoServiceFactoryImpl(
      opts.dbDir,
      dataStoreFactory,
      new UserPoolServiceFactoryImpl(clock, dataStoreFactory),
    ).create(ctx, userPoolDefaults),
    opts.region,
  );
  const issuerDomain = `https://cognito-idp.${opts.region}.amazonaws.com`;
  const services: Services = {
    clock,
    cognito,
    config: {
      LambdaClient: {},
      TriggerFunctions: {},
      UserPoolDefaults: userPoolDefaults,
      TokenConfig: { IssuerDomain: issuerDomain },
      ServerConfig: { hostname: '127.0.0.1', port: opts.port, development: false },
    },
    // Welcome and verification messages go to the (silent unless verbose) logger.
    messages: new MessagesService(noTriggers, new MessageDeliveryService(new ConsoleMessageSender())),
    otp,
    tokenGenerator: new JwtTokenGenerator(clock, noTriggers, { IssuerDomain: issuerDomain }),
    triggers: noTriggers,
  };
  const router = Router(services);
  const call: CallTarget = <T>(target: string, request: object) => router(target)(ctx, request) as Promise<T>;
  const app = createServer(router, logger, services.config.ServerConfig, services).application as http.RequestListener;
  return { cognito, ctx, call, app, issuerDomain };
}
