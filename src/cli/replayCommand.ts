/**
 * `tether replay FILE.cast [--cli …] [--json]`: feeds a recording through the detection
 * pipeline on the cast's clock and prints one event per line.
 */
import { readFileSync } from 'node:fs';
import { TetherError } from '../common/index.js';
import type { CliType } from '../common/index.js';
import { parseCast } from '../core/asciicast.js';
import { replayCast } from '../core/replay.js';
import type { ReplayEvent } from '../core/replay.js';
import { isCliType } from '../core/index.js';

/** Formats one event as a human-readable line. */
function formatEvent(event: ReplayEvent): string {
  const at = event.at.toFixed(3).padStart(9);
  if (event.type === 'waiting_cleared') return `${at}s  waiting_cleared    ${event.prompt_id} (${event.cause})`;
  const options = (event.options ?? []).map((o) => `[${o.id}] ${o.label}`).join('  ');
  const firstLine = (event.prompt_content ?? '').split('\n')[0];
  return `${at}s  waiting_for_input  ${event.prompt_id} ${event.wait_type}${firstLine ? `  "${firstLine}"` : ''}${options ? `  ${options}` : ''}`;
}

/**
 * Runs `tether replay`.
 * @throws TetherError CAST_INVALID | UNKNOWN_CLI
 */
export async function replayCommand(file: string, options: { cli?: string; json?: boolean }): Promise<number> {
  const cli = options.cli ?? 'auto';
  if (cli !== 'auto' && !isCliType(cli)) throw new TetherError('UNKNOWN_CLI', `unknown --cli ${cli}`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new TetherError('CAST_INVALID', `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  const events = await replayCast(parseCast(text), { cli: cli as CliType | 'auto' });
  for (const event of events) {
    if (options.json) {
      const { cause: _cause, ...rest } = event;
      process.stdout.write(`${JSON.stringify(event.type === 'waiting_cleared' ? { ...rest, cause: event.cause } : rest)}\n`);
    } else {
      process.stdout.write(`${formatEvent(event)}\n`);
    }
  }
  return 0;
}
