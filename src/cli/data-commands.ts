import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from './arguments.js';
import { DEFAULT_RUNTIME_LIMITS } from '../runtime/limits.js';
import { adminRequest, type AdminAnswer, type AdminRequest } from './admin-client.js';
import type { Endpoint } from './endpoint.js';

type DataCommand = Extract<Command, { kind: 'put' | 'get' | 'del' | 'ls' | 'promote' }>;

/** What the data commands print, and the admin token they send. */
export interface DataIo {
  write(bytes: Buffer | string): void;
  readonly token: string | undefined;
}

/** A node refused or could not answer: its own words, one line, exit 1. */
export class AdminRefusedError extends Error {
  override name = 'AdminRefusedError';
}

/** `get --wait-ms` asks again after this long at first, doubling up to the cap. */
const RETRY_FIRST_MS = 20;
const RETRY_MAX_MS = 250;

/** put, get, del, ls and promote: one request each to the node's admin endpoint (get --wait-ms: until the entry is there). */
export async function runDataCommand(command: DataCommand, io: DataIo): Promise<void> {
  switch (command.kind) {
    case 'put': {
      const query = new URLSearchParams();
      for (const tag of command.tags) query.append('tag', tag);
      if (command.ttlSeconds !== null) query.append('ttl', String(command.ttlSeconds));
      const body = Buffer.from(command.value);
      await expect(command.node, { method: 'PUT', path: `${dataPath(command.path)}${query.size === 0 ? '' : `?${query.toString()}`}`, body, token: io.token }, 204);
      io.write(`put ${command.path} (${body.byteLength} bytes)\n`);
      return;
    }
    case 'get':
      io.write(await waitForEntry(command.node, command.path, command.waitMs, io.token));
      return;
    case 'del':
      await expect(command.node, { method: 'DELETE', path: dataPath(command.path), token: io.token }, 204);
      io.write(`deleted ${command.path}\n`);
      return;
    case 'ls': {
      const query = command.tag === null ? `prefix=${encodeURIComponent(command.prefix)}` : `tag=${encodeURIComponent(command.tag)}`;
      const answer = await expect(command.node, { method: 'GET', path: `/list?${query}`, token: io.token }, 200);
      const { paths, truncated } = JSON.parse(answer.body.toString('utf8')) as { paths: string[]; truncated: boolean };
      io.write(paths.map((path) => `${path}\n`).join(''));
      if (truncated) io.write(`(the first ${paths.length} only: narrow it with --prefix)\n`);
      return;
    }
    case 'promote': {
      const answer = await expect(command.node, { method: 'POST', path: '/promote', token: io.token, timeoutMs: DEFAULT_RUNTIME_LIMITS.promoteRequestTimeoutMs }, 200);
      io.write(`${JSON.stringify(JSON.parse(answer.body.toString('utf8')))}\n`);
      return;
    }
  }
}

/** The value, once the node has it; not there after `waitMs` is a refusal. */
async function waitForEntry(node: Endpoint, path: string, waitMs: number, token: string | undefined): Promise<Buffer> {
  const deadlineMs = performance.now() + waitMs;
  for (let delayMs = RETRY_FIRST_MS; ; delayMs = Math.min(delayMs * 2, RETRY_MAX_MS)) {
    const answer = await adminRequest(node, { method: 'GET', path: dataPath(path), token });
    if (answer.status !== 404 || performance.now() + delayMs > deadlineMs) return checked(answer, 200).body;
    await sleep(delayMs);
  }
}

async function expect(node: Endpoint, request: AdminRequest, status: number): Promise<AdminAnswer> {
  return checked(await adminRequest(node, request), status);
}

function checked(answer: AdminAnswer, status: number): AdminAnswer {
  if (answer.status === status) return answer;
  throw new AdminRefusedError(`the node answered ${answer.status}: ${answer.body.toString('utf8').trim()}`);
}

function dataPath(path: string): string {
  return `/data/${encodeURIComponent(path)}`;
}
