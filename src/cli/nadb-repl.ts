#!/usr/bin/env node
/**
 * nadb-repl: run a primary or a secondary on a storage; read a running node's status; put, get,
 * delete and list its data through its admin endpoint. Every failure is one line on stderr and a
 * non-zero exit (2: bad arguments, 1: anything else); NADB_DEBUG=1 adds the stack. Logs are pino
 * JSON lines on stdout.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { NetworkSyncBackend, type ReplicationStats } from '../runtime/network-sync-backend.js';
import { createLogger } from '../runtime/logger.js';
import { AppendOnlyStorage } from '../storage/append-only.js';
import { fetchStats } from './admin-client.js';
import { exitQuietlyWhenStdoutCloses } from './closed-pipe.js';
import { parseCommand, type Command } from './arguments.js';
import { runDataCommand } from './data-commands.js';
import { renderStatus } from './status-view.js';
import { openStorage, operationLogOf, replicaIdFileOf } from './storage-spec.js';
import { loadTls } from './tls-flags.js';
import { usage } from './usage.js';
import { UsageError } from './usage-error.js';

type NodeCommand = Extract<Command, { kind: 'primary' | 'secondary' }>;
type StatusCommand = Extract<Command, { kind: 'status' }>;

const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;
/** Clears a terminal before each reading of `status --watch`. */
const CLEAR_SCREEN = '\x1b[H\x1b[2J';

async function main(args: readonly string[]): Promise<number> {
  const command = parseCommand(args);
  const token = process.env.NADB_ADMIN_TOKEN;
  switch (command.kind) {
    case 'help':
      process.stdout.write(`${usage(command.verb)}\n`);
      return 0;
    case 'stats':
      process.stdout.write(`${JSON.stringify(JSON.parse(await fetchStats(command.node, token)), null, 2)}\n`);
      return 0;
    case 'status':
      await status(command, token);
      return 0;
    case 'primary':
    case 'secondary':
      return runNode(command);
    default:
      await runDataCommand(command, { write: (bytes) => process.stdout.write(bytes), token });
      return 0;
  }
}

/** Once, or with --watch every interval until a signal ends the process. */
async function status(command: StatusCommand, token: string | undefined): Promise<void> {
  for (;;) {
    const text = await fetchStats(command.node, token);
    const lines = command.json ? [JSON.stringify(JSON.parse(text), null, 2)] : renderStatus(JSON.parse(text) as ReplicationStats);
    if (command.watchMs === null) {
      process.stdout.write(`${lines.join('\n')}\n`);
      return;
    }
    const heading = `${new Date().toISOString()}  every ${command.watchMs} ms, Ctrl-C to stop`;
    process.stdout.write(`${process.stdout.isTTY ? CLEAR_SCREEN : '\n'}${heading}\n${lines.join('\n')}\n`);
    await sleep(command.watchMs);
  }
}

async function runNode(command: NodeCommand): Promise<number> {
  const logger = createLogger(command.logLevel);
  const config = {
    logger,
    authToken: process.env.NADB_AUTH_TOKEN,
    wireFormat: command.wireFormat,
    adminHost: command.admin?.host,
    adminPort: command.admin?.port,
    adminToken: process.env.NADB_ADMIN_TOKEN,
    ...(command.tls === null ? {} : { tls: await loadTls(command.tls) }),
    ...(command.kind === 'primary'
      ? {
          listenHost: command.listen.host,
          listenPort: command.listen.port,
          maxOperationLog: command.maxOperationLog,
          adminWrites: command.adminWrites,
          operationLog: operationLogOf(command.storage, command.logFsync),
        }
      : {
          primaryHost: command.primary.host,
          primaryPort: command.primary.port,
          listenHost: command.listen?.host,
          listenPort: command.listen?.port,
          adminWrites: command.adminWrites,
          replicaId: command.replicaId ?? undefined,
          replicaIdFile: replicaIdFileOf(command.storage) ?? undefined,
          runtimeLimits: { startupTimeoutMs: command.startupTimeoutMs },
        }),
  };
  const storage = await openStorage(command.storage);
  if (storage instanceof AppendOnlyStorage && storage.cutBytesAtOpen > 0) {
    logger.warn({ cutBytes: storage.cutBytesAtOpen }, 'cut a torn last record from the append-only file: an append that did not complete before the process or the machine stopped');
  }
  const backend = await NetworkSyncBackend.create({ baseBackend: storage, mode: command.kind, config });
  logger.info({ stats: backend.getReplicationStats(), adminPort: backend.adminPort }, `${command.kind} ready`);
  const signal = await nextSignal();
  logger.info({ signal }, 'shutting down');
  // A second signal while closing means: stop now.
  process.once(signal, () => process.exit(EXIT_FAILURE));
  await backend.close();
  return 0;
}

function nextSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

function report(error: unknown): number {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`nadb-repl: ${message}${error instanceof UsageError ? ' (nadb-repl --help for usage)' : ''}\n`);
  if (process.env.NADB_DEBUG === '1' && error instanceof Error) process.stderr.write(`${error.stack ?? ''}\n`);
  return error instanceof UsageError ? EXIT_USAGE : EXIT_FAILURE;
}

exitQuietlyWhenStdoutCloses();
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => process.exit(report(error)),
);
