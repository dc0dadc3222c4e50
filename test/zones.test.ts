/**
 * The zone rules (eslint.config.mjs, run by `npm run typecheck`) catch what they promise:
 * forbidden imports across zones, clocks, timers and `process` in the pure zones, and import
 * cycles. Each bad file is linted as if it sat at its path in the repository; the good ones
 * show the rules do not simply reject everything.
 */
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

/** The rule ids that fire on `code` placed at `path` (relative to the repository). */
async function violations(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}${path}` });
  return result.messages.map((message) => `${message.ruleId ?? 'parse'}: ${message.message}`);
}

describe('zone rules', () => {
  it('accept a parser that imports src/common and its own folder', async () => {
    const code = `import type { Verdict } from '../../src/common/index.js';\nimport { rowText } from '../shared/screenText.js';\nexport const probe: Verdict | undefined = undefined;\nexport const text = rowText;\n`;
    expect(await violations('parsers/claude/probe.ts', code)).toEqual([]);
  });

  it('reject a parser that imports core', async () => {
    const found = await violations('parsers/claude/probe.ts', `import { SessionManager } from '../../src/core/index.js';\nexport const probe = SessionManager;\n`);
    expect(found).toEqual([expect.stringMatching(/^import-x\/no-restricted-paths: .*parsers import parsers\/ and src\/common\/ only/)]);
  });

  it('reject Date.now, setTimeout and process in a parser', async () => {
    const code = `export const now = Date.now();\nsetTimeout(() => undefined, 1);\nexport const home = process.env.HOME;\n`;
    const found = await violations('parsers/codex/probe.ts', code);
    expect(found).toEqual([
      expect.stringMatching(/^no-restricted-properties: .*Date\.now/),
      expect.stringMatching(/^no-restricted-globals: .*setTimeout/),
      expect.stringMatching(/^no-restricted-globals: .*process/),
    ]);
  });

  it('reject Node built-ins and timers in src/common', async () => {
    const found = await violations('src/common/probe.ts', `import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\nexport const later = setInterval;\n`);
    expect(found).toEqual(
      expect.arrayContaining([expect.stringMatching(/^import-x\/no-nodejs-modules/), expect.stringMatching(/^no-restricted-globals: .*setInterval/)]),
    );
  });

  it('reject core importing transport, and transport importing push', async () => {
    expect(await violations('src/core/probe.ts', `import { startTransport } from '../transport/index.js';\nexport const probe = startTransport;\n`)).toEqual([
      expect.stringMatching(/^import-x\/no-restricted-paths: .*src\/core never imports transport/),
    ]);
    expect(await violations('src/transport/probe.ts', `import { PushDispatcher } from '../push/index.js';\nexport const probe = PushDispatcher;\n`)).toEqual([
      expect.stringMatching(/^import-x\/no-restricted-paths: .*transport never imports push/),
    ]);
  });

  it('reject push reaching past core/index.ts', async () => {
    expect(await violations('src/push/probe.ts', `import { systemClock } from '../core/clocks.js';\nexport const probe = systemClock;\n`)).toEqual([
      expect.stringMatching(/^import-x\/no-restricted-paths: .*only through src\/core\/index\.ts/),
    ]);
    expect(await violations('src/push/probe.ts', `import { systemClock } from '../core/index.js';\nexport const probe = systemClock;\n`)).toEqual([]);
  });

  it('reject production code importing test support or electron/', async () => {
    expect(await violations('src/daemonProbe.ts', `import { waitFor } from '../test/support/waitFor.js';\nexport const probe = waitFor;\n`)).toEqual([
      expect.stringMatching(/^import-x\/no-restricted-paths: .*never imports test support/),
    ]);
    expect(await violations('src/daemonProbe.ts', `import { buildMenu } from '../electron/menuModel.js';\nexport const probe = buildMenu;\n`)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^import-x\/no-restricted-paths: .*only the Electron app imports electron\//)]),
    );
  });

  it('reject an import cycle', async () => {
    // protocolParse.ts imports protocol.ts; protocol.ts importing it back closes a cycle.
    const code = `export { parseClientMessage } from './protocolParse.js';\nexport const LIMITS = { requestId: 64 } as const;\n`;
    expect(await violations('src/common/protocol.ts', code)).toEqual([expect.stringMatching(/^import-x\/no-cycle/)]);
  });
});
