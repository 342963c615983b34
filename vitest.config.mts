import * as path from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * Four projects: unit (pure, no network; includes the console's component tests), infra (CDK
 * assertions and cdk-nag), integration (against one local cloud started by the global setup),
 * browser (the web apps in Chromium against a local cloud of their own).
 */
export default defineConfig({
  resolve: {
    // Lambda resolves the layer from /opt/nodejs; tests use its source.
    alias: { '@tenantflow/tenant-context': path.resolve(import.meta.dirname, 'layers/tenant-context/index.ts') },
  },
  test: {
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'local/**/*.test.ts', 'console/test/**/*.test.{ts,tsx}'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          setupFiles: ['test/support/integration/contract-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          // The web apps in Debian's Chromium (playwright-core) against their own local cloud.
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          setupFiles: ['test/support/integration/contract-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
