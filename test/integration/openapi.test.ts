import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { at, http } from '../support/client';
import { cloud } from '../support/integration/cloud';

describe('the OpenAPI documents', () => {
  it.each(['control-plane.json', 'tenant.json'])(
    'serves /openapi/%s at the console origin, as committed',
    async (file) => {
      const committed = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../docs/openapi', file), 'utf8'));

      const served = await http('GET', at(cloud().consoleUrl, `/openapi/${file}`));

      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe('application/json');
      expect(served.body).toEqual(committed);
      expect(served.body.openapi).toBe('3.1.0');
    },
  );
});
