import { NETWORK_FAULTS_OFF, type FaultOptions, type NodeFaults, type StorageFaults } from './options.js';

/** The classes of fault a run can be limited to (`nadb-sim --faults`). */
export const FAULT_KINDS = ['network', 'storage', 'clocks', 'partitions', 'crashes', 'clogs', 'clock-jumps', 'primary-restarts'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** The disk's faults at zero; its latency is not a fault and stays. */
const STORAGE_FAULTS_OFF: Partial<StorageFaults> = Object.freeze({ durability: 'immediate', failProbability: 0, stallProbability: 0 });

/**
 * Turns off every fault whose kind is not listed, keeping the strengths the seed drew for the
 * others (so `--faults network` runs the seed's very network faults, alone). Delays and disk
 * latency are not faults: they stay.
 */
export function keepFaults(faults: FaultOptions, kinds: readonly FaultKind[]): FaultOptions {
  const keep = (kind: FaultKind): boolean => kinds.includes(kind);
  const { network, storage, clocks, scheduled, nodeFaults } = faults;
  const networkOff = keep('network') ? {} : NETWORK_FAULTS_OFF;
  const storageOff = keep('storage') ? {} : STORAGE_FAULTS_OFF;
  const keepNode = (node: NodeFaults): NodeFaults => ({ storage: { ...node.storage, ...storageOff }, link: { ...node.link, ...networkOff } });
  return {
    network: { ...network, ...networkOff },
    storage: { ...storage, ...storageOff },
    ...(nodeFaults === undefined ? {} : { nodeFaults: mapValues(nodeFaults, keepNode) }),
    clocks: keep('clocks') ? clocks : { offsetMaxMs: 0, driftMaxPpm: 0 },
    scheduled: {
      ...scheduled,
      partitionsPerMinute: keep('partitions') ? scheduled.partitionsPerMinute : 0,
      crashesPerMinute: keep('crashes') ? scheduled.crashesPerMinute : 0,
      clogsPerMinute: keep('clogs') ? scheduled.clogsPerMinute : 0,
      clockJumpsPerMinute: keep('clock-jumps') ? scheduled.clockJumpsPerMinute : 0,
      primaryRestartsPerMinute: keep('primary-restarts') ? scheduled.primaryRestartsPerMinute : 0,
      ...(scheduled.dataLossesPerMinute === undefined ? {} : { dataLossesPerMinute: keep('storage') ? scheduled.dataLossesPerMinute : 0 }),
    },
  };
}

function mapValues<V>(record: Readonly<Record<string, V>>, map: (value: V) => V): Record<string, V> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
}

/** `all`, `none`, or a comma-separated list of kinds; throws a RangeError naming a bad one. */
export function parseFaultKinds(text: string): FaultKind[] {
  if (text === 'all') return [...FAULT_KINDS];
  if (text === 'none') return [];
  return text.split(',').map((kind) => {
    if (!(FAULT_KINDS as readonly string[]).includes(kind)) throw new RangeError(`unknown fault kind '${kind}' (kinds: ${FAULT_KINDS.join(', ')}, or all, none)`);
    return kind as FaultKind;
  });
}
