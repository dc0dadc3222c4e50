/**
 * Writes docs/schemas/{client,server}-message.schema.json (JSON Schema 2020-12) from the zod
 * schemas in src/common/protocol.ts, docs/schemas/dialect-<name>-{server,client}.schema.json from
 * the seed dialects' (test/dialectSchemas.ts), and docs/openapi.json (OpenAPI 3.1) from the REST route
 * table (src/transport/httpRoutes.ts). Run after changing the protocol or a route:
 *   npm run schemas
 * genSchemas.test.ts fails when the committed files are out of date.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { answerSchema, clientMessageSchema, PROTOCOL_VERSION, serverMessageSchema } from '../src/common/protocol.js';
import { DIALECT_SCHEMAS, PUSH_SCHEMAS } from './dialectSchemas.js';
import { HTTP_ROUTES } from '../src/transport/httpRoutes.js';
import { openApiDocument } from '../src/transport/openApi.js';

/** Where the schemas live, relative to the repository root. */
export const SCHEMA_DIRECTORY = join('docs', 'schemas');
/** Where the OpenAPI document lives, relative to the repository root. */
export const OPENAPI_PATH = join('docs', 'openapi.json');

/** The `answer` refinement (option_id or text) is code; state it in the schema too. */
function override(context: { zodSchema: unknown; jsonSchema: Record<string, unknown> }): void {
  if (context.zodSchema === answerSchema) {
    context.jsonSchema.anyOf = [{ required: ['option_id'] }, { required: ['text'] }];
  }
}

function render(schema: z.ZodType, title: string, description: string): string {
  // 'input' leaves additionalProperties open: receivers must ignore fields they do not know.
  const json = z.toJSONSchema(schema, { io: 'input', override });
  const { $schema, ...rest } = json;
  return `${JSON.stringify({ $schema, title, description, ...rest }, null, 2)}\n`;
}

/** The schema files as file name → content. @throws never */
export function renderSchemas(): Record<string, string> {
  return {
    'client-message.schema.json': render(
      clientMessageSchema,
      'Tether client message',
      `A message a client sends to the Tether daemon over /ws (protocol version ${PROTOCOL_VERSION}).`,
    ),
    'server-message.schema.json': render(
      serverMessageSchema,
      'Tether server message',
      `A message the Tether daemon sends to a client over /ws (protocol version ${PROTOCOL_VERSION}).`,
    ),
    ...Object.fromEntries(
      Object.entries(DIALECT_SCHEMAS).flatMap(([name, dialect]) => [
        [`dialect-${name}-server.schema.json`, render(dialect.server, `Tether /ws dialect ${name}: server message`, `A message in the shape of seed ${dialect.seed} that /ws sends with the subprotocol ${name}; other messages are Tether's (server-message.schema.json).`)],
        [`dialect-${name}-client.schema.json`, render(dialect.client, `Tether /ws dialect ${name}: client message`, `A request of seed ${dialect.seed} that /ws reads with the subprotocol ${name}; other requests are Tether's (client-message.schema.json).`)],
      ]),
    ),
    ...Object.fromEntries(
      Object.entries(PUSH_SCHEMAS).map(([name, push]) => [`push-${name}.schema.json`, render(push.schema, `Tether push payload for seed ${push.seed}`, `${push.what} (src/push/pushDialects.ts).`)]),
    ),
  };
}

/** The OpenAPI document as the daemon serves it (`GET /api/openapi.json`), pretty-printed. @throws never */
export function renderOpenApi(): string {
  return `${JSON.stringify(openApiDocument(HTTP_ROUTES), null, 2)}\n`;
}

/** Writes the schema files and the OpenAPI document under `root`. @throws the fs error when a file cannot be written */
export function writeSchemas(root: string): string[] {
  const directory = join(root, SCHEMA_DIRECTORY);
  mkdirSync(directory, { recursive: true });
  const written = Object.entries(renderSchemas()).map(([name, content]) => {
    const path = join(directory, name);
    writeFileSync(path, content);
    return path;
  });
  const openApiPath = join(root, OPENAPI_PATH);
  writeFileSync(openApiPath, renderOpenApi());
  return [...written, openApiPath];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  for (const path of writeSchemas(process.cwd())) console.log(`wrote ${path}`);
}
