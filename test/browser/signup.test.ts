import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POOL_ONBOARDING_TASKS } from '../../contracts/onboarding-states';
import { expectNoConsoleErrors, launch, openPage, screenshot } from '../support/browser/browser';
import { at, uniqueName } from '../support/client';
import { cloud } from '../support/integration/cloud';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => browser?.close());

describe('sign-up page', () => {
  it('validates inline, signs a tenant up through the form and follows its onboarding to success', async () => {
    const watched = await openPage(browser);
    const { page } = watched;
    const tenantName = uniqueName('web');

    await page.goto(at(cloud().consoleUrl, '/signup'));
    await page.getByLabel('Tenant name').fill('No');
    await page.getByLabel('Administrator email').click();
    await expect.poll(() => page.getByText('must be 3 to 40 characters').first().isVisible()).toBe(true);
    await page.getByLabel('Tenant name').fill(tenantName);
    await page.getByLabel('Administrator email').fill(`admin@${tenantName}.example.com`);
    await page.getByLabel(/Company name/).fill('Web Test Inc.');
    await page.getByRole('radio', { name: /Standard/ }).check();
    await screenshot(page, 'signup');
    await page.getByRole('button', { name: 'Create tenant' }).click();

    await page.getByRole('heading', { name: 'Your tenant is ready' }).waitFor({ timeout: 45_000 });
    const steps = await Promise.all(
      (await page.locator('[data-step]').all()).map(async (step) => [
        await step.getAttribute('data-step'),
        await step.getAttribute('data-status'),
      ]),
    );
    expect(steps).toEqual(POOL_ONBOARDING_TASKS.map((name) => [name, 'SUCCEEDED']));
    const link = page.getByRole('link', { name: `Sign in to ${tenantName}` });
    expect(await link.getAttribute('href')).toBe(`/app/?tenant=${tenantName}`);
    await screenshot(page, 'signup-done');
    expectNoConsoleErrors(watched);
    await watched.context.close();
  });

  it('is usable on a narrow screen and by keyboard alone', async () => {
    const watched = await openPage(browser, { width: 390, height: 844 });
    const { page } = watched;

    await page.goto(at(cloud().consoleUrl, '/signup/'));
    await page.getByLabel('Tenant name').waitFor();
    // The tenant name field has focus first; Tab reaches the other fields in order.
    await page.keyboard.type('ab');
    await page.keyboard.press('Tab');
    await page.keyboard.type('not-an-email');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByText('Email must be an email address.').isVisible()).toBe(true);
    const overflow = await page.evaluate('document.documentElement.scrollWidth > window.innerWidth');
    expect(overflow).toBe(false);
    await screenshot(page, 'signup-narrow');
    expectNoConsoleErrors(watched);
    await watched.context.close();
  });
});
