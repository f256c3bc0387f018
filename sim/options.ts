import type { WireFormatSetting } from '../src/core/codec/index.js';
import { LOG_FSYNC_POLICIES, type LogFsyncPolicy } from '../src/core/log-persistence/recovery.js';
import { DEFAULT_TIMING, type Limits, type Timing } from '../src/core/limits.js';
import { keepFaults, type FaultKind } from './fault-kinds.js';
import { Prng } from './prng.js';

/** Faults applied to every segment a link carries, by probability. */
export interface NetworkFaults {
  /** One-way delay: a minimum plus an exponential jitter with this mean. */
  readonly delayMinMs: number;
  readonly delayJitterMeanMs: number;
  readonly dropProbability: number;
  readonly duplicateProbability: number;
  /** The segment may overtake those sent before it on the same link. */
  readonly reorderProbability: number;
  /** One bit flipped somewhere in the segment. */
  readonly corruptProbability: number;
  /** The segment arrives in several pieces. */
  readonly rechunkProbability: number;
  /** The connection is reset (both ends see it closed) instead of carrying the segment. */
  readonly resetProbability: number;
}

export interface StorageFaults {
  readonly latencyMeanMs: number;
  /** 'immediate': every completed request survives a crash. 'lazy': only what a periodic sync saved. */
  readonly durability: 'immediate' | 'lazy';
  readonly syncIntervalMs: number;
  /** Probability that a secondary's storage request fails (the primary's only with FaultOptions.primaryDiskFails). */
  readonly failProbability: number;
  /** Probability that a request stalls for stallMs (a slow disk): what fills outbound budgets. */
  readonly stallProbability?: number;
  readonly stallMs?: number;
}

export interface ClockFaults {
  /** Each node's clock starts this far off at most, either way. */
  readonly offsetMaxMs: number;
  /** Each node's clock runs fast or slow by up to this many parts per million. */
  readonly driftMaxPpm: number;
}

/** Faults that happen at scheduled moments of the safety phase, drawn per seed. */
export interface ScheduledFaults {
  readonly partitionsPerMinute: number;
  readonly crashesPerMinute: number;
  readonly clogsPerMinute: number;
  readonly clockJumpsPerMinute: number;
  readonly primaryRestartsPerMinute: number;
  /** A secondary's storage coming back empty under it (Simulation.loseData); absent means none. */
  readonly dataLossesPerMinute?: number;
  /** Longest a partition, clog or crash lasts before it is healed. */
  readonly faultDurationMaxMs: number;
}

/** One node's own faults, over the shared ones: what makes one secondary slower than the rest. */
export interface NodeFaults {
  readonly storage?: Partial<StorageFaults>;
  /** Every connection between this node and its peers, both ways. */
  readonly link?: Partial<NetworkFaults>;
}

export interface FaultOptions {
  readonly network: NetworkFaults;
  readonly storage: StorageFaults;
  readonly clocks: ClockFaults;
  readonly scheduled: ScheduledFaults;
  /** By node name ('primary', 's1', ...); nodes absent from it have only the shared faults. */
  readonly nodeFaults?: Readonly<Record<string, NodeFaults>>;
  /**
   * The primary's disk fails too, at `storage.failProbability` (absent: only secondaries' do): it
   * then refuses writes until it is restarted, which the heal does, as an operator would.
   */
  readonly primaryDiskFails?: boolean;
}

export interface WorkloadOptions {
  readonly operations: number;
  /** Mean gap between writes, in virtual milliseconds. */
  readonly writeIntervalMeanMs: number;
  readonly paths: number;
  readonly valueBytesMax: number;
  /**
   * One write in `oneIn` takes a value of up to `bytesMax` instead: one larger than a batch or a
   * snapshot chunk goes in a frame alone, the overshoot every budget must allow for.
   */
  readonly largeValues?: { readonly oneIn: number; readonly bytesMax: number };
}

/** What a command line may impose on a seed's draw. */
export interface SwarmOverrides {
  readonly secondaries?: number | undefined;
  readonly operations?: number | undefined;
  /** Only these kinds of fault stay on; all when absent. */
  readonly faults?: readonly FaultKind[] | undefined;
}

