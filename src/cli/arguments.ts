import { parseArgs } from 'node:util';
import type { WireFormatSetting } from '../core/codec/index.js';
import { DEFAULT_RUNTIME_LIMITS } from '../runtime/limits.js';
import type { LogLevel } from '../runtime/logger.js';
import { parseEndpoint, type Endpoint } from './endpoint.js';
import { parseStorageSpec, type StorageSpec } from './storage-spec.js';
import { UsageError } from './usage-error.js';

interface NodeCommand {
  readonly storage: StorageSpec;
  readonly admin: Endpoint | null;
  readonly logLevel: LogLevel;
  readonly wireFormat: WireFormatSetting;
}

export type Command =
  | ({ readonly kind: 'primary'; readonly listen: Endpoint; readonly maxOperationLog: number | undefined } & NodeCommand)
  | ({ readonly kind: 'secondary'; readonly primary: Endpoint; readonly replicaId: string | null; readonly startupTimeoutMs: number } & NodeCommand)
  | { readonly kind: 'stats'; readonly node: Endpoint }
  | { readonly kind: 'help' };

export const USAGE = `usage:
  nadb-repl primary   --listen HOST:PORT --storage SPEC [--fsync MODE] [--admin HOST:PORT] [--max-operation-log N]
                      [--log-level LEVEL] [--wire-format FORMAT]
  nadb-repl secondary --primary HOST:PORT --storage SPEC [--fsync MODE] [--admin HOST:PORT] [--replica-id ID]
                      [--startup-timeout-ms MS] [--log-level LEVEL] [--wire-format FORMAT]
  nadb-repl stats     --node HOST:PORT        (the admin endpoint of a running node)
SPEC: memory | fs:DIR (a file per entry) | aof:DIR (in memory, an append-only file on disk)
  | redis://HOST:PORT[/DB]; LEVEL: ${levels().join(' | ')} (default info)
MODE (fs:DIR and aof:DIR): batch (default: one fsync round per applied batch) | always (fs: also
  every file as it is written) | never (no fsync: consistent after a process crash, not a power loss)
FORMAT: binary (default: binary data frames where the peer is willing too) | json (the original's frames only)
NADB_AUTH_TOKEN in the environment sets the shared authentication token.`;

const OPTIONS = {
  listen: { type: 'string' },
  primary: { type: 'string' },
  storage: { type: 'string' },
  fsync: { type: 'string' },
  admin: { type: 'string' },
  node: { type: 'string' },
  'replica-id': { type: 'string' },
  'startup-timeout-ms': { type: 'string' },
  'max-operation-log': { type: 'string' },
  'log-level': { type: 'string' },
  'wire-format': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parse>['values'];

export function parseCommand(args: readonly string[]): Command {
  const { values, positionals } = parse(args);
  if (values.help === true) return { kind: 'help' };
  const [verb, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra.join(' ')}'`);
  switch (verb) {
    case 'primary':
      return { kind: 'primary', listen: parseEndpoint('--listen', required(values, 'listen')), maxOperationLog: optionalInteger(values, 'max-operation-log'), ...nodeCommand(values) };
    case 'secondary':
      return {
        kind: 'secondary',
        primary: parseEndpoint('--primary', required(values, 'primary')),
        replicaId: values['replica-id'] ?? null,
        startupTimeoutMs: optionalInteger(values, 'startup-timeout-ms') ?? DEFAULT_RUNTIME_LIMITS.startupTimeoutMs,
        ...nodeCommand(values),
      };
    case 'stats':
      return { kind: 'stats', node: parseEndpoint('--node', required(values, 'node')) };
    case undefined:
      throw new UsageError('a command is required: primary, secondary or stats');
    default:
      throw new UsageError(`unknown command '${verb}': use primary, secondary or stats`);
  }
}

function parse(args: readonly string[]) {
  try {
    return parseArgs({ args: [...args], options: OPTIONS, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function nodeCommand(values: Values): NodeCommand {
  const admin = values.admin;
  return {
    storage: parseStorageSpec(required(values, 'storage'), values.fsync),
    admin: admin === undefined ? null : parseEndpoint('--admin', admin),
    logLevel: logLevel(values['log-level'] ?? 'info'),
    wireFormat: wireFormat(values['wire-format'] ?? 'binary'),
  };
}

function required(values: Values, name: 'listen' | 'primary' | 'storage' | 'node'): string {
  const value = values[name];
  if (value === undefined) throw new UsageError(`--${name} is required`);
  return value;
}

function optionalInteger(values: Values, name: 'startup-timeout-ms' | 'max-operation-log'): number | undefined {
  const text = values[name];
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value <= 0) throw new UsageError(`--${name} wants a positive integer, got '${text}'`);
  return value;
}

function logLevel(text: string): LogLevel {
  const level = levels().find((candidate) => candidate === text);
  if (level === undefined) throw new UsageError(`--log-level wants one of ${levels().join(', ')}, got '${text}'`);
  return level;
}

function wireFormat(text: string): WireFormatSetting {
  if (text !== 'binary' && text !== 'json') throw new UsageError(`--wire-format wants binary or json, got '${text}'`);
  return text;
}

function levels(): LogLevel[] {
  return ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
}
