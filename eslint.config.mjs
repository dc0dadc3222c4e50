// The zone rules of ../shared/DESIGN.md ("Zones"), checked by `npm run typecheck`:
// which folder may import which, no import cycles, and no clock, timer or process in the pure
// zones (parsers and src/common). Style is not linted here; tsc checks the types.
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** Zone paths are relative to this folder, wherever eslint is started from. */
const ROOT = import.meta.dirname;

/** Production code: everything that ships (test files and test helpers excluded). */
const TEST_FILES = ['**/*.test.ts', 'test/**', 'parsers/*/testScreens.ts', 'parsers/**/testdata/**'];

/** Every zone that may never be imported by the one named in `target`. */
function forbid(target, from, message) {
  return { target, from, message };
}

/** Globals a pure zone must not touch: time and timers enter through IClock, the environment through options. */
const IMPURE_GLOBALS = ['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'process', 'require', 'Buffer'].map(
  (name) => ({ name, message: `a pure zone takes time from IClock and input as arguments, never from ${name}` }),
);
const IMPURE_PROPERTIES = [
  { object: 'Date', property: 'now', message: 'a pure zone takes time from IClock (nowMs), never from Date.now()' },
  { object: 'performance', property: 'now', message: 'a pure zone takes time from IClock (nowMs), never from performance.now()' },
  ...['process', 'setTimeout', 'setInterval', 'setImmediate'].map((property) => ({
    object: 'globalThis',
    property,
    message: `a pure zone never reaches ${property} through globalThis`,
  })),
];

export default [
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', 'web/dist/**', 'fixtures/**', '**/*.mjs', '**/*.js'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2023, sourceType: 'module' },
    plugins: { 'import-x': importX },
    settings: {
      // Dependencies are parsed as TypeScript too, so no-cycle can follow them.
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: `${ROOT}/tsconfig.json` })],
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Every file: no cycles. import-x follows value imports only (`import type` vanishes at run
      // time); test/zones.test.ts walks the graph with type-only imports too.
      'import-x/no-cycle': ['error', { maxDepth: Infinity }],
      'import-x/no-unresolved': ['error', { ignore: ['^virtual:'] }],
    },
  },
  {
    files: ['**/*.ts'],
    ignores: TEST_FILES,
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: ROOT,
          zones: [
            // Production code never reaches into tests or the Electron shell.
            forbid(['src/**', 'parsers/**', 'web/**'], ['test/**', '**/*.test.ts', 'parsers/*/testScreens.ts'], 'production code never imports test support'),
            forbid(['src/**', 'parsers/**', 'web/**'], ['electron/**'], 'only the Electron app imports electron/'),
            // The pure zones.
            forbid('parsers/**', ['src/!(common)/**', 'src/*.ts', 'electron/**', 'web/**'], 'parsers import parsers/ and src/common/ only'),
            forbid('src/common/**', ['src/!(common)/**', 'src/*.ts', 'parsers/**', 'electron/**', 'web/**'], 'src/common imports only itself'),
            // Core: sessions, screen and detection; never the zones above it.
            forbid(
              'src/core/**',
              ['src/transport/**', 'src/push/**', 'src/store/**', 'src/cli/**', 'src/*.ts', 'web/**'],
              'src/core never imports transport, push, store, the CLI, the daemon or the web UI',
            ),
            // Session hosts: the host process and the daemon's client of it; core never knows them.
            forbid(
              'src/host/**',
              ['src/transport/**', 'src/push/**', 'src/cli/**', 'src/*.ts', 'web/**'],
              'src/host imports common, core and store only, never transport, push, the CLI, the daemon or the web UI',
            ),
            forbid(['src/core/**', 'src/transport/**', 'src/push/**', 'src/store/**'], ['src/host/**'], 'only the daemon wires session hosts in'),
            // Store: config and files on disk.
            forbid('src/store/**', ['src/!(common|store)/**', 'src/*.ts', 'parsers/**'], 'src/store imports src/common only'),
            // Transport and push: common, store and core's public face (core/index.ts), never each other.
            forbid('src/transport/**', ['src/push/**'], 'transport never imports push'),
            forbid('src/push/**', ['src/transport/**'], 'push never imports transport'),
            forbid(['src/transport/**', 'src/push/**'], ['src/core/!(index).ts', 'src/core/*/**'], 'transport and push import core only through src/core/index.ts'),
            forbid(['src/transport/**', 'src/push/**'], ['src/cli/**', 'src/*.ts'], 'transport and push never import the CLI or the daemon'),
            // The browser UI knows the protocol types only.
            forbid('web/**', ['src/!(common)/**', 'src/*.ts', 'parsers/**'], 'the browser UI imports the protocol types (src/common) only'),
          ],
        },
      ],
    },
  },
  {
    // Pure zones: no Node built-ins, no clock, no timers, no process.
    files: ['parsers/**/*.ts', 'src/common/**/*.ts'],
    ignores: TEST_FILES,
    rules: {
      'import-x/no-nodejs-modules': 'error',
      'no-restricted-globals': ['error', ...IMPURE_GLOBALS],
      'no-restricted-properties': ['error', ...IMPURE_PROPERTIES],
    },
  },
  {
    // Parsers import nothing from outside the repository; src/common only its schema library.
    files: ['parsers/**/*.ts'],
    ignores: TEST_FILES,
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: '^[^.]', message: 'parsers import relative paths only (parsers/, src/common/)' }] }] },
  },
  {
    files: ['src/common/**/*.ts'],
    ignores: TEST_FILES,
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: '^(?!zod$)[^.]', message: 'src/common imports only zod from outside' }] }] },
  },
];
