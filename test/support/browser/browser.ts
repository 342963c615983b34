/**
 * Playwright (playwright-core) driving Debian's Chromium against the local cloud started by the
 * global setup. Never downloads a browser. Every page's console errors and uncaught exceptions
 * are collected, and `expectNoConsoleErrors` fails a test that produced any.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const CHROMIUM = process.env.TENANTFLOW_CHROMIUM ?? '/usr/bin/chromium';
export const DOCS_DIR = path.resolve(__dirname, '../../../docs');

export async function launch(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface WatchedPage {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly errors: string[];
}

/** A fresh context (no shared storage) at 1280 × 800, with console errors collected. */
export async function openPage(browser: Browser, viewport = { width: 1280, height: 800 }): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport, reducedMotion: 'reduce' });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  return { context, page, errors };
}

export function expectNoConsoleErrors(watched: WatchedPage): void {
  expect(watched.errors).toEqual([]);
}

/** Saves a screenshot under docs/ (the README shows them). */
/** Refreshes docs/<name>.png when UPDATE_SCREENSHOTS=1, so ordinary test runs leave the tree clean. */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.UPDATE_SCREENSHOTS !== '1') return;
  fs.mkdirSync(DOCS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(DOCS_DIR, `${name}.png`), fullPage: false });
}
