// One Lambda execution environment: a worker thread with its own process.env (given by the
// parent) and its own module registry. Plain CommonJS so it needs no TypeScript loader.
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

const [file, exportName] = splitHandler(workerData.handler);
let handlerFn;
/** How long loading the handler's module took, until the invocation that reports it (REPORT's Init Duration). */
let initMs;

function splitHandler(handler) {
  const dot = handler.lastIndexOf('.');
  return [handler.slice(0, dot), handler.slice(dot + 1)];
}

function load() {
  if (!handlerFn) {
    const started = performance.now();
    const mod = require(path.join(workerData.codeDir, file));
    initMs = performance.now() - started;
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

parentPort.on('message', async ({ id, event, deadline, requestId, warm }) => {
  if (warm) {
    // Pre-warming: run the module's init code now; problems surface on the first real invoke.
    try {
      load();
    } catch {}
    parentPort.postMessage({ id, result: null });
    return;
  }
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
      const result = await handler(event, context);
      capture.flush();
      parentPort.postMessage({ id, result: result === undefined ? null : result, report: report() });
    } catch (error) {
      const serialized = serializeError(error);
      capture.invokeError(serialized);
      capture.flush();
      parentPort.postMessage({ id, error: serialized, report: report() });
    }
  });
});
