import type { IncomingMessage, ServerResponse } from 'node:http';
import { InvalidOperationError, ReadOnlyError, ReplicationError } from '../core/errors.js';
import { answer } from './http-answer.js';

/** What a request may do: read, and write too when it proved the token or comes from this machine. */
export interface AdminCaller {
  readonly mayWrite: boolean;
}

export type ListQuery = { readonly prefix: string } | { readonly tag: string };

/** `truncated`: the storage holds more paths than were looked at. */
export interface ListAnswer {
  readonly paths: readonly string[];
  readonly truncated: boolean;
}

export interface PutOptions {
  readonly tags: readonly string[];
  readonly ttlSeconds: number | null;
}

/** A node's data as the admin endpoint serves it (NetworkSyncBackend provides it). */
export interface AdminData {
  read(path: string): Promise<Buffer | undefined>;
  /** The live paths among the first `pathsMax` the storage holds, in its order: no more are read. */
  list(query: ListQuery, pathsMax: number): Promise<ListAnswer>;
  /** Why this node takes no writes through the endpoint (a secondary, or writes not enabled); null when it does. */
  readonly writesRefused: string | null;
  /** A request body larger than this is refused before it is read whole. */
  readonly valueBytesMax: number;
  put(path: string, data: Buffer, options: PutOptions): Promise<void>;
  delete(path: string): Promise<void>;
}

const DATA_PREFIX = '/data/';

/**
 * GET|HEAD|PUT|DELETE /data/PATH (PATH one URI component: `/` inside it as %2F; PUT takes the value
 * as the body, `tag` repeated and `ttl` in seconds in the query), GET|HEAD /list?prefix=P or
 * ?tag=T. False when the request is for another route.
 */
export async function serveData(request: IncomingMessage, response: ServerResponse, url: URL, data: AdminData, caller: AdminCaller, listPathsMax: number): Promise<boolean> {
  const method = request.method ?? '';
  if (url.pathname === '/list') {
    if (method === 'GET' || method === 'HEAD') await serveList(response, url, data, listPathsMax);
    else answer(response, 405, 'text/plain', `${method} is not served at /list\n`, { allow: 'GET, HEAD' });
    return true;
  }
  if (!url.pathname.startsWith(DATA_PREFIX)) return false;
  const path = decodePath(url.pathname.slice(DATA_PREFIX.length));
  if (path === null) answer(response, 400, 'text/plain', 'the path after /data/ is not valid percent-encoding\n');
  else if (method === 'GET' || method === 'HEAD') await serveRead(response, path, data);
  else if (method === 'PUT' || method === 'DELETE') await serveWrite(request, response, url, path, data, caller);
  else answer(response, 405, 'text/plain', `${method} is not served at /data/PATH\n`, { allow: 'GET, HEAD, PUT, DELETE' });
  return true;
}

async function serveRead(response: ServerResponse, path: string, data: AdminData): Promise<void> {
  const value = await data.read(path);
  if (value === undefined) answer(response, 404, 'text/plain', `no entry at ${JSON.stringify(path)}\n`);
  else answer(response, 200, 'application/octet-stream', value);
}

async function serveList(response: ServerResponse, url: URL, data: AdminData, listPathsMax: number): Promise<void> {
  const tag = url.searchParams.get('tag');
  const listed = await data.list(tag === null ? { prefix: url.searchParams.get('prefix') ?? '' } : { tag }, listPathsMax);
  answer(response, 200, 'application/json', JSON.stringify(listed));
}

async function serveWrite(request: IncomingMessage, response: ServerResponse, url: URL, path: string, data: AdminData, caller: AdminCaller): Promise<void> {
  if (data.writesRefused !== null) {
    answer(response, 403, 'text/plain', `${data.writesRefused}\n`);
    return;
  }
  if (!caller.mayWrite) {
    answer(response, 403, 'text/plain', 'writes come only from this machine (loopback) or with the admin token: start the node with NADB_ADMIN_TOKEN set\n');
    return;
  }
  const body = await readBody(request, data.valueBytesMax);
  if (body === null) {
    answer(response, 413, 'text/plain', `the value is larger than ${data.valueBytesMax} bytes (valueBytesMax)\n`, { connection: 'close' });
    return;
  }
  const outcome = await refusal(() => (request.method === 'PUT' ? data.put(path, body, putOptions(url)) : data.delete(path)));
  if (outcome === null) answer(response, 204, 'text/plain', '');
  else answer(response, outcome.status, 'text/plain', `${outcome.message}\n`);
}

function putOptions(url: URL): PutOptions {
  const ttl = url.searchParams.get('ttl');
  const ttlSeconds = ttl === null ? null : Number(ttl);
  if (ttlSeconds !== null && !(ttlSeconds > 0 && Number.isFinite(ttlSeconds))) throw new InvalidOperationError(`ttl wants a positive number of seconds, got '${ttl}'`);
  return { tags: url.searchParams.getAll('tag'), ttlSeconds };
}

/** A write the node refuses (bad input, read-only, a limit) is the caller's answer, not a server error. */
async function refusal(write: () => Promise<void>): Promise<{ status: number; message: string } | null> {
  try {
    await write();
    return null;
  } catch (error) {
    if (error instanceof InvalidOperationError) return { status: 400, message: error.message };
    if (error instanceof ReadOnlyError) return { status: 403, message: error.message };
    if (error instanceof ReplicationError) return { status: 503, message: error.message };
    throw error;
  }
}

/** The whole body, or null once it passes `bytesMax` (the rest is not read). */
function readBody(request: IncomingMessage, bytesMax: number): Promise<Buffer | null> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > bytesMax) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    request.on('data', (chunk: Buffer) => {
      bytes += chunk.byteLength;
      if (bytes > bytesMax) {
        request.pause();
        resolve(null);
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function decodePath(encoded: string): string | null {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return null;
  }
}
