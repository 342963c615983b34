// One Lambda execution environment: a worker thread with its own process.env (given by the
// parent) and its own module registry, given one invocation at a time (environment.ts), as
// Lambda gives its environments. Plain CommonJS so it needs no TypeScript loader.
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const Module = require('node:module');
const path = require('node:path');
const capture = require('./log-capture.cjs');

// Before the handler's module loads: loggers it creates then write through the capture.
capture.install(parentPort, workerData.logging || {});

// Lambda puts layers' nodejs/node_modules on NODE_PATH (/opt/nodejs/node_modules).
process.env.NODE_PATH = workerData.nodePath.join(path.delimiter);
Module._initPaths();

// The Lambda runtime client's invoke store, made before the function's code loads (as the
// runtime client does), so the function's copy of @aws/lambda-invoke-store finds it on
// globalThis.awslambda. Backed by AsyncLocalStorage, as the runtime client's is: work an
// invocation left running (a timer, a stream) keeps its own request id and trace header.
// Without the package (it comes with Powertools) the trace header travels in the variable only.
let invokeStoreReady = Promise.resolve(undefined);
let storeKeys;
try {
  const { InvokeStore, InvokeStoreBase } = require('@aws/lambda-invoke-store');
  invokeStoreReady = InvokeStore.getInstanceAsync(true);
  storeKeys = InvokeStoreBase.PROTECTED_KEYS;
} catch {}

/**
 * Runs one invocation in its trace context: the header in the invoke store, which
 * aws-xray-sdk-core and Powertools read first, and in _X_AMZN_TRACE_ID, which older ones read.
 */
async function withTraceContext(requestId, traceHeader, run) {
  const store = await invokeStoreReady;
  if (traceHeader === undefined) delete process.env._X_AMZN_TRACE_ID;
  else process.env._X_AMZN_TRACE_ID = traceHeader;
  if (!store) return run();
  return store.run({ [storeKeys.REQUEST_ID]: requestId, [storeKeys.X_RAY_TRACE_ID]: traceHeader }, run);
}

/** Epoch milliseconds with sub-millisecond precision, for the invocation's trace segments. */
function epochNow() {
  return performance.timeOrigin + performance.now();
}

const [file, exportName] = splitHandler(workerData.handler);
let handlerFn;
/** How long loading the handler's module took, until the invocation that reports it (REPORT's Init Duration). */
let initMs;
/** The same span in epoch milliseconds, for the trace of the invocation that ran it (its Initialization subsegment). */
let initSpan;

function splitHandler(handler) {
  const dot = handler.lastIndexOf('.');
  return [handler.slice(0, dot), handler.slice(dot + 1)];
}

function load() {
  if (!handlerFn) {
    const started = performance.now();
    initSpan = { initStart: epochNow() };
    const mod = require(path.join(workerData.codeDir, file));
    initMs = performance.now() - started;
    initSpan.initEnd = epochNow();
    handlerFn = mod[exportName];
    if (typeof handlerFn !== 'function') throw new Error(`Handler '${workerData.handler}' is not a function`);
  }
  return handlerFn;
}

function serializeError(error) {
  if (error instanceof Error)
    return { errorType: error.name || 'Error', errorMessage: error.message, stack: error.stack };
  return { errorType: 'Error', errorMessage: String(error) };
}

parentPort.on('message', async ({ id, event, timeoutMs, requestId, warm, traceHeader }) => {
  await invokeStoreReady;
  if (warm) {
    // Pre-warming: run the module's init code now; problems surface on the first real invoke.
    try {
      load();
    } catch {}
    // That init belongs to no request: the first invocation's trace has no Initialization (it
    // would start the trace when the local cloud started). Its REPORT still tells the Init
    // Duration, as Lambda's does for a provisioned environment's first invocation.
    initSpan = undefined;
    parentPort.postMessage({ id, result: null });
    return;
  }
  /** Set when the handler starts, below. */
  let deadline;
  const context = {
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: '$LATEST',
    invokedFunctionArn: workerData.arn,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: requestId,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  // Init (a cold start) runs outside the invocation, as Lambda's INIT phase precedes START:
  // what the module prints while loading carries no request id.
  let handler;
  let loadError;
  try {
    handler = load();
  } catch (error) {
    loadError = error;
  }
  // The invocation's time starts now, after init (the parent's timer too).
  deadline = Date.now() + timeoutMs;
  parentPort.postMessage({ id, begin: true });
  const timing = { ...initSpan };
  initSpan = undefined;
  await capture.run(requestId, async () => {
    capture.started(requestId);
    let started;
    const report = () => {
      const init = initMs;
      initMs = undefined;
      const durationMs = started === undefined ? 0 : performance.now() - started;
      return { durationMs, initMs: init, maxMemoryUsedMb: capture.maxMemoryUsedMb() };
    };
    try {
      if (loadError) throw loadError;
      started = performance.now();
      timing.start = epochNow();
      const result = await withTraceContext(requestId, traceHeader, () => handler(event, context));
      timing.end = epochNow();
      capture.flush();
      parentPort.postMessage({ id, result: result === undefined ? null : result, report: report(), timing });
    } catch (error) {
      timing.end = epochNow();
      const serialized = serializeError(error);
      capture.invokeError(serialized);
      capture.flush();
      parentPort.postMessage({ id, error: serialized, report: report(), timing });
    }
  });
});
