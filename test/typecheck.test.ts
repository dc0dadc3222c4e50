/**
 * `npm run typecheck` checks the tests too: every `*.test.ts` in the repository belongs to
 * one of the tsconfigs the script compiles, and those settings report a type error (and a
 * failed `expectTypeOf`) in a test file. The probe files are virtual, compiled with the
 * options of tsconfig.typecheck.json.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Folders that hold no source of ours. */
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', '.cache', '.git', 'fixtures']);

/** The tsconfigs `npm run typecheck` compiles (`tsc -p <file>` in package.json). */
function typecheckConfigs(): string[] {
  const script = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.typecheck;
  return [...script.matchAll(/tsc -p (\S+)/g)].map((match) => join(ROOT, match[1]));
}

function parsedConfig(file: string): ts.ParsedCommandLine {
  const parsed = ts.getParsedCommandLineOfConfigFile(file, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (diagnostic) => { throw new Error(String(diagnostic.messageText)); } });
  if (parsed === undefined) throw new Error(`cannot read ${file}`);
  return parsed;
}

function testFiles(directory: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    if (SKIPPED_FOLDERS.has(entry.name)) continue;
    const path = join(directory, entry.name);
    if (entry.isDirectory()) found.push(...testFiles(path));
    else if (entry.name.endsWith('.test.ts')) found.push(path);
  }
  return found;
}

/** The last program built: the next probe reuses its unchanged files (vitest's types) to save seconds. */
let previous: ts.Program | undefined;

/** The messages tsc reports for `code` as a test file at test/<name>, under tsconfig.typecheck.json. */
function diagnosticsFor(name: string, code: string): string[] {
  const { options } = parsedConfig(join(ROOT, 'tsconfig.typecheck.json'));
  const probe = join(ROOT, 'test', name);
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, language, ...rest) =>
    fileName === probe ? ts.createSourceFile(fileName, code, language) : getSourceFile(fileName, language, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => fileName === probe || fileExists(fileName);
  const program = ts.createProgram([probe], options, host, previous);
  previous = program;
  return ts.getPreEmitDiagnostics(program, program.getSourceFile(probe)).map((diagnostic) => `TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`);
}

describe('npm run typecheck', () => {
  it('compiles every test file', () => {
    const compiled = new Set(typecheckConfigs().flatMap((config) => parsedConfig(config).fileNames.map((file) => ts.sys.resolvePath(file))));
    const tests = testFiles(ROOT);
    expect(tests.length).toBeGreaterThan(50);
    expect(tests.filter((file) => !compiled.has(ts.sys.resolvePath(file)))).toEqual([]);
  });

  it('reports a type error and a failed expectTypeOf in a test file', { timeout: 60_000 }, () => {
    const good = `import { expectTypeOf, it } from 'vitest';\nimport { LIMITS } from '../src/common/protocol.js';\nit('probe', () => expectTypeOf(LIMITS.text).toEqualTypeOf<65_536>());\n`;
    expect(diagnosticsFor('typecheckProbe.test.ts', good)).toEqual([]);
    const bad = `import { expectTypeOf, it } from 'vitest';\nimport { LIMITS } from '../src/common/protocol.js';\nconst count: number = 'three';\nit('probe', () => expectTypeOf(LIMITS.text).toEqualTypeOf<string>());\nexport { count };\n`;
    const found = diagnosticsFor('typecheckProbe.test.ts', bad);
    expect(found).toEqual([
      expect.stringMatching(/^TS2322: Type 'string' is not assignable to type 'number'/),
      expect.stringMatching(/^TS2344: Type 'string' does not satisfy the constraint/),
    ]);
  });
});
