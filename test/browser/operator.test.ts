import { describe, expect, it } from 'vitest';
import { expectNoConsoleErrors, openPage, screenshot } from '../support/browser/browser';
import { failedOnboarding, operatorBrowserPerFile, signInAsOperator } from '../support/browser/operator';
import { http, type Registration, signUp, uniqueName } from '../support/client';
import { cloud, controlPlane } from '../support/integration/cloud';
import { plannedSiloTenants, startRelease } from '../support/integration/release';

const browser = operatorBrowserPerFile();

describe('operator console', () => {
  it('shows a failed onboarding, draws its graph and redrives it to success', async () => {
    const registration = await failedOnboarding('CreateApiKey');
    const watched = await openPage(browser());
    const { page } = watched;

    await signInAsOperator(page);
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
    // How legible the graph is (label sizes, the failed state in view, zoom, Choice labels, the
    // screenshot): test/browser/execution-graph.test.ts.

    await page.getByRole('button', { name: 'Redrive', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Redrive' }).click();
    await page.getByTestId('execution-status').getByText('Succeeded').waitFor({ timeout: 45_000 });
    await expect.poll(async () => (await failedNode.getAttribute('aria-label')) ?? '').toMatch(/Succeeded/);
    await page.locator('.tf-graph').evaluate((graph) => graph.scrollIntoView({ block: 'end' }));
    await screenshot(page, 'console-execution-redriven');

    const after = await http<Registration>('GET', controlPlane(`/registrations/${registration.registrationId}`));
    expect(after.body.status).toBe('SUCCEEDED');

    await page.getByRole('link', { name: 'Tenants', exact: true }).first().click();
    await page.getByRole('link', { name: registration.tenantName }).waitFor();
    await screenshot(page, 'console-tenants');
    expectNoConsoleErrors(watched);
    await watched.context.close();
  });

  it('follows a release to the silo tenants live, wave by wave, until it has succeeded', async () => {
    const silos = await Promise.all([1, 2, 3].map(() => signUp(cloud(), uniqueName('silo'), 'PLATINUM')));
    expect(silos.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    // Every silo tenant of the cloud is released, other browser tests' included: three waves, whatever their number.
    const planned = await plannedSiloTenants();
    const waveSize = Math.ceil(planned.length / 3);
    const watched = await openPage(browser());
    const { page } = watched;
    await signInAsOperator(page, '/releases');
    await page.getByRole('heading', { name: 'Releases', level: 1 }).waitFor();

    // A second between stack polls: slow enough to watch it run.
    const { releaseId } = await startRelease('v-browser', { waveSize, pollSeconds: 1 });
    await page.getByRole('button', { name: 'Refresh releases' }).click();
    await page.getByRole('link', { name: 'v-browser' }).click();

    await page.getByRole('heading', { name: 'Release v-browser' }).waitFor();
    expect(page.url()).toContain(`/releases/${releaseId}`);
    await page.getByTestId('release-status').getByText('Running').waitFor();
    await page.getByText('Deploying').first().waitFor();
    await page.getByTestId('release-status').getByText('Succeeded').waitFor({ timeout: 60_000 });
    for (const silo of silos)
      await page
        .getByRole('row', { name: new RegExp(silo.tenantName) })
        .getByText('Updated')
        .waitFor();
    await page.getByText(`All silo tenants (${planned.length})`).waitFor();
    await page
      .getByText(new RegExp(`^${planned.length} updated$`))
      .first()
      .waitFor();
    await page.getByText(`${Math.ceil(planned.length / waveSize)} (up to ${waveSize} tenant`).waitFor();
    await screenshot(page, 'console-release');

    await page.getByRole('link', { name: 'Releases', exact: true }).first().click();
    await page
      .getByRole('row', { name: /v-browser/ })
      .getByText('Succeeded')
      .waitFor();
    await screenshot(page, 'console-releases');
    await page.getByRole('link', { name: 'Dashboard', exact: true }).first().click();
    await page.getByRole('heading', { name: 'Latest release' }).waitFor();
    await page.getByRole('link', { name: 'v-browser' }).click();
    // On a phone the page reflows: nothing wider than the screen but the table's own scroller.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('heading', { name: 'Release v-browser' }).waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth > window.innerWidth')).toBe(false);
    await screenshot(page, 'console-release-narrow');
    expectNoConsoleErrors(watched);
    await watched.context.close();
  });
});
