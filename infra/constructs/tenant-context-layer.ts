import * as path from 'node:path';
import { DockerImage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { BUNDLE_ALIASES } from './bundling/aliases';

/** The module name functions import; Lambda resolves it from /opt/nodejs/node_modules. */
export const TENANT_CONTEXT_MODULE = '@tenantflow/tenant-context';

const LAYER_SOURCE = path.resolve(__dirname, '..', '..', 'layers', 'tenant-context');

/**
 * The esbuild build of the layer into `outputDir` in the layout Lambda expects
 * (`nodejs/node_modules/<module>/index.js`); the bench rebuilds the layer with it.
 */
export function layerBuildOptions(outputDir: string): import('esbuild').BuildOptions {
  return {
    entryPoints: [path.join(LAYER_SOURCE, 'index.ts')],
    outfile: path.join(outputDir, 'nodejs', 'node_modules', TENANT_CONTEXT_MODULE, 'index.js'),
    bundle: true,
    minify: true,
    // The same size choices as AppFunction: no embedded sources, the SDK's ES module builds.
    sourcemap: true,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    alias: { ...BUNDLE_ALIASES },
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    logLevel: 'error',
  };
}

/**
 * The tenant-context layer: tenant context from the authorizer, a tenant-aware logger and
 * DynamoDB clients scoped to the caller's tenant. Bundled locally with esbuild into the
 * layout Lambda expects (`nodejs/node_modules/<module>/index.js`).
 */
export class TenantContextLayer extends Construct {
  readonly layer: lambda.LayerVersion;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.layer = new lambda.LayerVersion(this, 'Layer', {
      description: 'tenantflow tenant context: authorizer context, tenant logger, tenant-scoped AWS clients',
      compatibleRuntimes: [lambda.Runtime.NODEJS_22_X],
      compatibleArchitectures: [lambda.Architecture.ARM_64],
      code: lambda.Code.fromAsset(LAYER_SOURCE, {
        bundling: {
          // Docker is never used: local bundling always succeeds or throws.
          image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22'),
          local: {
            tryBundle(outputDir: string): boolean {
              // Required lazily: esbuild is a devDependency used only at synth time.
              const esbuild = require('esbuild') as typeof import('esbuild');
              esbuild.buildSync(layerBuildOptions(outputDir));
              return true;
            },
          },
        },
      }),
    });
  }
}