/** Everything a run depends on besides the code: derived from the seed, printed with every run. */
export interface SwarmOptions {
  readonly seed: number;
  readonly secondaries: number;
  readonly faults: FaultOptions;
  /** The fault kinds a command line limited the run to; undefined for all. */
  readonly faultKinds: readonly FaultKind[] | undefined;
  readonly workload: WorkloadOptions;
  readonly limits: Partial<Limits>;
  readonly timing: Partial<Timing>;
  /** Each node's data frame format ('primary', 's1', ...): binary, JSON and mixed clusters. */
  readonly wireFormats: Readonly<Record<string, WireFormatSetting>>;
  /** Each node's shared token ('primary', 's1', ...), absent for none: some seeds run with auth and a secondary that is refused. */
  readonly authTokens: Readonly<Record<string, string>>;
  /** The primary's persisted operation log and its fsync policy (sim/operation-log.ts); null: none, every restart a new history. */
  readonly persistedLog: LogFsyncPolicy | null;
  /**
   * Nodes ('primary', 's1', ...) whose limits differ from `limits`: a primary must keep within
   * each secondary's windows, and refuse one that takes smaller values than it accepts.
   */
  readonly nodeLimits: Readonly<Record<string, Partial<Limits>>>;
  /**
   * Nodes whose timing differs from `timing`: a primary must heartbeat each secondary within the
   * timeout its HELLO names, or an idle link closes (a liveness failure, sim/link-churn.ts).
   */
  readonly nodeTiming: Readonly<Record<string, Partial<Timing>>>;
  /** Virtual time allowed for convergence once every fault is healed. */
  readonly livenessBoundMs: number;
  /**
   * The longest the primary may hold writes back without taking or refusing one (a liveness
   * verdict past it): what its pace allows a secondary, plus what the seed's faults may add to it
   * (heldWritesStallMsMaxOf).
   */
  readonly heldWritesStallMsMax: number;
}

/** The network's faults at zero; its delays are not faults and stay. */
export const NETWORK_FAULTS_OFF = Object.freeze({
  dropProbability: 0,
  duplicateProbability: 0,
  reorderProbability: 0,
  corruptProbability: 0,
  rechunkProbability: 0,
  resetProbability: 0,
}) satisfies Partial<NetworkFaults>;
export const NO_NETWORK_FAULTS: NetworkFaults = Object.freeze({ delayMinMs: 1, delayJitterMeanMs: 0, ...NETWORK_FAULTS_OFF });

export const NO_FAULTS: FaultOptions = Object.freeze({
  network: NO_NETWORK_FAULTS,
  storage: Object.freeze({ latencyMeanMs: 1, durability: 'immediate', syncIntervalMs: 100, failProbability: 0, stallProbability: 0, stallMs: 0 }),
  clocks: Object.freeze({ offsetMaxMs: 0, driftMaxPpm: 0 }),
  scheduled: Object.freeze({
    partitionsPerMinute: 0,
    crashesPerMinute: 0,
    clogsPerMinute: 0,
    clockJumpsPerMinute: 0,
    primaryRestartsPerMinute: 0,
    faultDurationMaxMs: 0,
  }),
});

/** Salts the per-node draw, so that it does not move the draws of the shared faults. */
const NODE_FAULTS_SALT = 0x5bd1e995;
/** Salts the data losses' draw apart from every other; named in the options only when drawn, so every seed without one runs as before they existed. */
const DATA_LOSSES_SALT = 0x85ebca6b;
const DATA_LOSS_SEED_SHARE = 0.15;
const DATA_LOSSES_PER_MINUTE_MAX = 2;
/** Salts the wire formats' draw, apart from every other, so that seeds keep their faults. */
const WIRE_FORMATS_SALT = 0x27d4eb2f;
/** Salts the tokens' draw, apart from every other, so that seeds keep their faults. */
const AUTH_TOKENS_SALT = 0x165667b1;
/** Salts the persisted log's draw, apart from every other, so that seeds keep their faults. */
const PERSISTED_LOG_SALT = 0x61c88647;
/** Salts the nodes' own limits' draw, apart from every other. */
const NODE_LIMITS_SALT = 0x7feb352d;
/**
 * How often a node's budgets are twice SIM_LIMITS', how often its snapshot budget is one chunk's,
 * and how often a secondary takes values of half SIM_LIMITS' size (the handshake refuses it).
 */
const BUDGETS_DOUBLED_PROBABILITY = 0.15;
const BUDGETS_ONE_CHUNK_PROBABILITY = 0.15;
const SMALLER_VALUES_PROBABILITY = 0.05;
/** Salts the draw of a primary whose disk fails, apart from every other; named in the options only when drawn. */
const PRIMARY_DISK_FAILS_SALT = 0x1b873593;
const PRIMARY_DISK_FAILS_PROBABILITY = 0.3;
/** Salts the nodes' own timing's draw, apart from every other. */
const NODE_TIMING_SALT = 0x4cf5ad43;
/**
 * How often a primary heartbeats slower than the swarm's secondaries wait (SLOW_HEARTBEAT), and
 * how often a secondary waits less than the swarm's primary heartbeats (a timeout of
 * SHORT_TIMEOUT_MIN_MS up to the heartbeat interval, heartbeating three times as often itself).
 */
