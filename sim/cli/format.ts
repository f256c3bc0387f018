import type { FaultOptions, SwarmOptions } from '../options.js';
import type { RunStats } from '../run.js';

/**
 * The swarm options of a run, one section a line, with the names the code uses so that a reader
 * can find each one. Faults at zero are listed apart as "off": which faults a seed turned on is
 * the first thing to know about it.
 */
export function formatOptions(options: SwarmOptions): string[] {
  const { faults } = options;
  const sections: [string, object][] = [
    ['workload', options.workload],
    ['network', faults.network],
    // The primary's disk fails only on seeds that drew it.
    ['storage', faults.primaryDiskFails === true ? { ...faults.storage, primaryDiskFails: true } : faults.storage],
    ['clocks', faults.clocks],
    ['scheduled', faults.scheduled],
    ...nodeSections(faults),
    ['limits', options.limits],
    // Only seeds that drew them: nodes whose limits differ from those above (a secondary's budgets are its windows).
    ...Object.entries(options.nodeLimits).map(([node, limits]): [string, object] => [node, { limits }]),
    ['timing', options.timing],
    // Only seeds that drew them: nodes whose timing differs (a secondary's timeout goes in its HELLO).
    ...Object.entries(options.nodeTiming).map(([node, timing]): [string, object] => [node, { timing }]),
    ['wire', options.wireFormats],
    // Only seeds that drew auth: a secondary whose token differs from the primary's is one the handshake refuses.
    ...(Object.keys(options.authTokens).length === 0 ? [] : [['auth', options.authTokens] as [string, object]]),
    // Only seeds whose primary persists its log: a restart may then continue its history.
    ...(options.persistedLog === null ? [] : [['oplog', { fsync: options.persistedLog }] as [string, object]]),
  ];
  return [
    `options   seed ${options.seed}, ${options.secondaries} secondaries, livenessBoundMs=${options.livenessBoundMs} heldWritesStallMsMax=${options.heldWritesStallMsMax}`,
    ...sections.map(([label, section]) => `  ${label.padEnd(10)}${formatSection(section)}`),
  ];
}

/** One line per node with faults of its own, as `s2 storage.latencyMeanMs=340 link.delayMinMs=60`. */
function nodeSections(faults: FaultOptions): [string, object][] {
  return Object.entries(faults.nodeFaults ?? {}).map(([node, own]) => {
    const prefixed = Object.entries(own).flatMap(([part, section]) => Object.entries(section as object).map(([key, value]) => [`${part}.${key}`, value]));
    return [node, Object.fromEntries(prefixed)];
  });
}

/** Nested settings flattened to `outer.inner=value`, as `largeValues.oneIn=16`. */
function formatSection(section: object): string {
  const entries = Object.entries(section).flatMap(([key, value]): [string, unknown][] =>
    typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.entries(value as object).map(([inner, nested]) => [`${key}.${inner}`, nested]) : [[key, value]],
  );
  const on = entries.filter(([, value]) => value !== 0).map(([key, value]) => `${key}=${String(value)}`);
  const off = entries.filter(([, value]) => value === 0).map(([key]) => key);
  return [...on, ...(off.length === 0 ? [] : [`(off: ${off.join(', ')})`])].join(' ');
}

export function formatStats(stats: RunStats, wallMs: number): string {
  return [
    `virtual ${seconds(stats.virtualMs)} in ${seconds(wallMs)} wall (${ratio(stats.virtualMs, wallMs)})`,
    `${stats.steps} steps`,
    `${stats.segmentsDelivered} segments delivered`,
    `writes ${stats.writesAccepted} accepted / ${stats.writesRefused} refused${stats.writesHeld > 0 ? ` (${stats.writesHeld} held back first)` : ''}`,
    `${stats.replicaWaitsAcknowledged} of ${stats.replicaWaits} waits for secondaries acknowledged`,
    `${stats.faultsInjected} scheduled faults`,
    `${stats.traceEvents} trace events`,
  ].join(', ');
}

export function seconds(ms: number): string {
  return `${(ms / 1_000).toFixed(1)} s`;
}

/** Simulated time per wall-clock time, as "23.4x real time". */
export function ratio(virtualMs: number, wallMs: number): string {
  return `${(virtualMs / Math.max(wallMs, 1)).toFixed(1)}x real time`;
}
