import { UsageError } from './usage-error.js';

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/** HOST:PORT, or [IPv6]:PORT. */
export function parseEndpoint(option: string, text: string): Endpoint {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (host === undefined || !(port >= 0 && port <= 0xffff)) throw new UsageError(`${option} wants HOST:PORT, got '${text}'`);
  return { host, port };
}
