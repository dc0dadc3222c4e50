/**
 * The zone rules (eslint.config.mjs, run by `npm run typecheck`) catch what they promise:
 * forbidden imports across zones, clocks, timers and `process` in the pure zones, and import
 * cycles. Each bad file is linted as if it sat at its path in the repository; the good ones
 * show the rules do not simply reject everything. The lint's cycle rule follows value imports
 * only, so the last test walks the whole import graph with `import type` included.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The folders that hold our TypeScript. */
const SOURCE_FOLDERS = ['src', 'parsers', 'test', 'web/src', 'electron'];

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

/** Every .ts file under `directory` (testdata excluded). */
function sourceFiles(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === 'testdata' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** file → the repository files it imports, re-exports or loads with `import()` (type-only ones included). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of SOURCE_FOLDERS.flatMap((folder) => sourceFiles(join(ROOT, folder)))) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
    const targets: string[] = [];
    const add = (specifier: ts.Node | undefined): void => {
      if (specifier === undefined || !ts.isStringLiteral(specifier) || !specifier.text.startsWith('.')) return;
      const target = resolve(dirname(file), specifier.text).replace(/\.js$/, '.ts');
      if (existsSync(target)) targets.push(target);
    };
    const visit = (node: ts.Node): void => {
      if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
      // `await import('./cli/openCommand.js')`: the CLI loads its subcommands lazily.
      else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0]);
      ts.forEachChild(node, visit);
    };
    visit(source);
    graph.set(file, targets);
  }
  return graph;
}

/** The strongly connected groups of more than one file (Tarjan), as repository paths. */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(file, Math.min(low.get(file)!, index.get(next)!));
    }
    if (low.get(file) !== index.get(file)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(relative(ROOT, member));
    } while (member !== file);
    if (group.length > 1) found.push(group.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

describe('import graph', () => {
  it('has no cycle, type-only imports included', () => {
    const graph = importGraph();
    expect(graph.size).toBeGreaterThan(200);
    expect(cycles(graph)).toEqual([]);
  });

  it('has no file under src/ or parsers/ that only tests use', () => {
    const graph = importGraph();
    // What ships: the `tether` command (bin/tether.js runs src/cli.ts), the Electron app, and the
    // session host program the daemon starts by path.
    const reached = new Set<string>();
    const pending = ['src/cli.ts', 'electron/main.ts', 'src/host/hostMain.ts'].map((entry) => join(ROOT, entry));
    for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
      if (reached.has(file)) continue;
      reached.add(file);
      pending.push(...(graph.get(file) ?? []));
    }
    const unshipped = [...graph.keys()]
      .map((file) => relative(ROOT, file))
      .filter((file) => /^(src|parsers)\//.test(file) && !file.endsWith('.test.ts') && !reached.has(join(ROOT, file)));
    expect(unshipped).toEqual([]);
  });

  it('would report the cycle protocol.ts ↔ protocolParse.ts had', () => {
    const graph = importGraph();
    const protocol = join(ROOT, 'src/common/protocol.ts');
    graph.set(protocol, [...(graph.get(protocol) ?? []), join(ROOT, 'src/common/protocolParse.ts')]);
    expect(cycles(graph)).toEqual([['src/common/protocol.ts', 'src/common/protocolParse.ts']]);
  });
});
