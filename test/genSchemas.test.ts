import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OPENAPI_PATH, renderOpenApi, renderSchemas, SCHEMA_DIRECTORY } from './genSchemas.js';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('docs/schemas', () => {
  it('match src/common/protocol.ts (regenerate: npm run schemas)', () => {
    for (const [name, content] of Object.entries(renderSchemas())) {
      const committed = readFileSync(join(root, SCHEMA_DIRECTORY, name), 'utf8');
      expect(committed, `${name} is out of date`).toBe(content);
    }
  });

  it('cover every message type', () => {
    const client = JSON.parse(renderSchemas()['client-message.schema.json']) as { oneOf?: unknown[]; anyOf?: unknown[] };
    expect((client.oneOf ?? client.anyOf)?.length).toBe(15);
    const server = JSON.parse(renderSchemas()['server-message.schema.json']) as { oneOf?: unknown[]; anyOf?: unknown[] };
    expect((server.oneOf ?? server.anyOf)?.length).toBe(29);
  });
});

describe('docs/openapi.json', () => {
  it('matches the route table (regenerate: npm run schemas)', () => {
    expect(readFileSync(join(root, OPENAPI_PATH), 'utf8'), 'docs/openapi.json is out of date').toBe(renderOpenApi());
  });

  it('has one operation per route, each with its access and a reply', async () => {
    const { HTTP_ROUTES } = await import('../src/transport/httpRoutes.js');
    const document = JSON.parse(renderOpenApi()) as { openapi: string; paths: Record<string, Record<string, { 'x-tether-access': string; responses: Record<string, unknown> }>> };
    expect(document.openapi).toBe('3.1.0');
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, operation })),
    );
    expect(operations.map((entry) => entry.route).sort()).toEqual(
      HTTP_ROUTES.map((route) => `${route.method} ${route.path.replace(/:([A-Za-z_]+)/g, '{$1}')}`).sort(),
    );
    for (const { route, operation } of operations) {
      const own = HTTP_ROUTES.find((candidate) => `${candidate.method} ${candidate.path.replace(/:([A-Za-z_]+)/g, '{$1}')}` === route);
      expect(operation['x-tether-access'], route).toBe(own?.access);
      expect(Object.keys(operation.responses).some((status) => status.startsWith('2')), route).toBe(true);
      if (own?.access !== 'anyone') expect(operation.responses['401'], route).toBeDefined();
    }
  });
});

describe('docs/protocol.md', () => {
  const text = readFileSync(join(root, 'docs', 'protocol.md'), 'utf8');

  it('has one error-table line per error code', async () => {
    const { ERROR_CODES } = await import('../src/common/errors.js');
    const documented = [...text.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((match) => match[1]);
    expect(documented).toEqual([...ERROR_CODES]);
  });

  it('lists every HTTP route', async () => {
    const { HTTP_ROUTES } = await import('../src/transport/httpRoutes.js');
    const table = [...text.matchAll(/^\| `((?:GET|POST|PUT|PATCH|DELETE) \/[^`]*)` \|/gm)].map((match) => match[1]);
    expect(table).toEqual(HTTP_ROUTES.map((route) => `${route.method} ${route.path}`));
  });

  it('mentions every message type', async () => {
    const { clientMessageSchemas } = await import('../src/common/protocol.js');
    const serverTypes = ['welcome', 'sessions', 'session_created', 'session_resumed', 'session_closed', 'waiting_for_input', 'waiting_cleared', 'pty_output', 'screen', 'resync', 'error', 'ack', 'session_removed', 'token_rotated'];
    for (const type of [...Object.keys(clientMessageSchemas), ...serverTypes]) {
      expect(text, type).toContain(`{"type": "${type}"`);
    }
  });
});
