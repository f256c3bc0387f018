export const VERBS = ['primary', 'secondary', 'promote', 'status', 'stats', 'put', 'get', 'del', 'ls', 'help'] as const;
export type Verb = (typeof VERBS)[number];

const NODE = ['storage', 'fsync', 'admin', 'log-level', 'wire-format', 'tls-cert', 'tls-key', 'tls-ca'];

/** The options each command takes; any other is a usage error. */
export const VERB_OPTIONS: Readonly<Record<Exclude<Verb, 'help'>, readonly string[]>> = {
  primary: ['listen', 'max-operation-log', 'admin-writes', 'log-fsync', 'tls-require-client-cert', ...NODE],
  secondary: ['primary', 'replica-id', 'startup-timeout-ms', 'listen', 'admin-writes', ...NODE],
  promote: ['node'],
  status: ['node', 'json', 'watch', 'interval-ms'],
  stats: ['node'],
  put: ['node', 'tag', 'ttl'],
  get: ['node', 'wait-ms'],
  del: ['node'],
  ls: ['node', 'prefix', 'tag'],
};

const SYNOPSES: Readonly<Record<Exclude<Verb, 'help'>, string>> = {
  primary: `nadb-repl primary   --listen HOST:PORT --storage SPEC [--fsync MODE] [--admin HOST:PORT [--admin-writes]]
                      [--max-operation-log N] [--log-fsync POLICY] [--log-level LEVEL] [--wire-format FORMAT]
                      [--tls-cert FILE --tls-key FILE [--tls-ca FILE --tls-require-client-cert]]`,
  secondary: `nadb-repl secondary --primary HOST:PORT --storage SPEC [--fsync MODE] [--admin HOST:PORT [--admin-writes]]
                      [--listen HOST:PORT] [--replica-id ID] [--startup-timeout-ms MS] [--log-level LEVEL] [--wire-format FORMAT]
                      [--tls-ca FILE] [--tls-cert FILE --tls-key FILE]`,
  promote: 'nadb-repl promote   --node ADMIN        (this secondary becomes the primary; it needs --admin-writes)',
  status: 'nadb-repl status    --node ADMIN [--watch [--interval-ms MS]] [--json]',
  stats: 'nadb-repl stats     --node ADMIN        (the JSON of /stats, as status --json)',
  put: 'nadb-repl put       --node ADMIN PATH VALUE [--tag TAG]... [--ttl SECONDS]',
  get: 'nadb-repl get       --node ADMIN PATH [--wait-ms MS]',
  del: 'nadb-repl del       --node ADMIN PATH',
  ls: 'nadb-repl ls        --node ADMIN [--prefix P | --tag TAG]',
};

const LEGEND = `ADMIN: HOST:PORT of a running node's admin endpoint (its --admin)
SPEC: memory | fs:DIR (a file per entry) | aof:DIR (in memory, an append-only file on disk)
  | redis://HOST:PORT[/DB]; LEVEL: fatal | error | warn | info | debug | trace | silent (default info)
MODE (fs:DIR and aof:DIR): batch (default: one fsync round per applied batch) | always (fs: also
  every file as it is written) | never (no fsync: consistent after a process crash, not a power loss)
POLICY (primary on fs:DIR and aof:DIR, whose operation log is kept beside the data): always (default:
  synced before each batch is applied; a restart continues the history) | everysec | no (a restart after
  a crash begins a new history: secondaries resync in full); on redis:// the log is in Redis and the
  server's appendfsync is its policy
FORMAT: binary (default: binary data frames where the peer is willing too, binary-2 before binary-1) | binary-1
  (only binary-1's SHA-256-checked frames, as the release before binary-2) | json (the original's frames only)
TLS (PEM files): a primary's --tls-cert and --tls-key encrypt the link; a secondary verifies it with
  --tls-ca; with --tls-require-client-cert and --tls-ca the primary refuses every secondary without a
  certificate from that authority (mutual TLS), which each secondary gives as its --tls-cert and --tls-key
put and del need a primary started with --admin-writes, and a client on the same machine or the
  admin token; so does promote, on a secondary: it then listens on its --listen (default
  0.0.0.0:9000) as the primary of a new history that continues its own; point the other
  secondaries at it by restarting them with --primary on the same storage; get --wait-ms waits that long for an entry to appear (on a secondary, for it to arrive)
status: mode, history, applied sequence and, per secondary, its lag; --watch reads it again every
  --interval-ms (default 1000) until interrupted
NADB_AUTH_TOKEN in the environment sets the replication token; NADB_ADMIN_TOKEN the admin endpoint's
  bearer token (a node then wants it on every request, and the commands send it)
exit codes: 0 done, 1 failed (unreachable, refused, not found), 2 bad arguments`;

/** The usage of one command, or of all of them. */
export function usage(verb: Verb | null): string {
  const synopses = verb === null || verb === 'help' ? Object.values(SYNOPSES) : [SYNOPSES[verb]];
  return `usage:\n  ${synopses.join('\n  ')}\n${LEGEND}`;
}
