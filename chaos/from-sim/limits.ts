import { SECONDARIES_MAX } from '../cluster/cluster.js';

/** Bounds on what `--from-sim` takes and runs, so that a pasted scenario cannot hold the lab for long. */
export const FROM_SIM_LIMITS = {
  /** Size of the scenario's text, from the command line or a file. */
  inputBytesMax: 1 << 20,
  /** Steps of one scenario (the simulator's arbitraries draw at most 40). */
  stepsMax: 1_000,
  /** Secondaries: the proxy container's slots for replication links. */
  secondariesMax: SECONDARIES_MAX,
  /** Wall-clock time the scaled `runFor` steps may add up to. */
  wallMsMax: 300_000,
  /**
   * Shortest replication and handshake timeout real processes get: FAST_TIMING's, which the other
   * scenarios run with on a loaded two-core machine. A scenario with shorter ones is slowed down
   * as a whole (its timing and every pause) until they reach it.
   */
  realTimeoutMsMin: 2_000,
  /** Characters of a step quoted in an error message. */
  quotedCharsMax: 200,
} as const;
