import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { at, cloud, signUp, uniqueName, welcomeMailOf } from '../integration/support/client';
import { expectNoConsoleErrors, launch, openPage, screenshot } from './support/browser';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => browser?.close());

describe('commerce app', () => {
  it('lets a new tenant admin sign in (choosing a password first), create a product and place an order', async () => {
    const tenantName = uniqueName('shop');
    const registration = await signUp(tenantName);
    expect(registration.status).toBe('SUCCEEDED');
    const mail = await welcomeMailOf(tenantName);
    const watched = await openPage(browser);
    const { page } = watched;

    await page.goto(at(cloud().consoleUrl, `/app/?tenant=${tenantName}`));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: `Sign in to ${tenantName}` }).waitFor();
    await page.getByLabel('Email').fill(mail.variables.username as string);
    await page.getByLabel('Password').fill(mail.variables.temporaryPassword as string);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await page.getByLabel('New password', { exact: true }).fill('Chosen-Passw0rd!x');
    await page.getByLabel('Confirm new password').fill('Chosen-Passw0rd!x');
    await page.getByRole('button', { name: 'Set password and sign in' }).click();

    await page.getByText('No products yet').waitFor();
    await screenshot(page, 'app-products-empty');
    await page.getByRole('button', { name: 'Create product' }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Blue mug');
    await dialog.getByLabel('Price').fill('abc');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.getByText('Price must be a number').waitFor();
    await dialog.getByLabel('Price').fill('12.50');
    await dialog.getByLabel(/SKU/).fill('MUG-1');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('cell', { name: 'Blue mug', exact: true }).waitFor();
    await screenshot(page, 'app-products');

    await page.getByRole('link', { name: 'Orders' }).click();
    await page.getByText('No orders yet.').waitFor();
    await page.getByRole('button', { name: 'Create order' }).click();
    const orderDialog = page.getByRole('dialog');
    await orderDialog.getByRole('button', { name: /Product, line 1/ }).click();
    await page.getByRole('option', { name: /Blue mug/ }).click();
    await orderDialog.getByLabel('Quantity, line 1').fill('3');
    await orderDialog.getByText('Estimated total: 37.50').waitFor();
    await orderDialog.getByRole('button', { name: 'Place order' }).click();
    await page.getByText('Order placed: total 37.50.').waitFor();
    await page.getByRole('cell', { name: '37.50', exact: true }).waitFor();
    await screenshot(page, 'app-orders');

    expectNoConsoleErrors(watched);
    await watched.context.close();
  });

  it('explains an unknown tenant name in words', async () => {
    const watched = await openPage(browser);
    const { page } = watched;

    await page.goto(at(cloud().consoleUrl, '/app/'));
    await page.getByLabel('Tenant name').fill('no-such-tenant-here');
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.getByText('There is no tenant named “no-such-tenant-here”').waitFor();
    // The 404 is an expected answer; the browser logs every failed resource load, nothing else may appear.
    expect(watched.errors.filter((e) => !e.includes('404'))).toEqual([]);
    await watched.context.close();
  });
});
