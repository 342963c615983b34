// The output side of one execution environment (worker thread), as Lambda's Node.js runtime
// shapes it: `console.*` becomes `<ISO time>\t<request id>\t<LEVEL>\t<message>` (or Lambda's JSON
// form when the function's LogFormat is JSON), and whatever is written to process.stdout/stderr
// directly (Powertools Logger and Metrics do) goes out line by line, unchanged. Each line is
// attributed to the invocation that wrote it (AsyncLocalStorage: work an invocation left running
// may still write while the next one runs, as in a Lambda environment) and posted to the parent in batches of one event-loop turn, flushed before each
// invocation's result so that its lines precede its END line.
'use strict';
const { AsyncLocalStorage } = require('node:async_hooks');
const util = require('node:util');
const v8 = require('node:v8');

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
const CONSOLE_LEVELS = { trace: 'TRACE', debug: 'DEBUG', log: 'INFO', info: 'INFO', warn: 'WARN', error: 'ERROR' };

const invocation = new AsyncLocalStorage();
let port;
let format = 'Text';
let minLevel = 0;
let pending = [];
let scheduled = false;
let peakBytes = 0;

function requestId() {
  return invocation.getStore();
}

function post() {
  scheduled = false;
  if (pending.length === 0) return;
  port.postMessage({ logs: pending });
  pending = [];
}

function emit(message, id = requestId()) {
  pending.push({ t: Date.now(), m: message, r: id });
  if (!scheduled) {
    scheduled = true;
    setImmediate(post);
  }
}

function consoleLine(level, args) {
  if (LEVELS.indexOf(level) < minLevel) return;
  const message = util.format(...args);
  const id = requestId();
  const time = new Date().toISOString();
  if (format === 'JSON') emit(JSON.stringify({ timestamp: time, level, requestId: id, message }), id);
  else emit(`${time}\t${id}\t${level}\t${message}`, id);
}

/** Splits what is written to a stream into lines; a partial line waits for its end. */
function captureStream(stream) {
  let partial = '';
  stream.write = (chunk, encoding, callback) => {
    const text = partial + (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(encoding || 'utf8'));
    const lines = text.split('\n');
    partial = lines.pop();
    for (const line of lines) if (line !== '') emit(line);
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') done(null);
    return true;
  };
}

/** Installs the capture in this worker: `options` are the function's LogFormat and ApplicationLogLevel. */
function install(parentPort, options) {
  port = parentPort;
  format = options.logFormat === 'JSON' ? 'JSON' : 'Text';
  // Lambda filters application logs by level only in the JSON format.
  const level = format === 'JSON' ? LEVELS.indexOf(String(options.applicationLogLevel || '').toUpperCase()) : -1;
  minLevel = Math.max(0, level);
  for (const [method, level] of Object.entries(CONSOLE_LEVELS)) console[method] = (...args) => consoleLine(level, args);
  captureStream(process.stdout);
  captureStream(process.stderr);
}

/** Runs one invocation with its request id attached to everything it writes. */
function run(id, fn) {
  return invocation.run(id, fn);
}

/** Marks where an invocation starts in the stream (the parent writes START there). */
function started(id) {
  pending.push({ t: Date.now(), start: id });
}

/** Lambda's line for an error the handler threw. */
function invokeError(error) {
  const body = {
    errorType: error.errorType,
    errorMessage: error.errorMessage,
    stack: typeof error.stack === 'string' ? error.stack.split('\n') : [],
  };
  if (format === 'JSON')
    emit(
      JSON.stringify({ timestamp: new Date().toISOString(), level: 'ERROR', requestId: requestId(), message: body }),
    );
  else emit(`${new Date().toISOString()}\t${requestId()}\tERROR\tInvoke Error \t${JSON.stringify(body)}`);
}

/** Posts what is pending now (before an invocation's result). */
function flush() {
  post();
}

/** The high-water mark of this environment's memory (V8 heap and external memory), in MB. */
function maxMemoryUsedMb() {
  const heap = v8.getHeapStatistics();
  peakBytes = Math.max(peakBytes, heap.used_heap_size + heap.external_memory);
  return Math.ceil(peakBytes / (1024 * 1024));
}

module.exports = { install, run, started, invokeError, flush, maxMemoryUsedMb };
