/**
 * The mock model servers a recording can name (`CliRecording.mock`): how to start each with a
 * script, which module its scenario builders come from, and what to log of the tool results the
 * CLI sent back. `resolveScript` turns a recording's data-only `ScenarioCall` into the script.
 */
import type { MockKind, ScenarioArg, ScenarioCall } from '../../parsers/cliRecording.js';
import { startMockAnthropic } from '../mock/anthropicServer.js';
import { startMockGemini, type GeminiScript } from '../mock/geminiServer.js';
import * as geminiScenarios from '../mock/geminiScenarios.js';
import * as chat from '../mock/openaiChatServer.js';
import { startMockOpenAiChat } from '../mock/openaiChatServer.js';
import { startMockResponses } from '../mock/openaiResponsesServer.js';
import * as responsesScenarios from '../mock/responsesScenarios.js';
import * as anthropicScenarios from '../mock/scenarios.js';

/** A started mock: its base URL, a log of what the CLI sent back, and close. */
export interface RunningMock {
  readonly url: string;
  /** Lines about the tool results the CLI returned (for the recording log). */
  results(): string[];
  close(): Promise<void>;
}

/** One kind of mock. */
interface MockServer {
  readonly scenarios: Readonly<Record<string, unknown>>;
  start(script: never, port?: number): Promise<RunningMock>;
}

const MOCKS: Readonly<Record<Exclude<MockKind, 'none'>, MockServer>> = {
  anthropic: {
    scenarios: anthropicScenarios,
    async start(script: anthropicScenarios.MockScript, port?: number) {
      const mock = await startMockAnthropic({ script, port });
      return {
        url: mock.url,
        close: () => mock.close(),
        results: () =>
          mock.mainRequests().flatMap((request) => {
            const last = request.body.messages.at(-1);
            return (Array.isArray(last?.content) ? last.content : [])
              .filter((block: { type?: string }) => block.type === 'tool_result')
              .map((block: { is_error?: boolean; content?: unknown }) => `tool_result is_error=${block.is_error === true}: ${JSON.stringify(block.content).slice(0, 300)}`);
          }),
      };
    },
  },
  responses: {
    scenarios: responsesScenarios,
    async start(script: responsesScenarios.ResponsesScript, port?: number) {
      const mock = await startMockResponses({ script, port });
      return { url: mock.url, close: () => mock.close(), results: () => mock.toolOutputs().map((output) => `tool output ${output.callId}: ${output.output.slice(0, 200)}`) };
    },
  },
  gemini: {
    scenarios: geminiScenarios,
    async start(script: GeminiScript, port?: number) {
      const mock = await startMockGemini({ script, port });
      return { url: mock.url, close: () => mock.close(), results: () => mock.functionResults().map((result) => `functionResponse ${result.name}: ${JSON.stringify(result.response).slice(0, 300)}`) };
    },
  },
  chat: {
    scenarios: chat,
    async start(script: chat.ChatScript, port?: number) {
      const mock = await startMockOpenAiChat({ script, port });
      return { url: mock.url, close: () => mock.close(), results: () => [`tool results: ${JSON.stringify(mock.toolResults()).slice(0, 600)}`] };
    },
  },
};

function isCall(arg: ScenarioArg): arg is ScenarioCall {
  return typeof arg === 'object' && arg !== null && !Array.isArray(arg) && typeof (arg as { call?: unknown }).call === 'string';
}

function isConst(arg: ScenarioArg): arg is { readonly const: string } {
  return typeof arg === 'object' && arg !== null && !Array.isArray(arg) && typeof (arg as { const?: unknown }).const === 'string' && Object.keys(arg).length === 1;
}

/**
 * Evaluates a scenario argument: calls and constants resolved from `module`, `fill` applied to
 * every string (the `{home}`/`{project}` placeholders).
 * @throws Error when a call or constant is not exported by the module
 */
function evaluate(arg: ScenarioArg, module: Readonly<Record<string, unknown>>, fill: (text: string) => string): unknown {
  if (typeof arg === 'string') return fill(arg);
  if (arg === null || typeof arg !== 'object') return arg;
  if (Array.isArray(arg)) return arg.map((item) => evaluate(item, module, fill));
  if (isCall(arg)) {
    const builder = module[arg.call];
    if (typeof builder !== 'function') throw new Error(`the mock's scenarios have no builder ${arg.call}`);
    return builder(...(arg.args ?? []).map((item) => evaluate(item, module, fill)));
  }
  if (isConst(arg)) {
    const value = module[arg.const];
    if (value === undefined || typeof value === 'function') throw new Error(`the mock's scenarios have no constant ${arg.const}`);
    return value;
  }
  return Object.fromEntries(Object.entries(arg).map(([key, value]) => [key, value === undefined ? undefined : evaluate(value, module, fill)]));
}

/**
 * Starts the mock of `kind` with the script `call` builds (`fill` replaces placeholders in its
 * string arguments) on `port` (default: any free port); undefined for `none`.
 * @throws Error when the call cannot be resolved or the server cannot start (e.g. the port is taken)
 */
export async function startMock(kind: MockKind, call: ScenarioCall | undefined, fill: (text: string) => string, port?: number): Promise<RunningMock | undefined> {
  if (kind === 'none') return undefined;
  return MOCKS[kind].start(resolveScript(kind, call, fill) as never, port);
}

/**
 * The script `call` builds from the scenario module of the mock `kind` (undefined without a call).
 * @throws Error when the kind has no mock, or a call or constant is not exported by its module
 */
export function resolveScript(kind: MockKind, call: ScenarioCall | undefined, fill: (text: string) => string): unknown {
  if (call === undefined) return undefined;
  if (kind === 'none') throw new Error('a CLI without a mock has no scenario script');
  return evaluate(call, MOCKS[kind].scenarios, fill);
}
