/**
 * A stand-alone `record` for the fixture scripts, independent of the daemon's CLI wiring:
 *   node dist/test/record/recordCommand.js --out FILE.cast [--cols N --rows N] -- command args…
 * Same behaviour as `tether record` (both call runRecorder).
 */
import { runRecorder } from '../../src/core/recorder.js';

function usage(): never {
  process.stderr.write('usage: recordCommand --out FILE.cast [--cols N --rows N] -- command [args...]\n');
  process.exit(2);
}

const argv = process.argv.slice(2);
const separator = argv.indexOf('--');
if (separator < 0 || separator === argv.length - 1) usage();
const flags = argv.slice(0, separator);
const [command, ...args] = argv.slice(separator + 1);
const flag = (name: string): string | undefined => {
  const index = flags.indexOf(name);
  return index >= 0 ? flags[index + 1] : undefined;
};
const out = flag('--out') ?? usage();
const cols = flag('--cols') === undefined ? undefined : Number(flag('--cols'));
const rows = flag('--rows') === undefined ? undefined : Number(flag('--rows'));

try {
  process.exitCode = await runRecorder({ out, cols, rows, command, args });
} catch (err) {
  process.stderr.write(`record: ${(err as { code?: string }).code ?? ''} ${(err as Error).message}\n`);
  process.exitCode = 1;
}
