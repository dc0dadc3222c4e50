/**
 * One daemon life for the restart loop: `node restartWorker.js <dataDir> <hostMain.js> [stop]`
 * starts a hosted daemon on the data dir (small ring and checkpoints, so both are exercised),
 * creates the four sessions on the first life, and reports on stdout, a line each:
 * `session <id> <letter> <status> <min> <max> <gap-free 0|1>` for every session once its screen
 * is rebuilt, `mem <rss> <heapUsed> <arrayBuffers>` (bytes, after `gc()`: run it with
 * `--expose-gc`), `ready`, then every 50 ms `seen <id> <n>`: the last complete
 * numbered line the daemon received, until it is killed.
 * SIGTERM stops the daemon cleanly (agents stay); `stop` ends the agents and exits.
 */
import { startDaemon } from '../../src/daemon.js';
import { configSchema } from '../../src/store/config.js';
import { silentLogger } from '../../src/log.js';
import { SCROLLBACK_LINES } from '../../src/core/headlessScreen.js';

/**
 * Lines each session prints at once before its own shape: more than the screen keeps (scrollback
 * plus rows), so every life from the second restores a screen at its cap and the daemon's memory
 * no longer grows with the sessions' age (the slow session D would take ~8 min to fill 5 000 lines).
 */
const PREFILL_LINES = SCROLLBACK_LINES + 100;

/** A session's script: PREFILL_LINES numbered lines, then `loop`, counting on from `i`. */
function script(letter: string, loop: string): string {
  return `i=0; while [ $i -lt ${PREFILL_LINES} ]; do i=$((i+1)); echo "${letter}$i prefill"; done; ${loop}`;
}

/** The sessions: a letter each, numbered lines with different output shapes. */
const RESTART_SESSIONS: ReadonlyArray<{ letter: string; script: string }> = [
  { letter: 'A', script: script('A', 'while :; do i=$((i+1)); echo "A$i"; [ $((i % 20)) = 0 ] && sleep 0.05; done') },
  { letter: 'B', script: script('B', 'while :; do i=$((i+1)); printf "\\033[3$((i % 7 + 1))mB$i\\033[0m colour line\\n"; [ $((i % 10)) = 0 ] && sleep 0.05; done') },
  { letter: 'C', script: script('C', 'while :; do n=0; while [ $n -lt 150 ]; do i=$((i+1)); n=$((n+1)); echo "C$i burst ╭─╮ é€🎉"; done; sleep 0.4; done') },
  { letter: 'D', script: script('D', 'while :; do i=$((i+1)); printf "\\r|  \\r/  \\rD$i slow\\n"; sleep 0.1; done') },
];

/** Numbers of `<letter><n>` in the screen's text (escape sequences removed). */
function numbersOf(screen: string, letter: string): number[] {
  const text = screen.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/\x1b\][^\x07]*\x07/g, '');
  return [...text.matchAll(new RegExp(`(?:^|[^A-Za-z0-9])${letter}(\\d+)`, 'gm'))].map((match) => Number(match[1]));
}

async function main(): Promise<void> {
  const [dataDir, hostMain, mode] = process.argv.slice(2);
  const daemon = await startDaemon({
    config: configSchema.parse({ push: { enabled: false }, sessions: { host_orphan_exit_seconds: 120 } }),
    dataDir,
    port: 0,
    log: silentLogger,
    // The loop's --probe reads each host's memory through an inspector on loopback.
    hostCommand: [process.execPath, ...(process.env.TETHER_RESTART_INSPECT_HOSTS ? ['--inspect=127.0.0.1:0'] : []), hostMain],
    hostLimits: { ringBytes: 64 * 1024, checkpointBytes: 16 * 1024 },
  });
  if (daemon.sessions.list().length === 0) {
    for (const { letter, script } of RESTART_SESSIONS) await daemon.sessions.create({ cli: 'sh', args: ['-c', script], name: letter, cols: 100, rows: 30 });
  }
  // Let the replays reach the screens.
  await new Promise((resolve) => setTimeout(resolve, 400));
  const letterOf = (name: string) => RESTART_SESSIONS.find((s) => s.letter === name)?.letter ?? '?';
  for (const session of daemon.sessions.list()) {
    const screen = daemon.sessions.serializeScreen(session.id).data;
    // Complete lines only, as `seen` counts them: the cursor's line may hold the start of one (`C77` of `C7775 …`).
    const numbers = numbersOf(screen.slice(0, screen.lastIndexOf('\n') + 1), letterOf(session.name));
    // A U+FFFD is a multi-byte character (session C's) cut at a restart: a byte lost or doubled.
    const gapFree = !screen.includes('\ufffd') && numbers.every((n, i) => i === 0 || n === numbers[i - 1] + 1);
    if (screen.includes('\ufffd')) process.stderr.write(`restart worker: ${letterOf(session.name)} shows a broken character\n`);
    if (!gapFree) {
      const at = numbers.findIndex((n, i) => i > 0 && n !== numbers[i - 1] + 1);
      process.stderr.write(`restart worker: ${letterOf(session.name)} breaks at ${numbers.slice(Math.max(0, at - 3), at + 3).join(',')} (of ${numbers[0]}..${numbers.at(-1)})\n`);
      if (process.env.TETHER_RESTART_DUMP) process.stderr.write(JSON.stringify(daemon.sessions.serializeScreen(session.id).data) + '\n');
    }
    process.stdout.write(`session ${session.id} ${letterOf(session.name)} ${session.status} ${numbers[0] ?? -1} ${numbers.at(-1) ?? -1} ${gapFree ? 1 : 0}\n`);
  }
  if (mode === 'stop') {
    await daemon.stop({ stopSessions: true });
    process.stdout.write('stopped\n');
    process.exit(0);
  }
  // After a full collection, so garbage is not charged to the daemon (the loop runs this with --expose-gc).
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc: memory before a collection would count garbage');
  gc();
  const memory = process.memoryUsage();
  process.stdout.write(`mem ${memory.rss} ${memory.heapUsed} ${memory.arrayBuffers}\nready\n`);
  // The last numbered line each session's output carried, as the daemon received it.
  const letters = new Map(daemon.sessions.list().map((session) => [session.id, letterOf(session.name)]));
  const tails = new Map<string, string>();
  const seen = new Map<string, number>();
  daemon.sessions.onEvent((event) => {
    if (event.type !== 'pty_output') return;
    const text = (tails.get(event.session_id) ?? '') + event.data;
    const complete = text.slice(0, text.lastIndexOf('\n') + 1);
    tails.set(event.session_id, text.slice(complete.length).slice(-200));
    const numbers = numbersOf(complete, letters.get(event.session_id) ?? '?');
    if (numbers.length > 0) seen.set(event.session_id, numbers.at(-1)!);
  });
  setInterval(() => {
    for (const [id, max] of seen) process.stdout.write(`seen ${id} ${max}\n`);
  }, 50);
  process.once('SIGTERM', () => {
    void daemon.stop().then(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`restart worker: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
