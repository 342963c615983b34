import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { at, cloud, controlPlane, http, type Registration, uniqueName, waitFor } from '../integration/support/client';
import { expectNoConsoleErrors, launch, openPage, screenshot } from './support/browser';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => browser?.close());
afterEach(async () => {
  await http('DELETE', at(cloud().consoleUrl, '/local/faults'));
});

async function failedOnboarding(step: string): Promise<Registration> {
  await http('POST', at(cloud().consoleUrl, '/local/faults'), { body: { step, times: -1 } });
  const tenantName = uniqueName('broken');
  const accepted = await http('POST', controlPlane('/registrations'), {
    body: { tenantName, email: `admin@${tenantName}.example.com`, tier: 'BASIC' },
  });
  expect(accepted.status).toBe(202);
  const failed = await waitFor(
    async () => {
      const current = await http<Registration>('GET', controlPlane(`/registrations/${accepted.body.registrationId}`));
      return current.body.status === 'FAILED' ? current.body : undefined;
    },
    `onboarding of ${tenantName} to fail`,
    45_000,
  );
  await http('DELETE', at(cloud().consoleUrl, '/local/faults'));
  return failed;
}

describe('operator console', () => {
  it('shows a failed onboarding, draws its graph and redrives it to success', async () => {
    const registration = await failedOnboarding('CreateApiKey');
    const watched = await openPage(browser);
    const { page } = watched;

    await page.goto(at(cloud().consoleUrl, '/'));
    await page.getByLabel('Email').fill(cloud().operatorEmail);
    await page.getByLabel('Password').fill(cloud().operatorPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Recent failures' }).waitFor();
    await page.getByRole('link', { name: registration.tenantName }).first().waitFor();
    await screenshot(page, 'console-dashboard');

    await page.getByRole('link', { name: 'Executions', exact: true }).first().click();
    await page.getByRole('button', { name: /Filter by status/ }).click();
    await page.getByRole('option', { name: 'Failed' }).click();
    await page.getByLabel('Search executions').fill(registration.tenantName);
    await page.getByRole('link', { name: registration.tenantName }).waitFor();
    await screenshot(page, 'console-executions');
    await page.getByRole('link', { name: registration.tenantName }).click();

    const failedNode = page.locator('.react-flow__node[data-id="CreateApiKey"]');
    await failedNode.waitFor();
    expect(await failedNode.getAttribute('aria-label')).toMatch(/Failed/);
    expect(await page.locator('.react-flow__node[data-id="StoreTenant"]').getAttribute('aria-label')).toMatch(
      /Succeeded/,
    );
    await screenshot(page, 'console-execution-failed');
    // Both Choices (RouteByTier, NeedsTenantStack) label their branches with their rule
    // (Catch labels: see console/test/asl-graph.test.ts).
    await expect.poll(() => page.locator('.react-flow__edge-text', { hasText: 'Default' }).count()).toBe(2);
    await expect
      .poll(() => page.locator('.react-flow__edge-text', { hasText: '$.plan.deploymentModel == "silo"' }).count())
      .toBe(2);

    await page.getByRole('button', { name: 'Redrive', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Redrive' }).click();
    await page.getByTestId('execution-status').getByText('Succeeded').waitFor({ timeout: 45_000 });
    await expect.poll(async () => (await failedNode.getAttribute('aria-label')) ?? '').toMatch(/Succeeded/);
    await screenshot(page, 'console-execution-redriven');

    const after = await http<Registration>('GET', controlPlane(`/registrations/${registration.registrationId}`));
    expect(after.body.status).toBe('SUCCEEDED');

    await page.getByRole('link', { name: 'Tenants', exact: true }).first().click();
    await page.getByRole('link', { name: registration.tenantName }).waitFor();
    await screenshot(page, 'console-tenants');
    expectNoConsoleErrors(watched);
    await watched.context.close();
  });
});
