import * as net from 'node:net';
import * as tls from 'node:tls';
import { ConnectionError } from '../core/errors.js';

/**
 * TLS for the replication link: the primary needs key and cert, a secondary trusts `ca`. Mutual
 * TLS: the primary also sets `requestCert` and its `ca` (the authority that signs secondaries'
 * certificates), and each secondary gives its own key and cert.
 */
export interface TlsOptions {
  readonly key?: string | Buffer;
  readonly cert?: string | Buffer;
  /** Primary with requestCert: the authorities a secondary's certificate must chain to. Secondary: those of the primary's. */
  readonly ca?: string | Buffer | (string | Buffer)[];
  /** Primary: refuse every secondary without a client certificate that verifies against `ca` (mutual TLS). */
  readonly requestCert?: boolean;
  /** Secondary: refuse a primary whose certificate does not verify (default true). */
  readonly rejectUnauthorized?: boolean;
  /** Secondary: the name to verify the primary's certificate against, when not its host. */
  readonly servername?: string;
}

export interface ListenOptions {
  readonly tls: TlsOptions | null;
  /** A TLS handshake not finished by then is dropped: a stranger cannot hold a socket with a half handshake. */
  readonly tlsHandshakeTimeoutMs: number;
  /** A peer whose TLS handshake failed (no certificate, one from another authority, plain TCP): it never reaches onSocket. */
  readonly onTlsRefused: (address: string, reason: string) => void;
}

/** Listens on host:port, plain TCP or TLS; resolves once listening, rejects with a ConnectionError. */
export async function listen(host: string, port: number, options: ListenOptions, onSocket: (socket: net.Socket) => void): Promise<net.Server> {
  const server = options.tls === null ? net.createServer(onSocket) : tlsServer(options, onSocket);
  await bind(server, host, port, 'cannot listen');
  return server;
}

function tlsServer(options: ListenOptions, onSocket: (socket: net.Socket) => void): tls.Server {
  // A server verifies client certificates only when it asks for them; then it refuses any that fails.
  const server = tls.createServer({ ...options.tls, rejectUnauthorized: true, handshakeTimeout: options.tlsHandshakeTimeoutMs }, onSocket);
  server.on('tlsClientError', (error, socket) => options.onTlsRefused(`${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`, error.message));
  return server;
}

/** Starts a server listening; a failure (port taken, address not local) is a ConnectionError. */
export async function bind(server: net.Server, host: string, port: number, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    // Kept after listening too: a later accept error must not crash the process (the reject is then a no-op).
    server.on('error', (error: NodeJS.ErrnoException) => reject(new ConnectionError(`${what}: ${error.code ?? error.message}`, host, port)));
    server.listen(port, host, () => resolve());
  });
}

export interface Dialed {
  readonly socket: net.Socket;
  /** The event after which bytes may flow: 'connect', or 'secureConnect' once TLS is up. */
  readonly readyEvent: 'connect' | 'secureConnect';
}

export function dial(host: string, port: number, tlsOptions: TlsOptions | null): Dialed {
  if (tlsOptions === null) return { socket: net.connect({ host, port }), readyEvent: 'connect' };
  return { socket: tls.connect({ host, port, ...tlsOptions }), readyEvent: 'secureConnect' };
}

/** The port a server listens on (the ephemeral one when it was asked for port 0). */
export function boundPort(server: net.Server): number {
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}
