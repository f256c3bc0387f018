import { request as httpRequest } from 'node:http';
import { ConnectionError } from '../core/errors.js';
import { DEFAULT_RUNTIME_LIMITS } from '../runtime/limits.js';
import type { Endpoint } from './endpoint.js';

export interface AdminRequest {
  readonly method: 'GET' | 'PUT' | 'DELETE' | 'POST';
  /** Path and query, already encoded. */
  readonly path: string;
  readonly body?: Buffer;
  /** The admin endpoint's bearer token, when it has one. */
  readonly token?: string | undefined;
  readonly timeoutMs?: number;
}

export interface AdminAnswer {
  readonly status: number;
  readonly body: Buffer;
}

/** Answers larger than this are refused: a listing of the longest names at the listing's cap, with room. */
const ANSWER_BYTES_MAX = 64 * 1024 * 1024;

/** One request to a node's admin endpoint; any failure to get an answer is a one-line ConnectionError. */
export function adminRequest(node: Endpoint, request: AdminRequest): Promise<AdminAnswer> {
  const timeoutMs = request.timeoutMs ?? DEFAULT_RUNTIME_LIMITS.statsRequestTimeoutMs;
  const fail = (why: string) => new ConnectionError(`cannot reach the admin endpoint: ${why}`, node.host, node.port);
  const headers = { ...(request.token === undefined ? {} : { authorization: `Bearer ${request.token}` }), 'content-length': String(request.body?.byteLength ?? 0) };
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ host: node.host, port: node.port, method: request.method, path: request.path, headers, timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.byteLength;
        if (bytes > ANSWER_BYTES_MAX) response.destroy(new Error(`answer larger than ${ANSWER_BYTES_MAX} bytes`));
        else chunks.push(chunk);
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
      response.on('error', (error) => reject(fail(error.message)));
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    outgoing.on('error', (error: NodeJS.ErrnoException) => reject(fail(error.code ?? error.message)));
    outgoing.end(request.body);
  });
}

/** The JSON text of /stats; an answer other than 200 is a ConnectionError saying what the node said. */
export async function fetchStats(node: Endpoint, token?: string): Promise<string> {
  const answer = await adminRequest(node, { method: 'GET', path: '/stats', token });
  if (answer.status !== 200) throw new ConnectionError(`cannot read /stats: HTTP ${answer.status} ${answer.body.toString('utf8').trim()}`, node.host, node.port);
  return answer.body.toString('utf8');
}
