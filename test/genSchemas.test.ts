import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderSchemas, SCHEMA_DIRECTORY } from './genSchemas.js';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('docs/schemas', () => {
  it('match src/common/protocol.ts (regenerate: npm run build && node dist/test/genSchemas.js)', () => {
    for (const [name, content] of Object.entries(renderSchemas())) {
      const committed = readFileSync(join(root, SCHEMA_DIRECTORY, name), 'utf8');
      expect(committed, `${name} is out of date`).toBe(content);
    }
  });

  it('cover every message type', () => {
    const client = JSON.parse(renderSchemas()['client-message.schema.json']) as { oneOf?: unknown[]; anyOf?: unknown[] };
    expect((client.oneOf ?? client.anyOf)?.length).toBe(9);
    const server = JSON.parse(renderSchemas()['server-message.schema.json']) as { oneOf?: unknown[]; anyOf?: unknown[] };
    expect((server.oneOf ?? server.anyOf)?.length).toBe(10);
  });
});
