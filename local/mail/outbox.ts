/**
 * The local mail service: an SES v2 `SendEmail` endpoint that keeps messages in an outbox
 * (persisted under the data directory) instead of sending them. Templates come from the
 * deployed `AWS::SES::Template` resources and are rendered here ({{var}} substitution), so
 * the outbox shows what the recipient would read.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { listenOnLoopback } from '../listen';

export interface OutboxMessage {
  readonly id: string;
  readonly to: string;
  readonly from: string;
  readonly subject: string;
  readonly text: string;
  /** Template name without the `tenantflow-` prefix (e.g. `welcome`), or undefined for plain mail. */
  readonly template?: string;
  readonly variables: Readonly<Record<string, string>>;
  readonly sentAt: string;
}

export interface MailTemplate {
  readonly name: string;
  readonly subject: string;
  readonly text: string;
}

export interface Outbox {
  readonly endpoint: string;
  registerTemplate(template: MailTemplate): void;
  messages(): readonly OutboxMessage[];
  close(): Promise<void>;
}

const TEMPLATE_PREFIX = 'tenantflow-';

export function render(text: string, variables: Readonly<Record<string, string>>): string {
  return text.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_match, name: string) => variables[name] ?? '');
}

export async function startOutbox(opts: { dataDir: string; port?: number }): Promise<Outbox> {
  const file = path.join(opts.dataDir, 'outbox.json');
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const messages: OutboxMessage[] = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : [];
  const templates = new Map<string, MailTemplate>();

  const persist = () => {
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(messages, null, 1));
    fs.renameSync(`${file}.tmp`, file);
  };

  const send = (body: Record<string, any>): OutboxMessage => {
    const to = (body.Destination?.ToAddresses ?? []).join(', ');
    const content = body.Content ?? {};
    let subject = content.Simple?.Subject?.Data ?? '';
    let text = content.Simple?.Body?.Text?.Data ?? '';
    let template: string | undefined;
    let variables: Record<string, string> = {};
    if (content.Template) {
      const found = templates.get(content.Template.TemplateName);
      if (!found)
        throw Object.assign(new Error(`Template ${content.Template.TemplateName} does not exist`), {
          type: 'NotFoundException',
          status: 404,
        });
      variables = JSON.parse(content.Template.TemplateData ?? '{}');
      subject = render(found.subject, variables);
      text = render(found.text, variables);
      template = found.name.startsWith(TEMPLATE_PREFIX) ? found.name.slice(TEMPLATE_PREFIX.length) : found.name;
    }
    const message: OutboxMessage = {
      id: randomUUID(),
      to,
      from: body.FromEmailAddress ?? '',
      subject,
      text,
      template,
      variables,
      sentAt: new Date().toISOString(),
    };
    messages.push(message);
    persist();
    return message;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const reply = (status: number, body: unknown, errorType?: string) => {
        res.writeHead(status, {
          'content-type': 'application/json',
          ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
        });
        res.end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || req.url !== '/v2/email/outbound-emails') {
        return reply(404, { message: `Not supported locally: ${req.method} ${req.url}` }, 'NotFoundException');
      }
      try {
        const message = send(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
        reply(200, { MessageId: message.id });
      } catch (error) {
        const e = error as { message: string; type?: string; status?: number };
        reply(e.status ?? 400, { message: e.message }, e.type ?? 'BadRequestException');
      }
    });
  });
  const endpoint = await listenOnLoopback(server, opts.port);
  return {
    endpoint,
    registerTemplate: (template) => templates.set(template.name, template),
    messages: () => messages,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
