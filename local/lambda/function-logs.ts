/**
 * The log stream of one execution environment, as Lambda writes it to CloudWatch Logs: the
 * function's own lines (captured in the worker, see `log-capture.cjs`) between the lines Lambda
 * itself writes around each invocation:
 *
 * ```
 * START RequestId: <id> Version: $LATEST
 * END RequestId: <id>
 * REPORT RequestId: <id>\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 256 MB\tMax Memory Used: 41 MB[\tInit Duration: 180.52 ms][\tStatus: timeout]
 * ```
 *
 * (or their JSON forms, `platform.start` / `platform.runtimeDone` / `platform.report`, when the
 * function's LogFormat is JSON). Billed Duration is the duration rounded up to the millisecond,
 * plus the Init Duration on an environment's first invocation: since August 2025 Lambda bills
 * the init phase of managed runtimes too. Max Memory Used is the worker's V8 heap and external
 * memory high-water mark (Lambda measures the whole sandbox, some tens of MB more).
 *
 * Events are shipped at the end of each invocation, and at most {@link SHIP_DELAY_MS} after a
 * line written outside one (init code, work left running after the response).
 */
import { randomBytes } from 'node:crypto';

/** Where function output goes (implemented by the local CloudWatch Logs). */
export interface FunctionLogSink {
  putFunctionLogs(group: string, stream: string, events: readonly { timestamp: number; message: string }[]): void;
}

/** A function's LoggingConfig, as the template gives it. */
export interface FunctionLogging {
  /** @default `/aws/lambda/<function name>` */
  readonly logGroup?: string;
  /** @default 'Text' */
  readonly logFormat?: 'Text' | 'JSON';
  /** Filters `console.*` lines (JSON format only, as on Lambda). */
  readonly applicationLogLevel?: string;
}

/** What the worker measured of one invocation. */
export interface InvocationReport {
  readonly durationMs: number;
  /** Set on the environment's first invocation. */
  readonly initMs?: number;
  readonly maxMemoryUsedMb: number;
}

/**
 * What the worker captured, in order: a line (time, message, request id, undefined outside an
 * invocation), or the start of an invocation (`start`: its request id), after its init output.
 */
export type CapturedLine =
  | { readonly t: number; readonly m: string; readonly r?: string; readonly start?: undefined }
  | { readonly t: number; readonly start: string };

export const SHIP_DELAY_MS = 200;
/** CloudWatch's largest event (256 KiB less its 26 bytes of overhead); Lambda truncates longer lines. */
const MAX_MESSAGE_BYTES = 262_144 - 26;

/** Lambda's name for a new environment's stream: `YYYY/MM/DD/[$LATEST]<32 hex digits>`. */
export function logStreamNameOf(date = new Date()): string {
  const day = date.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
}

function truncate(message: string): string {
  if (message.length * 3 <= MAX_MESSAGE_BYTES || Buffer.byteLength(message) <= MAX_MESSAGE_BYTES) return message;
  return Buffer.from(message).subarray(0, MAX_MESSAGE_BYTES).toString('utf8');
}

/** Options of {@link EnvironmentLog}. */
export interface EnvironmentLogOptions {
  readonly functionName: string;
  readonly memorySize: number;
  readonly logging?: FunctionLogging;
  /** Absent: the lines are only printed (when `print` is given). */
  readonly sink?: FunctionLogSink;
  /** Prints the function's own lines (TENANTFLOW_VERBOSE); absent: the terminal stays quiet. */
  readonly print?: (line: string) => void;
}

/** One execution environment's log stream. */
export class EnvironmentLog {
  readonly group: string;
  readonly stream = logStreamNameOf();
  private readonly json: boolean;
  private buffer: { timestamp: number; message: string }[] = [];
  private timer?: NodeJS.Timeout;
  /** The last Max Memory Used reported (a timed-out invocation reports none). */
  private maxMemoryUsedMb = 0;

  constructor(private readonly opts: EnvironmentLogOptions) {
    this.group = opts.logging?.logGroup ?? `/aws/lambda/${opts.functionName}`;
    this.json = opts.logging?.logFormat === 'JSON';
  }

