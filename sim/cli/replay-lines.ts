import { repositoryCommand } from '../replay-command.js';
import type { CliIo } from './io.js';

/** The replay command as printed: the installed bin's form, and the repository's beside it when that is where it ran. */
export function replayLines(command: string, io: CliIo): string[] {
  const repository = repositoryCommand(command);
  return io.fromRepository && repository !== command ? [command, `${repository}   (the same, as this repository's script)`] : [command];
}