const SLOW_HEARTBEAT_PROBABILITY = 0.1;
const SHORT_TIMEOUT_PROBABILITY = 0.1;
const SHORT_TIMEOUT_MIN_MS = 200;
const SLOW_HEARTBEAT: Partial<Timing> = Object.freeze({ heartbeatIntervalMs: 3_000, replicationTimeoutMs: 8_000 });
/** Salts the large values' draw, apart from every other. */
const LARGE_VALUES_SALT = 0x2545f491;
const LARGE_VALUES_PROBABILITY = 0.4;
const LARGE_VALUE_ONE_IN = 16;
/** How often a seed's primary persists its log (then with one of the three fsync policies). */
const PERSISTED_LOG_PROBABILITY = 0.5;
/** How often a seed's cluster runs with a token, and how often one of its secondaries then has the wrong one or none. */
const AUTH_PROBABILITY = 0.3;
const REFUSED_SECONDARY_PROBABILITY = 0.15;
export const SIM_AUTH_TOKEN = 'sim-token';
/**
 * How often a node is configured for binary data frames (binary-2 and binary-1 links, JSON links and
 * mixed clusters all come up), and how often of those it knows binary-1 only, as a node of the
 * release before binary-2.
 */
const BINARY_PROBABILITY = 0.7;
const BINARY_SHA256_ONLY_PROBABILITY = 0.2;
/** How often a seed makes one secondary's disk slow, one's disk stall, one's link slow. */
const NODE_FAULT_PROBABILITY = 0.2;
const SLOW_DISK_LATENCY_MEAN_MS = { min: 100, spread: 400 };
/** In thousandths: 2% to 20% of requests stall. */
const STALLED_DISK_STALL_PER_MILLE = { min: 20, spread: 180 };
const STALLED_DISK_STALL_MS = { min: 1_000, spread: 9_000 };
/** Slow, but a handshake (five one-way trips) still fits handshakeTimeoutMs most of the time. */
const SLOW_LINK_DELAY_MIN_MS = { min: 20, spread: 80 };
const SLOW_LINK_JITTER_MEAN_MS_MAX = 60;

/** Timeouts short enough that a run of a few virtual minutes sees many of them. */
export const SIM_TIMING: Partial<Timing> = Object.freeze({
  heartbeatIntervalMs: 500,
  replicationTimeoutMs: 2_000,
  handshakeTimeoutMs: 1_000,
  reconnectBaseMs: 20,
  reconnectCapMs: 2_000,
});

/**
 * Small limits, so that logs overflow, batches split, snapshots take many chunks, and a held link
 * fills its outbound budget.
 */
export const SIM_LIMITS: Partial<Limits> = Object.freeze({
  logEntriesMax: 64,
  // A few snapshots' worth of replay: enough to finish most, small enough that some run out.
  replicaBacklogBytesMax: 64 * 1024,
  pendingWritesMax: 64,
  storageRequestEntriesMax: 16,
  batchEntriesMax: 8,
  snapshotChunkEntriesMax: 4,
  frameBytesMax: 32 * 1024,
  valueBytesMax: 16 * 1024,
  batchBytesMax: 8 * 1024,
  snapshotChunkBytesMax: 8 * 1024,
  outboundBudgetBytes: 32 * 1024,
  snapshotBudgetBytes: 16 * 1024,
});

/** The swarm's short log: by count and by bytes, with a backlog of a few snapshots' replay. */
const SHORT_LOG_LIMITS: Partial<Limits> = Object.freeze({ ...SIM_LIMITS, logBytesMax: 16 * 1024, replicaBacklogBytesMax: 32 * 1024 });

/**
 * Swarm testing: each seed turns some faults on at some strength and leaves others off, so that
 * runs explore combinations a fixed mix of faults would drown.
 */
