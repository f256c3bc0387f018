import { parseArgs } from 'node:util';
import { LOG_FSYNC_POLICIES, type LogFsyncPolicy } from '../core/log-persistence/recovery.js';
import { WIRE_FORMAT_SETTINGS, type WireFormatSetting } from '../core/codec/index.js';
import { DEFAULT_RUNTIME_LIMITS } from '../runtime/limits.js';
import type { LogLevel } from '../runtime/logger.js';
import { parseEndpoint, type Endpoint } from './endpoint.js';
import { parseStorageSpec, type StorageSpec } from './storage-spec.js';
import { tlsFilesOf, type TlsFiles } from './tls-flags.js';
import { UsageError } from './usage-error.js';
import { VERB_OPTIONS, VERBS, type Verb } from './usage.js';

interface NodeCommand {
  readonly storage: StorageSpec;
  readonly tls: TlsFiles | null;
  readonly admin: Endpoint | null;
  readonly logLevel: LogLevel;
  readonly wireFormat: WireFormatSetting;
}

export type Command =
  | ({ readonly kind: 'primary'; readonly listen: Endpoint; readonly maxOperationLog: number | undefined; readonly adminWrites: boolean; readonly logFsync: LogFsyncPolicy } & NodeCommand)
  | ({
      readonly kind: 'secondary'; readonly primary: Endpoint; readonly replicaId: string | null; readonly startupTimeoutMs: number;
      /** Where it listens once promoted; null: the library's default. */
      readonly listen: Endpoint | null; readonly adminWrites: boolean;
    } & NodeCommand)
  | { readonly kind: 'promote'; readonly node: Endpoint }
  | { readonly kind: 'stats'; readonly node: Endpoint }
  | { readonly kind: 'status'; readonly node: Endpoint; readonly json: boolean; readonly watchMs: number | null }
  | { readonly kind: 'put'; readonly node: Endpoint; readonly path: string; readonly value: string; readonly tags: string[]; readonly ttlSeconds: number | null }
  | { readonly kind: 'get'; readonly node: Endpoint; readonly path: string; readonly waitMs: number }
  | { readonly kind: 'del'; readonly node: Endpoint; readonly path: string }
  | { readonly kind: 'ls'; readonly node: Endpoint; readonly prefix: string; readonly tag: string | null }
  | { readonly kind: 'help'; readonly verb: Verb | null };

