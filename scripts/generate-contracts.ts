/**
 * `npm run contracts`: writes what is generated from contracts/ — the build-time validators
 * (contracts/generated/<schema>.ts), the OpenAPI documents (docs/openapi/*.json), the API
 * reference page (docs/api-reference.md) and the lifecycle events page (docs/lifecycle-events.md). `--check` writes nothing and fails when a committed file
 * is stale (a unit test runs the same comparison).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lifecycleEventsPage } from './contracts/lifecycle-events-page';
import { openApiDocument } from './contracts/openapi';
import { referencePage } from './contracts/reference';
import { validatorSources } from './contracts/validators';

const ROOT = path.resolve(__dirname, '..');

/** Every generated file: repository path → content. */
export function generatedFiles(): Map<string, string> {
  const version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const documents = {
    'control-plane.json': openApiDocument('control-plane', version),
    'tenant.json': openApiDocument('tenant', version),
  };
  const files = validatorSources();
  for (const [name, document] of Object.entries(documents)) {
    files.set(`docs/openapi/${name}`, `${JSON.stringify(document, null, 2)}\n`);
  }
  files.set('docs/api-reference.md', referencePage(documents));
  files.set('docs/lifecycle-events.md', lifecycleEventsPage());
  return files;
}

/** The generated files whose committed content differs from what the sources give. */
export function staleFiles(): string[] {
  return [...generatedFiles()]
    .filter(([file, content]) => {
      const full = path.join(ROOT, file);
      return !fs.existsSync(full) || fs.readFileSync(full, 'utf8') !== content;
    })
    .map(([file]) => file);
}

if (require.main === module) {
  if (process.argv.includes('--check')) {
    const stale = staleFiles();
    if (stale.length > 0) {
      console.error(`Stale generated files (run npm run contracts): ${stale.join(', ')}`);
      process.exit(1);
    }
  } else {
    for (const [file, content] of generatedFiles()) {
      fs.mkdirSync(path.dirname(path.join(ROOT, file)), { recursive: true });
      fs.writeFileSync(path.join(ROOT, file), content);
      console.log(`wrote ${file}`);
    }
  }
}
