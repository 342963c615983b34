import { describe, expect, it } from 'vitest';
import { expectNoConsoleErrors, openPage, screenshot } from '../support/browser/browser';
import { firstSignIn } from '../support/browser/commerce';
import { operatorBrowserPerFile, signInAsOperator } from '../support/browser/operator';
import { adminSession, http, signUp, uniqueName, welcomeMailOf } from '../support/client';
import { cloud, controlPlane } from '../support/integration/cloud';

const browser = operatorBrowserPerFile();

describe('the audit log in the web apps', () => {
  it('shows an operator’s deactivate and activate of a tenant on the Audit log page and on the tenant’s page', async () => {
    const tenantName = uniqueName('audited');
    const registration = await signUp(cloud(), tenantName);
    expect(registration.status).toBe('SUCCEEDED');
    const { tenantId } = registration;
    const watched = await openPage(browser());
    const { page } = watched;

    await signInAsOperator(page, '/tenants');
    await page.getByRole('radio', { name: `Select ${tenantName}` }).check();
    await page.getByRole('button', { name: 'Deactivate', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Deactivate' }).click();
    await page.getByText(`${tenantName} is now inactive.`).waitFor();
    await page.getByRole('button', { name: 'Activate', exact: true }).click();
    await page.getByText(`${tenantName} is now active.`).waitFor();

    await page.getByRole('link', { name: 'Audit log', exact: true }).click();
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    // A filter the API refuses (400) shows its reason on that filter.
    await page.getByLabel('Tenant id').fill('not-a-tenant');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('Must be a tenant id.').waitFor();

    await page.getByLabel('Tenant id').fill(tenantId);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const deactivated = page.getByRole('row', { name: /tenant\.deactivate/ });
    const activated = page.getByRole('row', { name: /tenant\.activate/ });
    await deactivated.getByText('Succeeded').waitFor();
    await activated.getByText('Succeeded').waitFor();
    expect(await page.getByText('Must be a tenant id.').count()).toBe(0);
    expect(await activated.getByText(cloud().operatorEmail).count()).toBe(1);
    expect(await activated.getByText('SystemAdmin').count()).toBe(1);
    // Newest first: the activation above the deactivation.
    const actions = await page.getByRole('row').allInnerTexts();
    const order = actions.flatMap((text) => text.match(/tenant\.(de)?activate/g) ?? []);
    expect(order).toEqual(['tenant.activate', 'tenant.deactivate']);
    expect(new URL(page.url()).search).toBe(`?tenantId=${tenantId}`);
    await screenshot(page, 'console-audit-log');

    await activated.getByRole('link', { name: tenantId }).click();
    await page.getByRole('heading', { name: 'Audit log of this tenant' }).waitFor();
    await page.getByRole('row', { name: /tenant\.deactivate/ }).waitFor();
    await page.getByRole('row', { name: /tenant\.activate/ }).waitFor();

    // The refused filter's 400 is an expected answer (the browser logs it); nothing else may appear.
    expect(watched.errors.filter((e) => !e.includes('400'))).toEqual([]);
    await watched.context.close();
  });

  it('shows a tenant admin the user they created on the Activity page, and nothing of another tenant', async () => {
    const tenantName = uniqueName('active');
    const otherName = uniqueName('elsewhere');
    const [mine, theirs] = await Promise.all([signUp(cloud(), tenantName), signUp(cloud(), otherName)]);
    expect([mine.status, theirs.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    // The other tenant's admin creates a user: an entry the first admin must not see.
    const other = await adminSession(cloud(), otherName);
    const stranger = uniqueName('stranger');
    const made = await http('POST', controlPlane('/users'), {
      token: other.idToken,
      body: { username: stranger, email: `${stranger}@example.com`, role: 'TenantUser' },
    });
    expect(made.status).toBe(201);
    const theirEntries = await http('GET', controlPlane(`/audit?tenantId=${other.config.tenantId}`), {
      token: other.idToken,
    });
    expect(theirEntries.body.items.map((e: { target?: string }) => e.target)).toContain(stranger);

    const mail = await welcomeMailOf(cloud(), tenantName);
    const clerk = uniqueName('clerk');
    const watched = await openPage(browser());
    const { page } = watched;
    await firstSignIn(page, tenantName, mail.variables.username as string, mail.variables.temporaryPassword as string);
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('button', { name: 'Create user' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Username').fill(clerk);
    await dialog.getByLabel('Email').fill(`${clerk}@example.com`);
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await page.getByText(`Created ${clerk}.`).waitFor();

    await page.getByRole('link', { name: 'Activity' }).click();
    await page.getByRole('heading', { name: 'Activity', level: 1 }).waitFor();
    const created = page.getByRole('row', { name: new RegExp(`user\\.create.*${clerk}`) });
    await created.getByText('Succeeded').waitFor();
    expect(await created.getByText('TenantAdmin').count()).toBe(1);
    expect(await page.getByText(stranger).count()).toBe(0);
    expect(await page.getByText(other.config.tenantId).count()).toBe(0);
    await screenshot(page, 'app-activity');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate('document.documentElement.scrollWidth > window.innerWidth')).toBe(false);

    expectNoConsoleErrors(watched);
    await watched.context.close();
  });
});