export function swarmOptions(seed: number, overrides: SwarmOverrides = {}): SwarmOptions {
  const prng = new Prng(seed);
  const on = (probability: number): boolean => prng.nextFloat() < probability;
  const upTo = (max: number): number => Math.round(prng.nextFloat() * max * 1_000) / 1_000;
  const network: NetworkFaults = {
    delayMinMs: 1 + prng.below(5),
    delayJitterMeanMs: on(0.7) ? upTo(30) : 0,
    dropProbability: on(0.3) ? upTo(0.05) : 0,
    duplicateProbability: on(0.3) ? upTo(0.05) : 0,
    reorderProbability: on(0.2) ? upTo(0.03) : 0,
    corruptProbability: on(0.2) ? upTo(0.01) : 0,
    rechunkProbability: on(0.5) ? upTo(0.5) : 0,
    resetProbability: on(0.2) ? upTo(0.005) : 0,
  };
  const storage: StorageFaults = {
    latencyMeanMs: 1 + prng.below(10),
    durability: on(0.5) ? 'lazy' : 'immediate',
    syncIntervalMs: 50 + prng.below(500),
    failProbability: on(0.2) ? upTo(0.01) : 0,
    stallProbability: on(0.3) ? upTo(0.01) : 0,
    stallMs: 1_000 + prng.below(10_000),
  };
  const clocks: ClockFaults = { offsetMaxMs: on(0.5) ? prng.below(5_000) : 0, driftMaxPpm: on(0.5) ? prng.below(1_000) : 0 };
  const scheduled: ScheduledFaults = {
    partitionsPerMinute: on(0.5) ? upTo(6) : 0,
    crashesPerMinute: on(0.5) ? upTo(4) : 0,
    clogsPerMinute: on(0.4) ? upTo(6) : 0,
    clockJumpsPerMinute: on(0.3) ? upTo(3) : 0,
    primaryRestartsPerMinute: on(0.2) ? upTo(1) : 0,
    faultDurationMaxMs: 1_000 + prng.below(15_000),
  };
  // Drawn whether or not overridden, so that an override moves no later draw: a replay line
  // naming the drawn values must give the very same run.
  const drawnSecondaries = 1 + prng.below(3);
  const secondaries = overrides.secondaries ?? drawnSecondaries;
  const nodeFaults = drawNodeFaults(new Prng(seed ^ NODE_FAULTS_SALT), secondaries);
  const dataLossesPerMinute = drawDataLosses(new Prng(seed ^ DATA_LOSSES_SALT));
  const primaryDiskFails = new Prng(seed ^ PRIMARY_DISK_FAILS_SALT).nextFloat() < PRIMARY_DISK_FAILS_PROBABILITY;
  const drawn: FaultOptions = {
    network,
    storage,
    clocks,
    scheduled: dataLossesPerMinute === 0 ? scheduled : { ...scheduled, dataLossesPerMinute },
    ...(nodeFaults === null ? {} : { nodeFaults }),
    ...(primaryDiskFails && storage.failProbability > 0 ? { primaryDiskFails } : {}),
  };
  const drawnOperations = 200 + prng.below(800);
  const options = {
    seed,
    secondaries,
    faults: overrides.faults === undefined ? drawn : keepFaults(drawn, overrides.faults),
    faultKinds: overrides.faults,
    workload: {
      operations: overrides.operations ?? drawnOperations, writeIntervalMeanMs: 5 + prng.below(50), paths: 5 + prng.below(200), valueBytesMax: 64,
      ...drawLargeValues(new Prng(seed ^ LARGE_VALUES_SALT)),
    },
    // A short log makes resyncs, and its byte bounds log overruns and write pacing (with the
    // default logBytesMax of 16 MiB no seed ever reached the backlog bound); a long one lets a
    // stalled secondary fill its budget instead.
    limits: on(0.5) ? SHORT_LOG_LIMITS : { ...SIM_LIMITS, logEntriesMax: 4_096, pendingWritesMax: 256 },
    timing: SIM_TIMING,
    wireFormats: drawWireFormats(new Prng(seed ^ WIRE_FORMATS_SALT), secondaries),
    authTokens: drawAuthTokens(new Prng(seed ^ AUTH_TOKENS_SALT), secondaries),
    persistedLog: drawPersistedLog(new Prng(seed ^ PERSISTED_LOG_SALT)),
    nodeLimits: drawNodeLimits(new Prng(seed ^ NODE_LIMITS_SALT), secondaries),
    nodeTiming: drawNodeTiming(new Prng(seed ^ NODE_TIMING_SALT), secondaries),
    livenessBoundMs: 120_000,
  };
  return { ...options, heldWritesStallMsMax: heldWritesStallMsMaxOf(options) };
}

