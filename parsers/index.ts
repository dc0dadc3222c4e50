/**
 * The CLI registry: the one list of CLI descriptors (one per `parsers/<cli>/` folder) and the
 * look-ups the daemon makes through it: a CLI by id, by command name, by the first screen's
 * banner, its parser, its submit pause, and the catalogue clients are sent. Adding a CLI is
 * one line in `CLIS` (see parsers/README.md).
 */
import type { CliType, InputBox, IPromptParser, ScreenSnapshot } from '../src/common/index.js';
import type { CliDescriptor } from './cliDescriptor.js';
import { aiderCli } from './aider/aiderCli.js';
import { claudeCli } from './claude/claudeCli.js';
import { codexCli } from './codex/codexCli.js';
import { geminiCli } from './gemini/geminiCli.js';
import { genericCli } from './generic/genericCli.js';
import { opencodeCli } from './opencode/opencodeCli.js';
import { qwenCli } from './qwen/qwenCli.js';
import { shellCli } from './shell/shellCli.js';
import { readShellPrompt } from './shell/shellParser.js';
import { readInputAtCursor } from './shared/inputBox.js';

export { readFallbackPrompt } from './fallback/fallbackReader.js';

export type { AgentWitnesses, AnswerStyle, CliDescriptor, EventStreamWitness, HookApprovalOption, HookInjection, HookSessionContext, HookWitness, NotificationWording, ResumeStyle, TranscriptSearch, TranscriptWitness, VersionSupport } from './cliDescriptor.js';

/**
 * Every CLI Tether knows. Banner detection (`--cli auto`) tries them in this order: Gemini
 * before its fork Qwen Code; `generic` last, the fallback for any other command.
 */
export const CLIS: readonly CliDescriptor[] = [claudeCli, codexCli, geminiCli, qwenCli, opencodeCli, aiderCli, shellCli, genericCli];

/** The descriptor of `generic`, for commands without one of their own. */
export const GENERIC_CLI: CliDescriptor = genericCli;

/** A CLI as clients see it (`welcome.clis`): id, display name, the commands that start it. */
export interface CliSummary {
  readonly id: CliType;
  readonly display_name: string;
  /** Command names that run it; the first is the one to offer for a new session. */
  readonly commands: string[];
}

/** True when `name` is the id of a CLI in the registry. */
export function isCliType(name: string): name is CliType {
  return CLIS.some((cli) => cli.id === name);
}

/** The descriptor of a CLI id; `generic` for an id the registry does not know. */
export function getCli(cli: CliType): CliDescriptor {
  return CLIS.find((descriptor) => descriptor.id === cli) ?? genericCli;
}

/** The parser for a CLI id (the generic parser for an unknown id). */
export function getParser(cli: CliType): IPromptParser {
  return getCli(cli).parser;
}

/** The pause (ms) to leave before a submitting Enter for `cli`: at least `configuredMs`. */
export function submitDelayFor(cli: CliType, configuredMs: number): number {
  return Math.max(configuredMs, getCli(cli).answers.minSubmitDelayMs ?? 0);
}

/** The CLI a command runs, from its basename (`/usr/bin/claude` → claude); undefined if unknown. */
export function detectCliFromCommand(command: string): CliType | undefined {
  const base = (command.split(/[\\/]/).pop() ?? command).toLowerCase();
  return CLIS.find((cli) => cli.commands.includes(base))?.id;
}

/**
 * The CLI whose banner is on screen, if any parser recognises it; else a plain shell when the
 * screen carries shell-integration marks (OSC 133) or a `$`/`#`/`%` prompt waits at the cursor.
 */
export function detectCliFromScreen(screen: ScreenSnapshot): CliType | undefined {
  for (const cli of CLIS) {
    if (cli.parser.matchesBanner?.(screen)) return cli.id;
  }
  // `>` and `❯` prompts are also agent input boxes drawn before their banners; `$ # %` are shells'.
  if (screen.shellMark !== undefined || /[$#%]$/u.test(readShellPrompt(screen)?.content ?? '')) return shellCli.id;
  return undefined;
}

/** The catalogue clients receive in `welcome`: every CLI in registry order. */
export function cliCatalog(): CliSummary[] {
  return CLIS.map((cli) => ({ id: cli.id, display_name: cli.displayName, commands: [...cli.commands] }));
}

/** The draft in `cli`'s input box on `screen`: its parser's reader, else the generic one (the cursor's prompt row). */
export function readInputBox(cli: CliType, screen: ScreenSnapshot): InputBox | undefined {
  const parser = getParser(cli);
  return parser.readInput ? parser.readInput(screen) : readInputAtCursor(screen);
}
