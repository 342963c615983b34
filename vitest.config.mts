import * as path from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * Three projects: unit (pure, no network), infra (CDK assertions and cdk-nag),
 * integration (against one local cloud started by the global setup).
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
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'local/**/*.test.ts'], environment: 'node' } },
      { extends: true, test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
