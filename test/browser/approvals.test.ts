/**
 * Approvals in the browser: an applicant signs up for a tier that needs an operator (PLATINUM by
 * default, context approvalTiers) on the sign-up page, which says so and keeps polling, while an
 * operator answers in the console — from the Approvals page or from the execution's own page.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { onboardingTasks } from '../../contracts/onboarding-states';
import { expectNoConsoleErrors, openPage } from '../support/browser/browser';
import { operatorBrowserPerFile, signInAsOperator } from '../support/browser/operator';
import { at, uniqueName } from '../support/client';
import { cloud } from '../support/integration/cloud';

const browser = operatorBrowserPerFile();

/** Signs `tenantName` up for PLATINUM through the sign-up form and waits for the page to say it waits for approval. */
async function platinumSignUp(page: Page, tenantName: string): Promise<void> {
  await page.goto(at(cloud().consoleUrl, '/signup'));
  await page.getByLabel('Tenant name').fill(tenantName);
  await page.getByLabel('Administrator email').fill(`admin@${tenantName}.example.com`);
  await page.getByRole('radio', { name: /Platinum/ }).check();
  await page.getByRole('button', { name: 'Create tenant' }).click();
  await page.getByRole('heading', { name: 'Waiting for approval' }).waitFor({ timeout: 30_000 });
  await page.getByText("The PLATINUM tier needs an operator's approval").waitFor();
  await page.getByText('Nothing is created for your tenant until an operator approves it').waitFor();
  expect(await page.locator('[data-step="AwaitApproval"]').getAttribute('data-status')).toBe('IN_PROGRESS');
  // Nothing paid is created yet: the user pool's step is still to come.
  expect(await page.locator('[data-step="CreateTenantUserPool"]').getAttribute('data-status')).toBe('PENDING');
}

const stepsOf = async (page: Page) =>
  Promise.all(
    (await page.locator('[data-step]').all()).map(async (step) => [
      await step.getAttribute('data-step'),
      await step.getAttribute('data-status'),
    ]),
  );

describe('approving sign-ups', () => {
  it('an operator approves a pending PLATINUM sign-up from the Approvals page; the applicant sees it wait, then succeed', async () => {
    const applicant = await openPage(browser());
    const operator = await openPage(browser());
    const tenantName = uniqueName('approve');

    await platinumSignUp(applicant.page, tenantName);

    const { page } = operator;
    await signInAsOperator(page);
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    const counter = page.getByRole('link', { name: /^Pending approvals: \d+$/ });
    await counter.waitFor();
    expect(Number((await counter.textContent()) ?? 0)).toBeGreaterThanOrEqual(1);
    await counter.click();
    await page.getByRole('heading', { name: 'Pending approvals', level: 1 }).waitFor();
    const row = page.getByRole('row', { name: new RegExp(tenantName) });
    await row.getByText('PLATINUM').waitFor();
    await row.getByRole('button', { name: `Approve ${tenantName}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Approve' }).click();
    await page.getByText(`${tenantName} was approved; its onboarding continues.`).waitFor();
    expect(await row.count()).toBe(0);

    await applicant.page.getByRole('heading', { name: 'Your tenant is ready' }).waitFor({ timeout: 90_000 });
    expect(await stepsOf(applicant.page)).toEqual(onboardingTasks('silo', true).map((name) => [name, 'SUCCEEDED']));
    await applicant.page.getByRole('link', { name: `Sign in to ${tenantName}` }).waitFor();
    expectNoConsoleErrors(applicant);
    expectNoConsoleErrors(operator);
    await applicant.context.close();
    await operator.context.close();
  });

  it('an operator rejects one with a reason from the execution page; the applicant is shown the reason', async () => {
    const applicant = await openPage(browser());
    const operator = await openPage(browser());
    const tenantName = uniqueName('reject');
    const reason = 'We could not verify the company';

    await platinumSignUp(applicant.page, tenantName);

    const { page } = operator;
    await signInAsOperator(page, '/approvals');
    await page.getByRole('link', { name: `Onboarding of ${tenantName}` }).click();
    await page.getByRole('heading', { name: `Onboarding of ${tenantName}`, level: 1 }).waitFor();
    const waiting = page.getByText("Waiting for an operator's approval");
    await waiting.waitFor();
    await page.getByRole('button', { name: 'Reject', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Reject ${tenantName}?` });
    // The reason is required: the API's own rule, shown on the field before anything is sent.
    await dialog.getByRole('button', { name: 'Reject' }).click();
    await dialog.getByText(/^Reason must/).waitFor();
    await dialog.getByLabel('Reason').fill(reason);
    await dialog.getByRole('button', { name: 'Reject' }).click();
    await page.getByText('Rejected: the execution ends without changing anything.').waitFor();
    await page.getByTestId('execution-status').getByText('Failed').waitFor({ timeout: 30_000 });
    expect(await waiting.count()).toBe(0);

    await applicant.page.getByRole('heading', { name: 'Your sign-up was not approved' }).waitFor({ timeout: 30_000 });
    expect(await applicant.page.getByTestId('rejection-reason').textContent()).toBe(`Not approved: ${reason}`);
    await applicant.page.getByText(`the name ${tenantName} is free to use again`).waitFor();
    expect(await applicant.page.locator('[data-step="AwaitApproval"]').getAttribute('data-status')).toBe('FAILED');
    expectNoConsoleErrors(applicant);
    expectNoConsoleErrors(operator);
    await applicant.context.close();
    await operator.context.close();
  });
});
