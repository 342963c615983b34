/**
 * Setup file of the integration and browser projects: every API answer the shared client
 * receives is held to the response schema its route and status name in the contract
 * (test/support/contract-check.ts), so contract drift fails the test that saw it.
 */
import { inject } from 'vitest';
import { checkEveryResponse } from '../client';
import { checkResponse } from '../contract-check';

checkEveryResponse((method, url, status, body) =>
  checkResponse(method, url, status, body, inject('cloud').controlPlaneApiUrl),
);
