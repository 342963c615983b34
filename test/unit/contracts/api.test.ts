import { describe, expect, it } from 'vitest';
import { OPERATIONS, operationOf } from '../../../contracts/api';
import { LIFECYCLE_DETAIL_TYPES } from '../../../contracts/lifecycle-events';
import { ROUTES } from '../../../contracts/routes';
import { LIFECYCLE_EVENT_SCHEMAS } from '../../../contracts/schemas/events';
import { generatedFiles, staleFiles } from '../../../scripts/generate-contracts';

describe('the API contract', () => {
  it('gives every route of the route table an operation with a success response', () => {
    const missing = ROUTES.filter((route) => !operationOf(route)).map((route) => `${route.method} ${route.path}`);
    expect(missing).toEqual([]);
    for (const route of ROUTES) expect(Object.keys(operationOf(route)?.responses ?? {}).length).toBeGreaterThan(0);
  });

  it('describes no operation the route table does not serve', () => {
    const routes = new Set(ROUTES.map((route) => `${route.method} ${route.path}`));
    expect(Object.keys(OPERATIONS).filter((key) => !routes.has(key))).toEqual([]);
  });

  it('keeps the committed validators, OpenAPI documents, reference page and lifecycle events page current (npm run contracts)', () => {
    expect(staleFiles()).toEqual([]);
  });

  it('documents every lifecycle event with its JSON Schema and an example (docs/lifecycle-events.md)', () => {
    const page = generatedFiles().get('docs/lifecycle-events.md') ?? '';
    for (const detailType of LIFECYCLE_DETAIL_TYPES) {
      const section = page.split(`\n## ${detailType}\n`)[1]?.split('\n## ')[0] ?? '';
      expect(section).toContain(`"$id": "${LIFECYCLE_EVENT_SCHEMAS[detailType].$id}"`);
      expect(section).toContain(`"detail-type": "${detailType}"`);
    }
  });
});