/** Clock jumps are up to this far, either way (schedule.ts). */
export const CLOCK_JUMP_MS_MAX = 10_000;
/** Slack on the held writes' bound: a storage latency's tail, a wake-up's delay. */
const HELD_WRITES_SLACK_MS = 1_000;
/** A disk's latency is exponential: its tail beyond this many means is not worth a verdict. */
const LATENCY_MEANS_IN_TAIL = 10;

/**
 * How long a primary may hold writes back with none taken: a secondary paces the writes until it
 * has made no progress for pacingStallMs, or, while it keeps making some (a slow disk or a slow
 * link of its own, nodeFaults), until what it needs was written pacingLagMsMax ago; the primary
 * takes them at its next wake (its heartbeat interval at the latest); its own disk, stalled or
 * slow, holds them until an apply completes; a jump of its clock stretches its pace by as much.
 * A disk that hangs for seconds makes no progress: the writes wait for it pacingStallMs at most.
 */
export function heldWritesStallMsMaxOf(options: Omit<SwarmOptions, 'heldWritesStallMsMax'>): number {
  const timing = { ...DEFAULT_TIMING, ...options.timing, ...options.nodeTiming.primary };
  const slowSecondary = Object.entries(options.faults.nodeFaults ?? {}).some(([node, own]) => node !== 'primary' && (own.storage?.latencyMeanMs !== undefined || own.link !== undefined));
  const paceMs = slowSecondary ? timing.pacingLagMsMax : timing.pacingStallMs;
  const disk = { ...options.faults.storage, ...options.faults.nodeFaults?.primary?.storage };
  const diskStallMs = (disk.stallProbability ?? 0) > 0 ? (disk.stallMs ?? 0) : 0;
  const clockJumpMs = options.faults.scheduled.clockJumpsPerMinute > 0 ? CLOCK_JUMP_MS_MAX : 0;
  return paceMs + timing.heartbeatIntervalMs + diskStallMs + LATENCY_MEANS_IN_TAIL * disk.latencyMeanMs + clockJumpMs + HELD_WRITES_SLACK_MS;
}

/**
 * Some nodes with limits of their own: a primary with twice the others' budgets must keep within
 * each secondary's windows, which the secondary enforces; a secondary whose snapshot window is one
 * chunk; now and then a secondary that takes smaller values than the primary accepts, which the
 * handshake must refuse (a secondary admitted would refuse the first larger value on every reconnection).
 */
function drawNodeLimits(prng: Prng, secondaries: number): Record<string, Partial<Limits>> {
  const outboundBudgetBytes = SIM_LIMITS.outboundBudgetBytes ?? 0;
  const snapshotBudgetBytes = SIM_LIMITS.snapshotBudgetBytes ?? 0;
  const drawn: Record<string, Partial<Limits>> = {};
  for (const node of ['primary', ...Array.from({ length: secondaries }, (_, index) => `s${index + 1}`)]) {
    const roll = prng.nextFloat();
    if (roll < BUDGETS_DOUBLED_PROBABILITY) drawn[node] = { outboundBudgetBytes: 2 * outboundBudgetBytes, snapshotBudgetBytes: 2 * snapshotBudgetBytes };
    else if (roll < BUDGETS_DOUBLED_PROBABILITY + BUDGETS_ONE_CHUNK_PROBABILITY) drawn[node] = { outboundBudgetBytes, snapshotBudgetBytes: SIM_LIMITS.snapshotChunkBytesMax ?? 0 };
    if (node !== 'primary' && prng.nextFloat() < SMALLER_VALUES_PROBABILITY) drawn[node] = { ...drawn[node], valueBytesMax: (SIM_LIMITS.valueBytesMax ?? 0) / 2 };
  }
  return drawn;
}

/** Some nodes with timing of their own: a primary that heartbeats slowly, secondaries that wait briefly. */
function drawNodeTiming(prng: Prng, secondaries: number): Record<string, Partial<Timing>> {
  const heartbeatIntervalMs = SIM_TIMING.heartbeatIntervalMs ?? 0;
  const drawn: Record<string, Partial<Timing>> = {};
  if (prng.nextFloat() < SLOW_HEARTBEAT_PROBABILITY) drawn.primary = SLOW_HEARTBEAT;
  for (let index = 1; index <= secondaries; index += 1) {
    if (prng.nextFloat() >= SHORT_TIMEOUT_PROBABILITY) continue;
    const replicationTimeoutMs = SHORT_TIMEOUT_MIN_MS + prng.below(heartbeatIntervalMs - SHORT_TIMEOUT_MIN_MS);
    drawn[`s${index}`] = { replicationTimeoutMs, heartbeatIntervalMs: Math.floor(replicationTimeoutMs / 3) };
  }
  return drawn;
}

