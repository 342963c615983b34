/**
 * The operator console's telemetry views in Chromium: a tenant's detail shows its recent requests
 * and log lines, and a request opens as a waterfall with the authorizer, the function and its
 * DynamoDB call, each bar of non-zero width.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoConsoleErrors, launch, openPage, screenshot } from '../support/browser/browser';
import { at } from '../support/client';
import { cloud, onboardedTenant, type TenantSession } from '../support/integration/cloud';

let browser: Browser;
let tenant: TenantSession;

beforeAll(async () => {
  browser = await launch();
  tenant = await onboardedTenant('tel-ui');
  // One request at a time (the local Lambda runtime, see test/integration/telemetry.test.ts).
  expect((await tenant.api('POST', '/products', { name: 'Lantern', price: 12 })).status).toBe(201);
});
afterAll(async () => browser?.close());

describe('operator console telemetry', () => {
  it("shows a tenant's recent requests and log lines, and a request's waterfall", async () => {
    const watched = await openPage(browser);
    const { page } = watched;
    await page.goto(at(cloud().consoleUrl, `/tenants/${tenant.tenantId}`));
    await page.getByLabel('Email').fill(cloud().operatorEmail);
    await page.getByLabel('Password').fill(cloud().operatorPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByRole('heading', { name: tenant.tenantName, level: 1 }).waitFor();
    await page.getByRole('heading', { name: /Recent requests/ }).waitFor();
    await page.getByRole('heading', { name: /Log lines/ }).waitFor();
    // Traces and lines arrive within a few seconds of the request: refresh until the POST shows.
    const post = page.getByRole('row').filter({ hasText: 'POST' }).filter({ hasText: '/products' });
    await expect
      .poll(
        async () => {
          if ((await post.count()) > 0) return true;
          await page.getByRole('button', { name: 'Refresh requests' }).click();
          return false;
        },
        { timeout: 15_000, interval: 1000 },
      )
      .toBe(true);
    await expect
      .poll(
        async () => {
          const lines = page.getByRole('row').filter({ hasText: 'ProductsFunction' });
          if ((await lines.count()) > 0) return true;
          await page.getByRole('button', { name: 'Refresh log lines' }).click();
          return false;
        },
        { timeout: 15_000, interval: 1000 },
      )
      .toBe(true);
    await screenshot(page, 'console-tenant-telemetry');

    await post.first().getByRole('link').click();
    await page.getByRole('heading', { name: 'Waterfall' }).waitFor();
    const rows = page.getByTestId('waterfall-row');
    // The function's DynamoDB subsegment is the last to arrive: reload until it is there.
    await expect
      .poll(
        async () => {
          const names = await rows.evaluateAll((elements) => elements.map((e) => e.getAttribute('data-name')));
          if (names.includes('DynamoDB')) return true;
          await page.reload();
          await page.getByRole('heading', { name: 'Waterfall' }).waitFor();
          return false;
        },
        { timeout: 15_000, interval: 1000 },
      )
      .toBe(true);

    const drawn: { name: string; depth: number; width: number; indent: number }[] = [];
    for (const row of await rows.all()) {
      const box = await row.getByTestId('waterfall-bar').boundingBox();
      const nameCell = await row.locator('td').first().boundingBox();
      const label = await row.locator('.tf-wf-label').boundingBox();
      drawn.push({
        name: (await row.getAttribute('data-name')) ?? '',
        depth: Number(await row.getAttribute('data-depth')),
        width: box?.width ?? 0,
        indent: (label?.x ?? 0) - (nameCell?.x ?? 0),
      });
    }
    expect(drawn.some((row) => /Authorizer/i.test(row.name))).toBe(true);
    expect(drawn.some((row) => /Products/i.test(row.name))).toBe(true);
    const dynamo = drawn.find((row) => row.name === 'DynamoDB');
    expect(dynamo?.depth).toBeGreaterThan(0);
    expect(drawn.every((row) => row.width > 0)).toBe(true);
    // Indented by depth: the DynamoDB call sits further right than the root segment.
    expect(dynamo?.indent).toBeGreaterThan(drawn[0]?.indent ?? Number.POSITIVE_INFINITY);
    await screenshot(page, 'console-trace-waterfall');
    expectNoConsoleErrors(watched);
    await watched.context.close();
  });
});
