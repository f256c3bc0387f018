/**
 * One node of a chaos cluster, as its own process. A primary writes the known workload when it
 * receives SIGUSR2 and prints each acknowledgement; SIGTERM (or LIFETIME_MAX_MS) closes either role cleanly, and the
 * scenarios use SIGKILL for the unclean end.
 *   node-process.ts primary   LISTEN_HOST:PORT ADMIN_PORT STORAGE MAX_OPERATION_LOG WRITES [FIRST_WRITE]
 *   node-process.ts secondary PRIMARY_HOST:PORT ADMIN_PORT STORAGE REPLICA_ID
 * A primary restarted after a kill writes from FIRST_WRITE on (default 0): what the killed one
 * acknowledged is then checked as that process left it, never written again. A primary also takes
 * writes of the user's API on stdin (WorkloadCommand, one JSON line each), for a simulator's
 * scenario. CHAOS_NODE_OPTIONS (node-options.ts) overrides the limits, timing, wire format and token.
 */
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { openStorage, parseStorageSpec, replicaIdFileOf, type StorageSpec } from '../../src/cli/storage-spec.js';
import { NetworkSyncBackend } from '../../src/runtime/network-sync-backend.js';
import { ReplicationError } from '../../src/core/errors.js';
import { FAST_TIMING } from '../../harness/fast-timing.js';
import { splitHostPort } from '../fault-proxy/proxy.js';
import { callApi } from './api-call.js';
import { nodeOptionsOf } from './node-options.js';
import { pathOf, valueOf, type NodeEvent, type WorkloadCommand } from './workload.js';

const ADMIN_HOST = '127.0.0.1';
/** Writes in flight at once; the pause between batches spreads the workload over the faults. */
const BATCH_WRITES = 10;
const BATCH_PAUSE_MS = 20;
/** A restarted secondary may need a full resync through a slow link before create() resolves. */
const STARTUP_TIMEOUT_MS = 30_000;
/** A node whose runner died without stopping it still ends by itself. */
const LIFETIME_MAX_MS = 10 * 60_000;
/** How often a node looks whether its runner is still there (one interrupted by Ctrl-C leaves it orphaned). */
const ORPHAN_CHECK_MS = 1_000;

function emit(event: NodeEvent): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

interface Workload {
  readonly first: number;
  readonly writes: number;
}

async function startNode(args: readonly string[]): Promise<{ node: NetworkSyncBackend; workload: Workload }> {
  const [role, address, adminPort, storageText, extra, writes, first] = args;
  const { host, port } = splitHostPort(address ?? '');
  const spec: StorageSpec = parseStorageSpec(storageText ?? '');
  const { timing = FAST_TIMING, ...options } = nodeOptionsOf(process.env);
  const common = { ...options, timing, adminHost: ADMIN_HOST, adminPort: Number(adminPort), logLevel: 'silent' as const };
  const config =
    role === 'primary'
      ? { ...common, listenHost: host, listenPort: port, maxOperationLog: Number(extra) }
      : { ...common, primaryHost: host, primaryPort: port, replicaId: extra, replicaIdFile: replicaIdFileOf(spec) ?? undefined, runtimeLimits: { startupTimeoutMs: STARTUP_TIMEOUT_MS } };
  const mode = role === 'primary' ? 'primary' : 'secondary';
  const node = await NetworkSyncBackend.create({ baseBackend: await openStorage(spec), mode, config });
  return { node, workload: { first: Number(first ?? 0), writes: Number(writes ?? 0) } };
}

async function writeWorkload(node: NetworkSyncBackend, { first, writes }: Workload): Promise<void> {
  for (let start = first; start < writes; start += BATCH_WRITES) {
    const indexes = Array.from({ length: Math.min(BATCH_WRITES, writes - start) }, (_, offset) => start + offset);
    await Promise.all(indexes.map((index) => node.writeData(pathOf(index), valueOf(index)).then(
      () => emit({ event: 'acked', index }),
      (error: unknown) => emit({ event: 'failed', index, error: String(error) }),
    )));
    await sleep(BATCH_PAUSE_MS);
  }
  emit({ event: 'done' });
}

function settle(index: number, write: Promise<void>): Promise<void> {
  return write.then(
    () => emit({ event: 'acked', index }),
    (error: unknown) => emit({ event: error instanceof ReplicationError ? 'refused' : 'failed', index, error: String(error) }),
  );
}

/** Makes each write the runner sends, at once and in order, as a scenario's steps do; `done` once they have all settled. */
function takeCommands(node: NetworkSyncBackend): void {
  const pending: Promise<void>[] = [];
  createInterface({ input: process.stdin }).on('line', (line) => {
    const command = JSON.parse(line) as WorkloadCommand;
    if ('done' in command) void Promise.all(pending).then(() => emit({ event: 'done' }));
    else pending.push(settle(command.write, callApi(node, command.call, command.context)));
  });
}

/** A node whose runner is gone (Ctrl-C, a crash) ends at once, even while it starts: nothing will stop it otherwise. */
function exitWhenOrphaned(): void {
  const runner = process.ppid;
  setInterval(() => {
    if (process.ppid !== runner) process.exit(1);
  }, ORPHAN_CHECK_MS).unref();
}

exitWhenOrphaned();
const { node, workload } = await startNode(process.argv.slice(2));
process.once('SIGUSR2', () => void writeWorkload(node, workload));
if (process.argv[2] === 'primary') takeCommands(node);
emit({ event: 'ready' });
await Promise.race([new Promise((resolve) => process.once('SIGTERM', resolve)), sleep(LIFETIME_MAX_MS)]);
await node.close();
process.exit(0);
