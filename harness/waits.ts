/** Polling waits shared by the tests and the chaos lab: they wait on state, never on a fixed sleep. */

/** How long a wait for a cluster to converge lasts before it fails, unless told otherwise. */
export const WAIT_TIMEOUT_MS = 20_000;
const POLL_MS = 10;

/** Polls `condition` until it holds; throws naming `what` after `timeoutMs`. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = WAIT_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * How long a measure of progress may stand still before a wait gives up: long enough for a child
 * process to start on a loaded two-core machine, short of the tests' hang guard.
 */
export const PROGRESS_STALL_MS = 60_000;

/**
 * Waits until `condition` holds for as long as `progress` keeps changing: a busy machine makes the
 * wait longer, not a failure. Throws naming `what` once progress has stood still for `stallMs`.
 */
export async function waitWhileProgressing(
  condition: () => boolean,
  progress: () => number,
  what: string,
  stallMs = PROGRESS_STALL_MS,
): Promise<void> {
  let last = progress();
  let movedAtMs = Date.now();
  while (!condition()) {
    const now = progress();
    if (now !== last) [last, movedAtMs] = [now, Date.now()];
    if (Date.now() - movedAtMs > stallMs) throw new Error(`no progress for ${stallMs} ms (stuck at ${last}) waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

