/**
 * `tether run` in a child process for tests: `node runClient.js <dataDir> <command> [args...]`
 * runs runCommand with this process's stdin/stdout and exits with the agent's exit code.
 */
import { runCommand } from '../../src/cli/runCommand.js';

const [dataDir, command, ...args] = process.argv.slice(2);
runCommand(command, args, { dataDir }).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`run: ${String(err)}\n`);
    process.exit(70);
  },
);
