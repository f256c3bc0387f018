#!/usr/bin/env node
/**
 * The project's main job until the simulator lands: one primary and two secondaries in one
 * process, on the real core and codec, through an outage, a partition longer than the log and a
 * primary restart; then it checks that both secondaries hold exactly the primary's data.
 *
 *   npm start -- --seed 7 --ops 20000
 */
import { parseArgs } from 'node:util';
import type { Operation } from '../../src/core/operation.js';
import { Simulation } from '../simulation.js';
import { keyspaceFingerprint } from '../keyspace-compare.js';
import { Prng } from '../prng.js';

const CONVERGE_MS = 600_000;

function main(): number {
  const { values } = parseArgs({ options: { seed: { type: 'string', default: '1' }, ops: { type: 'string', default: '20000' } } });
  const seed = Number(values.seed);
  const opsTotal = Number(values.ops);
  if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(opsTotal) || opsTotal < 100) {
    console.error('usage: npm start -- [--seed N] [--ops N>=100]');
    return 2;
  }
  const cluster = new Simulation({ seed, secondaries: 2, limits: { logEntriesMax: 2_000, pendingWritesMax: 2_000 }, checkInvariants: true });
  const workload = new Prng(seed ^ 0x5eed);
  const phase = Math.floor(opsTotal / 5);
  const started = performance.now();
  console.log(`seed ${seed}: primary + 2 secondaries, ${opsTotal} operations, log of 2000`);

  writeSome(cluster, workload, phase);
  report(cluster, 'steady streaming');

  cluster.crash('s1');
  writeSome(cluster, workload, Math.min(phase, 1_000));
  cluster.restart('s1');
  report(cluster, 's1 crashed and restarted (short outage: resumes from the log)');

  cluster.partition('s2');
  writeSome(cluster, workload, phase);
  cluster.runFor(30_000);
  cluster.repair('s2');
  report(cluster, 's2 partitioned past the log (full resync)');

  cluster.restartPrimary();
  writeSome(cluster, workload, phase);
  report(cluster, 'primary restarted (new history)');

  writeSome(cluster, workload, opsTotal - 3 * phase - Math.min(phase, 1_000));
  const converged = cluster.runUntil(() => cluster.converged(), CONVERGE_MS);
  console.log('');
  for (const host of [cluster.primary, ...cluster.secondaries]) {
    const stats = host.machine.getStats(cluster.nowMs);
    const resyncs = `full ${stats.fullResyncs}, partial ${stats.partialResyncs}`;
    console.log(`  ${host.name.padEnd(8)} entries ${String(host.store.live.size).padStart(6)}  fingerprint ${keyspaceFingerprint(host.store.live)}  seq ${stats.sequenceNumber}  resyncs ${resyncs}`);
  }
  const wallMs = Math.round(performance.now() - started);
  console.log(`\nvirtual time ${((cluster.nowMs - 1_700_000_000_000) / 1000).toFixed(1)} s, wall ${wallMs} ms`);
  if (!converged) {
    console.log(`NOT CONVERGED: ${cluster.divergence() ?? ''}\nreplay: npm start -- --seed ${seed} --ops ${opsTotal}`);
    return 1;
  }
  console.log('CONVERGED: both secondaries hold exactly the primary\'s data');
  return 0;
}

/** Writes at a pace the primary's storage can take, letting virtual time run. */
function writeSome(cluster: Simulation, workload: Prng, count: number): void {
  for (let i = 0; i < count; i += 1) {
    cluster.write(nextOperation(workload, cluster.nowMs));
    if (i % 20 === 19) cluster.runFor(2);
  }
}

function nextOperation(workload: Prng, nowMs: number): Operation {
  const path = `data/${workload.below(500)}`;
  const roll = workload.below(100);
  if (roll < 70) {
    const value = new TextEncoder().encode(`value-${workload.nextUint32().toString(16)}`);
    const expiresAtMs = workload.below(10) === 0 ? nowMs + 1_000 + workload.below(60_000) : null;
    const tags = workload.below(3) === 0 ? [`tag${workload.below(5)}`] : [];
    return { type: 'SET', path, key: path, value, db: 'app', namespace: `ns${workload.below(3)}`, tags, expiresAtMs };
  }
  if (roll < 90) return { type: 'DELETE', path };
  if (roll < 95) return { type: 'SET_TTL', path, expiresAtMs: workload.below(2) === 0 ? null : nowMs + workload.below(30_000) };
  if (roll < 99) return { type: 'METADATA', path, tags: [`tag${workload.below(5)}`] };
  return { type: 'FLUSH', db: 'app', namespace: `ns${workload.below(3)}` };
}

function report(cluster: Simulation, label: string): void {
  const converged = cluster.runUntil(() => cluster.converged(), CONVERGE_MS);
  console.log(`  ${converged ? 'ok  ' : 'FAIL'} ${label}`);
}

process.exitCode = main();