/** Values larger than SIM_LIMITS' batches and chunks (16 KiB against 8), on some seeds. */
function drawLargeValues(prng: Prng): Pick<WorkloadOptions, 'largeValues'> {
  if (prng.nextFloat() >= LARGE_VALUES_PROBABILITY) return {};
  return { largeValues: { oneIn: LARGE_VALUE_ONE_IN, bytesMax: SIM_LIMITS.valueBytesMax ?? 0 } };
}

function drawPersistedLog(prng: Prng): LogFsyncPolicy | null {
  if (prng.nextFloat() >= PERSISTED_LOG_PROBABILITY) return null;
  return LOG_FSYNC_POLICIES[prng.below(LOG_FSYNC_POLICIES.length)] ?? null;
}

/** Whether the primary accepts binary frames and whether each secondary offers them. */
function drawWireFormats(prng: Prng, secondaries: number): Record<string, WireFormatSetting> {
  const draw = (): WireFormatSetting => {
    const chance = prng.nextFloat();
    if (chance < BINARY_PROBABILITY - BINARY_SHA256_ONLY_PROBABILITY) return 'binary';
    return chance < BINARY_PROBABILITY ? 'binary-1' : 'json';
  };
  const formats: Record<string, WireFormatSetting> = { primary: draw() };
  for (let index = 1; index <= secondaries; index += 1) formats[`s${index}`] = draw();
  return formats;
}

/**
 * Auth on in some seeds: then each secondary holds the primary's token, or now and then a wrong
 * one or none, and must be refused while the others replicate.
 */
function drawAuthTokens(prng: Prng, secondaries: number): Record<string, string> {
  if (prng.nextFloat() >= AUTH_PROBABILITY) return {};
  const tokens: Record<string, string> = { primary: SIM_AUTH_TOKEN };
  for (let index = 1; index <= secondaries; index += 1) {
    const refused = prng.nextFloat() < REFUSED_SECONDARY_PROBABILITY;
    // A refused secondary holds a wrong token half the time, none the other half.
    if (!refused) tokens[`s${index}`] = SIM_AUTH_TOKEN;
    else if (prng.nextFloat() < 0.5) tokens[`s${index}`] = 'wrong-token';
  }
  return tokens;
}

/** A data loss rate for about DATA_LOSS_SEED_SHARE of the seeds, up to DATA_LOSSES_PER_MINUTE_MAX; 0 for the others. */
function drawDataLosses(prng: Prng): number {
  if (prng.nextFloat() >= DATA_LOSS_SEED_SHARE) return 0;
  return Math.max(0.001, Math.round(prng.nextFloat() * DATA_LOSSES_PER_MINUTE_MAX * 1_000) / 1_000);
}

/**
 * Faults that are one secondary's own, each on in some seeds: a slow disk (latency of hundreds of
 * ms), a stalling disk (long stalls, often) and a slow link. One slow secondary is what fills one
 * outbound budget while the others stream on; shared faults never make it.
 */
function drawNodeFaults(prng: Prng, secondaries: number): Record<string, NodeFaults> | null {
  const on = (): boolean => prng.nextFloat() < NODE_FAULT_PROBABILITY;
  const within = (range: { min: number; spread: number }): number => range.min + prng.below(range.spread + 1);
  const byNode: Record<string, NodeFaults> = {};
  const add = (faults: NodeFaults): void => {
    const node = `s${1 + prng.below(secondaries)}`;
    const earlier = byNode[node];
    // Only the two disks can land on one node together: the slow one may also stall.
    byNode[node] = earlier?.storage === undefined || faults.storage === undefined ? { ...earlier, ...faults } : { ...earlier, storage: { ...earlier.storage, ...faults.storage } };
  };
  if (on()) add({ storage: { latencyMeanMs: within(SLOW_DISK_LATENCY_MEAN_MS) } });
  if (on()) add({ storage: { stallProbability: within(STALLED_DISK_STALL_PER_MILLE) / 1_000, stallMs: within(STALLED_DISK_STALL_MS) } });
  if (on()) add({ link: { delayMinMs: within(SLOW_LINK_DELAY_MIN_MS), delayJitterMeanMs: prng.below(SLOW_LINK_JITTER_MEAN_MS_MAX + 1) } });
  return Object.keys(byNode).length === 0 ? null : byNode;
}
