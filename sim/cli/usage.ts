/** Bad command-line arguments: the CLI prints the message on one line and exits 64. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** sysexits.h EX_USAGE. */
export const EXIT_USAGE = 64;
/** sysexits.h EX_SOFTWARE: the simulator itself broke (a worker died), not the code under test. */
export const EXIT_INTERNAL = 70;
/** sysexits.h EX_CANTCREAT: an output file could not be written although its directory was checked. */
export const EXIT_CANT_CREATE = 73;

export type CommandName = 'run' | 'replay' | 'sweep' | 'merge' | 'scenario';

const SYNOPSES: Record<CommandName, string> = {
  run: 'nadb-sim run    --seed S [--secondaries K] [--ops N] [--faults F] [--trace FILE] [--timeline FILE.html] [--window A-B]',
  replay: 'nadb-sim replay --seed S --trace FILE --timeline FILE.html [--secondaries K] [--ops N] [--faults F] [--window A-B]',
  sweep: `nadb-sim sweep  --seeds N [--from S] [--workers W] [--secondaries K] [--ops N] [--faults F]
                       [--shard I/M] [--json FILE]`,
  merge: 'nadb-sim merge  FILE... [--json FILE]',
  scenario: "nadb-sim scenario 'JSON'|@FILE [--trace FILE] [--timeline FILE.html] [--window A-B]",
};

export const COMMAND_NAMES = Object.keys(SYNOPSES) as CommandName[];

const LEGEND = `  S      a seed: a decimal number below 2^32, or a git commit hash (its first 8 hex digits)
  K, N   secondaries and operations; drawn from the seed when not given
  F      keep only these fault kinds on (the seed still draws their strength): all, none, or a list
         of network, storage, clocks, partitions, crashes, clogs, clock-jumps, primary-restarts
  JSON   a scenario, as a failing property prints it (sim/scenario.ts); @FILE reads it from FILE
  A-B    the timeline's window in seconds of virtual time, e.g. 12.5-14 (default: the whole run);
         it must overlap the run
  I/M    run only the I-th (from 1) of M consecutive slices of the N seeds; M alone takes I from
         JOB_COMPLETION_INDEX + 1 (a Kubernetes Indexed Job). --json writes the summary as data,
         and merge turns the M files into what the unsharded sweep prints (docs/sweeps.md)

exit codes: 0 pass, 1 safety violation, 2 liveness violation, 3 crash;
            sweep, merge: 0 when every seed passes, else 1;
            64 bad arguments (an output file's directory is checked before the run),
            70 the simulator itself failed, 73 an output file could not be written`;

/** The usage of one command, or of all of them. */
export function usage(command?: CommandName): string {
  const synopses = command === undefined ? COMMAND_NAMES.map((name) => SYNOPSES[name]) : [SYNOPSES[command]];
  return `usage: ${synopses.join('\n       ')}\n\n${LEGEND}`;
}
