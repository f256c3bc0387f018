import type { TlsOptions } from './transport.js';

/**
 * What a primary listening on `host` lacks to be safe there, as one sentence; null when nothing
 * (or when it listens on loopback only, where no other host can reach it).
 */
export function exposureWarning(host: string, tls: TlsOptions | null, authToken: string | readonly string[] | null): string | null {
  if (isLoopback(host)) return null;
  const missing = [
    ...(tls === null ? ['without TLS (the data travels in clear)'] : []),
    ...(authToken === null ? ['without an auth token (any host that connects receives every write)'] : []),
  ];
  if (missing.length === 0) return null;
  return `primary listens on ${host}, reachable from other hosts, ${missing.join(' and ')}: set tls and authToken, or listenHost 127.0.0.1`;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(host);
}
