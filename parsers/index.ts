/**
 * The parser registry: one pure parser per CLI, CLI detection from a command name and from
 * the first screen's banner.
 */
import type { CliType, IPromptParser, ScreenSnapshot } from '../src/common/index.js';
import { claudeParser } from './claude/claudeParser.js';
import { codexParser } from './codex/codexParser.js';
import { geminiParser } from './gemini/geminiParser.js';
import { opencodeParser } from './opencode/opencodeParser.js';
import { qwenParser } from './qwen/qwenParser.js';
import { readShellPrompt, shellParser } from './shell/shellParser.js';
import { genericParser } from './generic/genericParser.js';

/** Every parser; banner detection tries them in this order. */
const PARSERS: Partial<Record<CliType, IPromptParser>> = {
  claude: claudeParser,
  codex: codexParser,
  gemini: geminiParser,
  qwen: qwenParser,
  opencode: opencodeParser,
  shell: shellParser,
  generic: genericParser,
};

/** Command basenames that identify a CLI (`claude` → claude). */
const COMMAND_NAMES: Readonly<Record<string, CliType>> = {
  claude: 'claude',
  'claude.exe': 'claude',
  codex: 'codex',
  gemini: 'gemini',
  opencode: 'opencode',
  qwen: 'qwen',
  bash: 'shell',
  zsh: 'shell',
  sh: 'shell',
  fish: 'shell',
  dash: 'shell',
  // Line-prompt CLIs: the generic parser reads their y/n prompts at the cursor.
  aider: 'generic',
};

/**
 * Shortest pause (ms) between typed text and the submitting Enter, per CLI. Gemini CLI and its
 * fork Qwen Code treat a multi-character write as a paste and turn an Enter that follows within
 * a few hundred ms into a newline (measured on Gemini CLI 0.61.0: 150, 250 and 400 ms failed,
 * 1000 ms always submitted). Others use the configured `sessions.submit_delay_ms`.
 */
const MIN_SUBMIT_DELAY_MS: Partial<Record<CliType, number>> = { gemini: 1000, qwen: 1000 };

/** The pause to leave before a submitting Enter for `cli`, at least `configuredMs`. */
export function submitDelayFor(cli: CliType, configuredMs: number): number {
  return Math.max(configuredMs, MIN_SUBMIT_DELAY_MS[cli] ?? 0);
}

/** The parser for a CLI type (the generic parser where none exists yet). */
export function getParser(cli: CliType): IPromptParser {
  return PARSERS[cli] ?? genericParser;
}

/** True when `name` is a CLI type Tether knows. */
export function isCliType(name: string): name is CliType {
  return ['claude', 'codex', 'gemini', 'opencode', 'qwen', 'shell', 'generic'].includes(name);
}

/** The CLI a command runs, from its basename (`/usr/bin/claude` → claude); undefined if unknown. */
export function detectCliFromCommand(command: string): CliType | undefined {
  const base = command.split(/[\\/]/).pop() ?? command;
  return COMMAND_NAMES[base.toLowerCase()];
}

/**
 * The CLI whose banner is on screen, if any parser recognises it; else a plain shell when the
 * screen carries shell-integration marks (OSC 133) or a `$`/`#`/`%` prompt waits at the cursor.
 */
export function detectCliFromScreen(screen: ScreenSnapshot): CliType | undefined {
  for (const parser of Object.values(PARSERS)) {
    if (parser?.matchesBanner?.(screen)) return parser.cli;
  }
  // `>` and `❯` prompts are also agent input boxes drawn before their banners; `$ # %` are shells'.
  if (screen.shellMark !== undefined || /[$#%]$/u.test(readShellPrompt(screen)?.content ?? '')) return 'shell';
  return undefined;
}
