/**
 * The local STS endpoint (AWS query protocol, what `@aws-sdk/client-sts` speaks): AssumeRole
 * and GetCallerIdentity. The caller is the signer of the request (SigV4); AssumeRole is allowed
 * only when IAM's rules allow it (the target role's trust policy and the caller's identity
 * policies, evaluated like any request), and the credentials it issues carry the role and the
 * session policy, which the local DynamoDB front then enforces.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import { LOCAL_ACCOUNT } from '../deployer/constants';
import type { IamRegistry, Identity } from '../iam/iam-registry';
import { evaluateRequest, type PolicyDocument } from '../iam/policy-simulator';
import { parseSigV4, verifySigV4 } from '../iam/sigv4';
import { listenOnLoopback } from '../listen';

export interface LocalSts {
  readonly endpoint: string;
  stats(): StsStats;
  close(): Promise<void>;
}

export interface StsStats {
  assumeRole: number;
  assumeRoleDenied: number;
  getCallerIdentity: number;
}

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const MAX_POLICY_LENGTH = 2048;

class StsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'StsError';
  }
}

const xmlEscape = (value: string) => value.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

function respond(res: http.ServerResponse, status: number, xml: string): void {
  res.writeHead(status, { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(xml) });
  res.end(xml);
}

export async function startLocalSts(opts: { registry: IamRegistry; port?: number }): Promise<LocalSts> {
  const { registry } = opts;
  const counters: StsStats = { assumeRole: 0, assumeRoleDenied: 0, getCallerIdentity: 0 };

  async function assumeRole(caller: Identity, params: URLSearchParams) {
    const roleArn = params.get('RoleArn') ?? '';
    const sessionName = params.get('RoleSessionName') ?? '';
    if (!SESSION_NAME.test(sessionName))
      throw new StsError(400, 'ValidationError', 'RoleSessionName must be 2-64 characters of [\\w+=,.@-]');
    const role = registry.role(roleArn);
    const durationSeconds = Number(params.get('DurationSeconds') ?? 3600);
    let sessionPolicy: PolicyDocument | undefined;
    const policyText = params.get('Policy');
    if (policyText !== null) {
      if (policyText.length > MAX_POLICY_LENGTH)
        throw new StsError(
          400,
          'PackedPolicyTooLarge',
          'Packed policy consumes more than 100 percent of the allotted size',
        );
      try {
        sessionPolicy = JSON.parse(policyText) as PolicyDocument;
      } catch {
        throw new StsError(400, 'MalformedPolicyDocument', 'The policy is not in the valid JSON format.');
      }
    }
    const denied = new StsError(
      403,
      'AccessDenied',
      `User: ${caller.principalArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    );
    // Role chaining is not modelled: only execution roles assume roles locally.
    if (!role || caller.kind !== 'role') throw denied;
    if (!Number.isInteger(durationSeconds) || durationSeconds < 900 || durationSeconds > role.maxSessionDuration) {
      throw new StsError(400, 'ValidationError', `DurationSeconds must be between 900 and ${role.maxSessionDuration}`);
    }
    const { decision } = await evaluateRequest({
      principal: caller.principalArn,
      action: 'sts:AssumeRole',
      resource: role.arn,
      identityPolicies: caller.identityPolicies,
      resourcePolicy: role.trustPolicy,
    });
    if (decision !== 'Allowed') throw denied;
    const session = registry.createSession({ role, sessionName, sessionPolicy, durationSeconds });
    counters.assumeRole += 1;
    return `<AssumeRoleResponse xmlns="${NS}"><AssumeRoleResult><Credentials><AccessKeyId>${session.accessKeyId}</AccessKeyId><SecretAccessKey>${xmlEscape(session.secretAccessKey)}</SecretAccessKey><SessionToken>${session.sessionToken}</SessionToken><Expiration>${session.expiration.toISOString()}</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::${LOCAL_ACCOUNT}:assumed-role/${role.roleName}/${sessionName}</Arn><AssumedRoleId>AROA${role.roleName.length}:${sessionName}</AssumedRoleId></AssumedRoleUser><PackedPolicySize>${policyText ? Math.ceil((policyText.length / MAX_POLICY_LENGTH) * 100) : 0}</PackedPolicySize></AssumeRoleResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></AssumeRoleResponse>`;
  }

  function getCallerIdentity(caller: Identity) {
    counters.getCallerIdentity += 1;
    return `<GetCallerIdentityResponse xmlns="${NS}"><GetCallerIdentityResult><Arn>${xmlEscape(caller.principalArn)}</Arn><UserId>AROA${caller.role.roleName.length}:${xmlEscape(caller.principalArn.split('/').pop() ?? '')}</UserId><Account>${LOCAL_ACCOUNT}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`;
  }

  async function handle(req: http.IncomingMessage, body: Buffer): Promise<string> {
    const signed = parseSigV4(req.headers);
    if (!signed) throw new StsError(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
    const lookup = registry.identityOf(signed.accessKeyId, signed.sessionToken);
    if (!lookup.ok)
      throw new StsError(
        403,
        lookup.code === 'ExpiredTokenException' ? 'ExpiredToken' : 'InvalidClientTokenId',
        lookup.message,
      );
    if (
      !verifySigV4(
        signed,
        { method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body },
        lookup.identity.secretAccessKey,
      )
    ) {
      throw new StsError(
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.',
      );
    }
    const params = new URLSearchParams(body.toString('utf8'));
    switch (params.get('Action')) {
      case 'AssumeRole':
        try {
          return await assumeRole(lookup.identity, params);
        } catch (error) {
          counters.assumeRoleDenied += 1;
          throw error;
        }
      case 'GetCallerIdentity':
        return getCallerIdentity(lookup.identity);
      default:
        throw new StsError(400, 'InvalidAction', `Action ${params.get('Action')} is not available on the local STS`);
    }
  }

  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/local/stats') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(counters));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      handle(req, Buffer.concat(chunks)).then(
        (xml) => respond(res, 200, xml),
        (error: Error) => {
          const e = error instanceof StsError ? error : new StsError(500, 'InternalFailure', error.message);
          respond(
            res,
            e.status,
            `<ErrorResponse xmlns="${NS}"><Error><Type>${e.status < 500 ? 'Sender' : 'Receiver'}</Type><Code>${e.code}</Code><Message>${xmlEscape(e.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
          );
        },
      );
    });
  });
  const endpoint = await listenOnLoopback(server, opts.port);
  return {
    endpoint,
    stats: () => ({ ...counters }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
