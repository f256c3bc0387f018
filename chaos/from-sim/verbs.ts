import type { Step } from '../../sim/scenario.js';

/** How close a real fault comes to what the simulator does. */
export type Treatment = 'exact' | 'approximate' | 'skipped';

export interface VerbMapping {
  readonly treatment: Treatment;
  /** What the lab does for the verb, and where it differs from the simulator. */
  readonly how: string;
}

/** Why a scenario with a failover verb is refused (exit 64) rather than run without its failover. */
export const FAILOVER_REFUSED = 'not run against real processes yet: a scenario holding it is refused (exit 64), since running the rest without the failover would test something else';

/** Every verb of the scenario language and what it becomes against real processes (the README's table). */
export const VERB_MAPPINGS: Readonly<Record<Step['kind'], VerbMapping>> = {
  write: { treatment: 'exact', how: "the same call of the API on the primary process, translated at its clock; refused while it is down, as in the simulator" },
  runFor: { treatment: 'approximate', how: 'wall-clock time, the simulated ms times the scale; real processes do what they do in it' },
  partition: { treatment: 'approximate', how: "the secondary's proxy disabled: its connections close at once and new ones are refused, where the simulator drops segments silently until a timeout notices" },
  repair: { treatment: 'approximate', how: "the proxy enabled and its timeout toxics removed (a removed timeout closes the connection; the simulator's link carries on and finds the gap)" },
  partitionOneway: { treatment: 'approximate', how: 'timeout 0 on that stream (downstream from the primary, upstream to it): data dropped, the connection kept; removing it closes the connection' },
  hold: { treatment: 'exact', how: 'bandwidth 0 on that stream: data held, in order (the proxy pauses the sender past 1 MiB)' },
  release: { treatment: 'exact', how: 'the bandwidth 0 toxic removed: what it held goes on' },
  clog: { treatment: 'exact', how: "bandwidth 0 on both streams of every link of the node (the primary's: all of them)" },
  unclog: { treatment: 'exact', how: 'those toxics removed' },
  reset: { treatment: 'approximate', how: "the secondary's proxy disabled and enabled at once: its connections close (with FIN), and a reconnection may find the proxy still off" },
  crash: { treatment: 'exact', how: 'SIGKILL of the node process; its storage keeps what the process wrote' },
  restart: { treatment: 'approximate', how: 'the process started again on the same storage; it takes a start-up (about a second), and a secondary syncs in the background' },
  restartPrimary: { treatment: 'approximate', how: 'SIGKILL of the primary and a start on the same storage (a new history, as in the simulator); writes wait for its start-up' },
  skewClock: { treatment: 'skipped', how: "no counterpart: every process reads this host's clock, and moving it needs root" },
  promote: { treatment: 'skipped', how: FAILOVER_REFUSED },
  repoint: { treatment: 'skipped', how: FAILOVER_REFUSED },
  failover: { treatment: 'skipped', how: FAILOVER_REFUSED },
};
