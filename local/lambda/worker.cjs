// One Lambda execution environment: a worker thread with its own process.env (given by the
// parent) and its own module registry. Plain CommonJS so it needs no TypeScript loader.
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const Module = require('node:module');
const path = require('node:path');

// Lambda puts layers' nodejs/node_modules on NODE_PATH (/opt/nodejs/node_modules).
process.env.NODE_PATH = workerData.nodePath.join(path.delimiter);
Module._initPaths();

const [file, exportName] = splitHandler(workerData.handler);
let handlerFn;

function splitHandler(handler) {
  const dot = handler.lastIndexOf('.');
  return [handler.slice(0, dot), handler.slice(dot + 1)];
}

function load() {
  if (!handlerFn) {
    const mod = require(path.join(workerData.codeDir, file));
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
    logGroupName: `/aws/lambda/${process.env.AWS_LAMBDA_FUNCTION_NAME}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  try {
    const result = await load()(event, context);
    parentPort.postMessage({ id, result: result === undefined ? null : result });
  } catch (error) {
    parentPort.postMessage({ id, error: serializeError(error) });
  }
});
