import { parseCommand } from './args.js';
import type { CliIo } from './io.js';
import { runCommand, type Runner } from './run-command.js';
import { mergeCommand } from './merge-command.js';
import { replayScenario } from './scenario-command.js';
import { sweepCommand } from './sweep-command.js';
import { OutputError } from './outputs.js';
import { EXIT_CANT_CREATE, EXIT_INTERNAL, EXIT_USAGE, usage, UsageError } from './usage.js';

/** nadb-sim without the process around it: arguments in, exit code out. */
export async function main(argv: readonly string[], io: CliIo, runner: Runner): Promise<number> {
  try {
    const command = parseCommand(argv, io.env);
    if (command.name === 'help') {
      io.out(usage(command.command));
      return 0;
    }
    if (command.name === 'run') return runCommand(command, io, runner);
    if (command.name === 'scenario') return replayScenario(command, io);
    if (command.name === 'merge') return mergeCommand(command, io);
    return await sweepCommand(command, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`nadb-sim: ${error.message} (nadb-sim --help for usage)`);
      return EXIT_USAGE;
    }
    if (error instanceof OutputError) {
      io.err(`nadb-sim: ${error.message}`);
      return EXIT_CANT_CREATE;
    }
    io.err(`nadb-sim: internal error: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT_INTERNAL;
  }
}
