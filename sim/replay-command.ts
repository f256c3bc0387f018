/**
 * How a replay line names nadb-sim. `npx nadb-sim` runs the installed bin in a project that
 * installed the package, and the checked-out sources in a clone of the repository (bin/launch.js),
 * so the one line works wherever it is pasted; the repository's own script is offered beside it
 * by the command line when that is where it ran.
 */
const INSTALLED = 'npx nadb-sim';
const REPOSITORY = 'npm run sim --';

/** The command line that runs nadb-sim with these arguments. */
export function nadbSimCommand(args: string): string {
  return `${INSTALLED} ${args}`;
}

/** The same command as the repository's `npm run sim` script. */
export function repositoryCommand(command: string): string {
  return command.startsWith(`${INSTALLED} `) ? `${REPOSITORY} ${command.slice(INSTALLED.length + 1)}` : command;
}
