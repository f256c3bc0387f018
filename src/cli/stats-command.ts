import { get } from 'node:http';
import { ConnectionError } from '../core/errors.js';
import { DEFAULT_RUNTIME_LIMITS } from '../runtime/limits.js';
import type { Endpoint } from './endpoint.js';

/** Fetches /stats from a node's admin endpoint; any failure is a one-line ConnectionError. */
export async function fetchStats(node: Endpoint, timeoutMs = DEFAULT_RUNTIME_LIMITS.statsRequestTimeoutMs): Promise<string> {
  const fail = (why: string) => new ConnectionError(`cannot read /stats: ${why}`, node.host, node.port);
  return new Promise((resolve, reject) => {
    const request = get({ host: node.host, port: node.port, path: '/stats', timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        if (response.statusCode === 200) resolve(Buffer.concat(chunks).toString('utf8'));
        else reject(fail(`HTTP ${response.statusCode ?? '?'}`));
      });
      response.on('error', (error) => reject(fail(error.message)));
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', (error: NodeJS.ErrnoException) => reject(fail(error.code ?? error.message)));
  });
}
