/** What a program killed by SIGPIPE exits with in a shell: 128 + 13, as `cat | head` gives. */
const CLOSED_PIPE_EXIT_CODE = 141;

/**
 * Ends the process quietly once stdout's reader has gone (`nadb-sim scenario … | head`), as a
 * program killed by SIGPIPE does, instead of an unhandled EPIPE error and its stack.
 */
export function exitQuietlyWhenStdoutCloses(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(CLOSED_PIPE_EXIT_CODE);
  });
}
