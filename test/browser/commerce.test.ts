import { AdminCreateUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoConsoleErrors, launch, openPage, screenshot } from '../support/browser/browser';
import { firstSignIn } from '../support/browser/commerce';
import { at, cognitoClient, invitationOf, signUp, uniqueName, welcomeMailOf } from '../support/client';
import { cloud } from '../support/integration/cloud';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => browser?.close());

describe('commerce app', () => {
  it('lets a new tenant admin sign in (choosing a password first), create a product and place an order', async () => {
    const tenantName = uniqueName('shop');
    const registration = await signUp(cloud(), tenantName);
    expect(registration.status).toBe('SUCCEEDED');
    const mail = await welcomeMailOf(cloud(), tenantName);
    const watched = await openPage(browser);
    const { page } = watched;

    await firstSignIn(page, tenantName, mail.variables.username as string, mail.variables.temporaryPassword as string);

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

  it('lets a tenant admin manage users (validated inline, reserved admin names refused, 409 on a taken username) and hides Users from tenant users', async () => {
    const tenantName = uniqueName('team');
    expect((await signUp(cloud(), tenantName)).status).toBe('SUCCEEDED');
    const mail = await welcomeMailOf(cloud(), tenantName);
    const admin = mail.variables.username as string;
    const clerk = uniqueName('clerk');
    const watched = await openPage(browser);
    const { page } = watched;
    await firstSignIn(page, tenantName, admin, mail.variables.temporaryPassword as string);

    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('link', { name: `View user ${admin}` }).waitFor();
    await page.getByRole('button', { name: 'Create user' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Username').fill('a b');
    await dialog.getByLabel('Email').fill('nope');
    await dialog.getByLabel('Email').press('Enter');
    await dialog.getByText("Username must be 3 to 63 characters of letters, digits, '.', '_' and '-'.").waitFor();
    await dialog.getByText('Email must be an email address.').waitFor();
    // Onboarding's admin usernames are reserved, refused as the user types them.
    await dialog.getByLabel('Username').fill(admin);
    await dialog.getByLabel('Email').fill(`${clerk}@example.com`);
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await dialog.getByText("Username must not end in '-admin': those are tenant admins' usernames.").waitFor();
    // A username someone else holds in the pooled pool: the API's 409, on the field.
    const held = uniqueName('held');
    await cognitoClient(cloud()).send(
      new AdminCreateUserCommand({ UserPoolId: cloud().pooledUserPoolId, Username: held, MessageAction: 'SUPPRESS' }),
    );
    await dialog.getByLabel('Username').fill(held);
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await dialog.getByText(`Username '${held}' is already taken.`).waitFor();
    await dialog.getByLabel('Username').fill(clerk);
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await page.getByText(`Created ${clerk}.`).waitFor();
    await page
      .getByRole('row', { name: new RegExp(clerk) })
      .getByText('Invited')
      .waitFor();

    await page.getByRole('link', { name: `View user ${clerk}` }).click();
    await page.getByRole('dialog').getByText(`${clerk}@example.com`).waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    await page.getByRole('radio', { name: `Select ${clerk}` }).check();
    await page.getByRole('button', { name: 'Disable', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Disable user' }).click();
    await page.getByText(`${clerk} is now disabled.`).waitFor();
    await page
      .getByRole('row', { name: new RegExp(clerk) })
      .getByText('Disabled')
      .waitFor();
    await screenshot(page, 'app-users');
    await page.getByRole('button', { name: 'Enable', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Enable user' }).click();
    await page.getByText(`${clerk} is now enabled.`).waitFor();
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate('document.documentElement.scrollWidth > window.innerWidth')).toBe(false);
    // The taken username's 409 is an expected answer (the browser logs it); nothing else may appear.
    expect(watched.errors.filter((e) => !e.includes('409'))).toEqual([]);
    await watched.context.close();

    const invite = await invitationOf(cloud(), clerk);
    const asClerk = await openPage(browser);
    await firstSignIn(asClerk.page, tenantName, clerk, invite.variables.temporaryPassword as string);
    await asClerk.page.getByRole('heading', { name: 'Products' }).waitFor();
    expect(await asClerk.page.getByRole('link', { name: 'Users' }).count()).toBe(0);
    expectNoConsoleErrors(asClerk);
    await asClerk.context.close();
  });

  it('works the same for a silo (PLATINUM) tenant: its own pool, its own API, and its users on the control plane', async () => {
    const tenantName = uniqueName('silo-shop');
    expect((await signUp(cloud(), tenantName, 'PLATINUM')).status).toBe('SUCCEEDED');
    const mail = await welcomeMailOf(cloud(), tenantName);
    const admin = mail.variables.username as string;
    const watched = await openPage(browser);
    const { page } = watched;

    await firstSignIn(page, tenantName, admin, mail.variables.temporaryPassword as string);
    await page.getByText('No products yet').waitFor();
    await page.getByRole('button', { name: 'Create product' }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Silo lamp');
    await dialog.getByLabel('Price').fill('40');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('cell', { name: 'Silo lamp', exact: true }).waitFor();
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('link', { name: `View user ${admin}` }).waitFor();

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