const OPTIONS = {
  listen: { type: 'string' },
  primary: { type: 'string' },
  storage: { type: 'string' },
  fsync: { type: 'string' },
  admin: { type: 'string' },
  'admin-writes': { type: 'boolean' },
  node: { type: 'string' },
  'replica-id': { type: 'string' },
  'startup-timeout-ms': { type: 'string' },
  'max-operation-log': { type: 'string' },
  'log-fsync': { type: 'string' },
  'log-level': { type: 'string' },
  'wire-format': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'tls-ca': { type: 'string' },
  'tls-require-client-cert': { type: 'boolean' },
  tag: { type: 'string', multiple: true },
  ttl: { type: 'string' },
  prefix: { type: 'string' },
  'wait-ms': { type: 'string' },
  watch: { type: 'boolean' },
  'interval-ms': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** How often `status --watch` reads the node unless --interval-ms says. */
const WATCH_INTERVAL_MS = 1_000;

type Values = ReturnType<typeof parse>['values'];
type Parsed = { readonly values: Values; readonly operands: readonly string[] };

export function parseCommand(args: readonly string[]): Command {
  const { values, positionals } = parse(args);
  const [verbText, ...operands] = positionals;
  const verb = verbText === undefined ? null : verbOf(verbText);
  if (values.help === true || verb === 'help') return { kind: 'help', verb: verb === 'help' ? (operands[0] === undefined ? null : verbOf(operands[0])) : verb };
  if (verb === null) throw new UsageError(`a command is required: ${VERBS.join(', ')}`);
  const foreign = Object.keys(values).filter((name) => !VERB_OPTIONS[verb].includes(name));
  if (foreign.length > 0) throw new UsageError(`${foreign.map((name) => `--${name}`).join(', ')} does not apply to ${verb} (nadb-repl ${verb} --help)`);
  return commandOf(verb, { values, operands });
}

function commandOf(verb: Exclude<Verb, 'help'>, parsed: Parsed): Command {
  const { values } = parsed;
  switch (verb) {
    case 'primary':
      operandsOf(parsed, 0);
      if (values['admin-writes'] === true && values.admin === undefined) throw new UsageError('--admin-writes needs --admin HOST:PORT');
      return {
        kind: 'primary',
        listen: parseEndpoint('--listen', required(values, 'listen')),
        maxOperationLog: optionalInteger(values, 'max-operation-log'),
        adminWrites: values['admin-writes'] === true,
        logFsync: logFsync(values['log-fsync'] ?? 'always'),
        ...nodeCommand(values, 'primary'),
      };
    case 'secondary':
      operandsOf(parsed, 0);
      if (values['admin-writes'] === true && values.admin === undefined) throw new UsageError('--admin-writes needs --admin HOST:PORT');
      return {
        kind: 'secondary',
        primary: parseEndpoint('--primary', required(values, 'primary')),
        listen: values.listen === undefined ? null : parseEndpoint('--listen', values.listen),
        adminWrites: values['admin-writes'] === true,
        replicaId: values['replica-id'] ?? null,
        startupTimeoutMs: optionalInteger(values, 'startup-timeout-ms') ?? DEFAULT_RUNTIME_LIMITS.startupTimeoutMs,
        ...nodeCommand(values, 'secondary'),
      };
    case 'stats':
      operandsOf(parsed, 0);
      return { kind: 'stats', node: nodeOf(values) };
    case 'promote':
      operandsOf(parsed, 0);
      return { kind: 'promote', node: nodeOf(values) };
    case 'status':
      operandsOf(parsed, 0);
      return { kind: 'status', node: nodeOf(values), json: values.json === true, watchMs: values.watch === true ? (optionalInteger(values, 'interval-ms') ?? WATCH_INTERVAL_MS) : null };
    default:
      return dataCommand(verb, parsed);
  }
}

function dataCommand(verb: 'put' | 'get' | 'del' | 'ls', parsed: Parsed): Command {
  const { values } = parsed;
  switch (verb) {
    case 'put': {
      const [path, value] = operandsOf(parsed, 2, 'PATH VALUE');
      return { kind: 'put', node: nodeOf(values), path, value, tags: values.tag ?? [], ttlSeconds: optionalSeconds(values.ttl) };
    }
    case 'get':
      return { kind: 'get', node: nodeOf(values), path: operandsOf(parsed, 1, 'PATH')[0], waitMs: optionalInteger(values, 'wait-ms') ?? 0 };
    case 'del':
      return { kind: 'del', node: nodeOf(values), path: operandsOf(parsed, 1, 'PATH')[0] };
    case 'ls':
      operandsOf(parsed, 0);
      if (values.prefix !== undefined && values.tag !== undefined) throw new UsageError('ls takes --prefix P or --tag T, not both');
      if ((values.tag?.length ?? 0) > 1) throw new UsageError('ls takes one --tag');
      return { kind: 'ls', node: nodeOf(values), prefix: values.prefix ?? '', tag: values.tag?.[0] ?? null };
  }
}

function verbOf(text: string): Verb {
  const verb = VERBS.find((candidate) => candidate === text);
  if (verb === undefined) throw new UsageError(`unknown command '${text}': use ${VERBS.join(', ')}`);
  return verb;
}

/** Exactly `count` operands after the verb (`what` names them in the message). */
function operandsOf(parsed: Parsed, count: 2, what: string): [string, string];
function operandsOf(parsed: Parsed, count: 1, what: string): [string];
function operandsOf(parsed: Parsed, count: 0): [];
function operandsOf(parsed: Parsed, count: number, what = ''): string[] {
  const { operands } = parsed;
  if (operands.length > count) throw new UsageError(`unexpected argument '${operands.slice(count).join(' ')}'`);
  if (operands.length < count) throw new UsageError(`${what} ${count === 1 ? 'is' : 'are'} required`);
  return [...operands];
}

function parse(args: readonly string[]) {
  try {
    return parseArgs({ args: [...args], options: OPTIONS, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function nodeCommand(values: Values, mode: 'primary' | 'secondary'): NodeCommand {
  const admin = values.admin;
  return {
    storage: parseStorageSpec(required(values, 'storage'), values.fsync),
    tls: tlsFilesOf(values, mode),
    admin: admin === undefined ? null : parseEndpoint('--admin', admin),
    logLevel: logLevel(values['log-level'] ?? 'info'),
    wireFormat: wireFormat(values['wire-format'] ?? 'binary'),
  };
}

function nodeOf(values: Values): Endpoint {
  return parseEndpoint('--node', required(values, 'node'));
}

function required(values: Values, name: 'listen' | 'primary' | 'storage' | 'node'): string {
  const value = values[name];
  if (value === undefined) throw new UsageError(`--${name} is required`);
  return value;
}

function optionalInteger(values: Values, name: 'startup-timeout-ms' | 'max-operation-log' | 'wait-ms' | 'interval-ms'): number | undefined {
  const text = values[name];
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value <= 0) throw new UsageError(`--${name} wants a positive integer, got '${text}'`);
  return value;
}

function optionalSeconds(text: string | undefined): number | null {
  if (text === undefined) return null;
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(value > 0)) throw new UsageError(`--ttl wants a positive number of seconds, got '${text}'`);
  return value;
}

function logLevel(text: string): LogLevel {
  const level = levels().find((candidate) => candidate === text);
  if (level === undefined) throw new UsageError(`--log-level wants one of ${levels().join(', ')}, got '${text}'`);
  return level;
}

function wireFormat(text: string): WireFormatSetting {
  const setting = WIRE_FORMAT_SETTINGS.find((known) => known === text);
  if (setting === undefined) throw new UsageError(`--wire-format wants ${WIRE_FORMAT_SETTINGS.join(', ')}, got '${text}'`);
  return setting;
}

function logFsync(text: string): LogFsyncPolicy {
  const policy = LOG_FSYNC_POLICIES.find((candidate) => candidate === text);
  if (policy === undefined) throw new UsageError(`--log-fsync wants one of ${LOG_FSYNC_POLICIES.join(', ')}, got '${text}'`);
  return policy;
}

function levels(): LogLevel[] {
  return ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
}
