/** The operator console in a browser test: signing in, and an onboarding made to fail for it to show. */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { at, http, type Registration, register, uniqueName, waitFor } from '../client';
import { clearFaults, cloud, controlPlane, injectFault } from '../integration/cloud';
import { launch } from './browser';

/**
 * Launches Chromium for the calling test file (closed after it) and clears injected faults
 * after each test; returns the browser's getter.
 */
export function operatorBrowserPerFile(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => browser?.close());
  afterEach(async () => {
    await clearFaults();
  });
  return () => {
    if (!browser) throw new Error('Chromium is not launched yet (use the browser inside a test)');
    return browser;
  };
}

/** Opens `path` of the operator console and signs in as the cloud's operator. */
export async function signInAsOperator(page: Page, path = '/'): Promise<void> {
  await page.goto(at(cloud().consoleUrl, path));
  await page.getByLabel('Email').fill(cloud().operatorEmail);
  await page.getByLabel('Password').fill(cloud().operatorPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Signs a tenant up with a fault injected at `step` and waits for its onboarding to fail there. */
export async function failedOnboarding(step: string): Promise<Registration> {
  await injectFault(step);
  try {
    const { registrationId } = await register(cloud(), uniqueName('broken'));
    return await waitFor(
      async () => {
        const current = await http<Registration>('GET', controlPlane(`/registrations/${registrationId}`));
        return current.body.status === 'FAILED' ? current.body : undefined;
      },
      `onboarding of ${registrationId} to fail`,
      45_000,
    );
  } finally {
    await clearFaults();
  }
}
