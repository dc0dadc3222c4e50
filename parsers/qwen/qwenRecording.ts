/**
 * How Qwen Code is recorded and tested: 0.15.10 (the main version) and, as a release beside it,
 * 0.24.4 (qwenRelease024.ts, what the end-to-end suites run). `~/.qwen/settings.json` with the
 * OpenAI auth type (so the CLI talks to the mock Chat Completions server,
 * test/mock/openaiChatServer.ts, from OPENAI_BASE_URL), telemetry, update checks and usage
 * statistics off, the project trusted, and the fixtures in fixtures/qwen/ (0.24.4's named
 * `0.24.4-*`). Pure data; see ../cliRecording.ts; the shared scenarios are in qwenSteps.ts.
 */
import type { CliRecording } from '../cliRecording.js';
import { fixtures024, QWEN_NEWEST, release024 } from './qwenRelease024.js';
import { qwenFixtures, qwenSettings, SETTINGS, TRUSTED_FOLDERS } from './qwenSteps.js';

/** Qwen Code version the parser and fixtures were first made with. */
export const QWEN_VERSION = '0.15.10';

/** Qwen Code's recording setup and fixtures. */
export const recording: CliRecording = {
  version: QWEN_VERSION,
  bin: { agentCli: 'qwen' },
  mock: 'chat',
  setup: {
    env: { OPENAI_API_KEY: 'sk-tether-mock', OPENAI_BASE_URL: '{mock_url}', OPENAI_MODEL: 'mock-model', NO_BROWSER: 'true' },
    files: { [SETTINGS]: qwenSettings('default'), [TRUSTED_FOLDERS]: JSON.stringify({ '{project}': 'TRUST_FOLDER' }, null, 2) },
  },
  variants: { plan: { files: { [SETTINGS]: qwenSettings('plan') } } },
  fixtureDirs: { home: '/tmp/tether-fixture-qwen/home', project: '/tmp/tether-fixture-qwen/project' },
  driving: { stepTimeoutMs: 90_000, readMs: 1200, keyGapMs: 80, afterAnswerMs: 1500, expectAt: 'drawn', firstAfterTitle: true },
  fixtures: [...qwenFixtures({ prefix: '' }), ...fixtures024],
  releases: { [QWEN_NEWEST]: release024 },
  newest: QWEN_NEWEST,
};
