/**
 * Makes a TypeScript entry file runnable by plain `node` in a child process (for tests that
 * must kill a real process, e.g. the crash loop): transpiles it and every file it imports by a
 * relative path (`./x.js` → `./x.ts`) with TypeScript's transpileModule (no type check, a few
 * ms a file) into a directory inside the repo, so package imports resolve from node_modules.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { REPO_ROOT } from './repoRoot.js';

/** Relative specifiers in emitted JavaScript: static imports, re-exports and dynamic imports. */
const RELATIVE_IMPORT = /(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

/**
 * Transpiles `entry` and its relative imports under `<repo>/.cache/transpiled/<name>`.
 * @param readSource reads a source file (default: from disk; a test of an older build reads it from git)
 * @returns the path of the entry's JavaScript
 * @throws the fs error when a file cannot be read or written, or readSource's
 */
export function transpileTree(entry: string, name: string, readSource: (path: string) => string = (path) => readFileSync(path, 'utf8')): string {
  const root = REPO_ROOT;
  const outDir = join(root, '.cache', 'transpiled', name);
  const pending = [resolve(entry)];
  const done = new Set<string>();
  while (pending.length > 0) {
    const source = pending.pop()!;
    if (done.has(source)) continue;
    done.add(source);
    const output = ts.transpileModule(readSource(source), {
      fileName: source,
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, esModuleInterop: true },
    }).outputText;
    const target = join(outDir, relative(root, source)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, output);
    for (const match of output.matchAll(RELATIVE_IMPORT)) pending.push(resolve(dirname(source), match[1].replace(/\.js$/, '.ts')));
  }
  return join(outDir, relative(root, resolve(entry))).replace(/\.ts$/, '.js');
}