  /** The variables Lambda sets in the environment for its logging. */
  environmentVariables(): Record<string, string> {
    const level = this.json ? this.opts.logging?.applicationLogLevel : undefined;
    return {
      AWS_LAMBDA_LOG_GROUP_NAME: this.group,
      AWS_LAMBDA_LOG_STREAM_NAME: this.stream,
      ...(this.json ? { AWS_LAMBDA_LOG_FORMAT: 'JSON' } : {}),
      ...(level ? { AWS_LAMBDA_LOG_LEVEL: level.toUpperCase() } : {}),
    };
  }

  /** What `workerData.logging` tells the worker's capture. */
  workerOptions(): { logFormat: 'Text' | 'JSON'; applicationLogLevel?: string } {
    return { logFormat: this.json ? 'JSON' : 'Text', applicationLogLevel: this.opts.logging?.applicationLogLevel };
  }

  /** The function's own lines, and the starts of invocations. */
  output(lines: readonly CapturedLine[]): void {
    for (const line of lines) {
      if (line.start !== undefined) {
        const requestId = line.start;
        this.platform('platform.start', `START RequestId: ${requestId} Version: $LATEST`, {
          requestId,
          version: '$LATEST',
        });
        continue;
      }
      this.opts.print?.(line.m);
      if (this.opts.sink) this.buffer.push({ timestamp: line.t, message: truncate(line.m) });
    }
    this.schedule();
  }

  /** END and REPORT of an invocation that returned or threw. */
  end(requestId: string, report: InvocationReport, status: 'success' | 'error' | 'timeout' = 'success'): void {
    const { durationMs, initMs } = report;
    const maxMemoryUsedMb = Math.max(this.maxMemoryUsedMb, report.maxMemoryUsedMb);
    this.maxMemoryUsedMb = maxMemoryUsedMb;
    const billed = Math.max(1, Math.ceil(durationMs + (initMs ?? 0)));
    const memory = this.opts.memorySize;
    this.platform('platform.runtimeDone', `END RequestId: ${requestId}`, { requestId, status });
    const text = [
      `REPORT RequestId: ${requestId}`,
      `Duration: ${durationMs.toFixed(2)} ms`,
      `Billed Duration: ${billed} ms`,
      `Memory Size: ${memory} MB`,
      `Max Memory Used: ${maxMemoryUsedMb} MB`,
      ...(initMs === undefined ? [] : [`Init Duration: ${initMs.toFixed(2)} ms`]),
      ...(status === 'timeout' ? ['Status: timeout'] : []),
    ].join('\t');
    this.platform('platform.report', text, {
      requestId,
      metrics: {
        durationMs: Number(durationMs.toFixed(2)),
        billedDurationMs: billed,
        memorySizeMB: memory,
        maxMemoryUsedMB: maxMemoryUsedMb,
        ...(initMs === undefined ? {} : { initDurationMs: Number(initMs.toFixed(2)) }),
      },
      status,
    });
    this.flush();
  }

  /** Lambda's lines for an invocation that ran out of time. */
  timedOut(requestId: string, timeoutSeconds: number): void {
    this.push(`${new Date().toISOString()} ${requestId} Task timed out after ${timeoutSeconds.toFixed(2)} seconds`);
    this.end(requestId, { durationMs: timeoutSeconds * 1000, maxMemoryUsedMb: this.maxMemoryUsedMb }, 'timeout');
  }

  /** Lambda's lines for an invocation whose environment died (the worker exited or crashed). */
  crashed(requestId: string, reason: string): void {
    this.push(`RequestId: ${requestId} Error: ${reason}\nRuntime.ExitError`);
    this.platform('platform.runtimeDone', `END RequestId: ${requestId}`, { requestId, status: 'error' });
    this.flush();
  }

  /** Ships what is buffered now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length === 0) return;
    const events = this.buffer;
    this.buffer = [];
    try {
      this.opts.sink?.putFunctionLogs(this.group, this.stream, events);
    } catch (error) {
      // Logging must never fail an invocation.
      process.emitWarning(
        `local Lambda: could not ship logs of ${this.opts.functionName}: ${(error as Error).message}`,
      );
    }
  }

  private platform(type: string, text: string, record: Record<string, unknown>): void {
    this.push(this.json ? JSON.stringify({ time: new Date().toISOString(), type, record }) : text);
  }

  private push(message: string): void {
    if (!this.opts.sink) return;
    this.buffer.push({ timestamp: Date.now(), message });
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || !this.opts.sink) return;
    this.timer = setTimeout(() => this.flush(), SHIP_DELAY_MS);
    this.timer.unref();
  }
}
