/** The commerce app in a browser test: a tenant user's first sign-in to their tenant's store. */
import type { Page } from 'playwright-core';
import { at, NEW_PASSWORD } from '../client';
import { cloud } from '../integration/cloud';

/** A first sign-in to the tenant's store: tenant name, username and temporary password, then a new password. */
export async function firstSignIn(page: Page, tenantName: string, username: string, temporaryPassword: string) {
  await page.goto(at(cloud().consoleUrl, `/app/?tenant=${tenantName}`));
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: `Sign in to ${tenantName}` }).waitFor();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(temporaryPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
  await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel('Confirm new password').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Set password and sign in' }).click();
}
