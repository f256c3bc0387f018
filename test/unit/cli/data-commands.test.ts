import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { AdminRefusedError, runDataCommand } from '../../../src/cli/data-commands.js';

/** An admin endpoint that has no entry for its first `missing` requests, then has it. */
async function appearingEntry(missing: number): Promise<{ server: Server; port: number; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(`${request.method ?? ''} ${request.url ?? ''} ${request.headers.authorization ?? '(no token)'}`);
    if (requests.length <= missing) response.writeHead(404).end('no entry at "a/b"');
    else response.writeHead(200).end('the value');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address !== null ? address.port : 0, requests };
}

describe('nadb-repl get', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  });

  it('with --wait-ms asks again until the entry is there, then prints it', async () => {
    const { server, port, requests } = await appearingEntry(3);
    servers.push(server);
    const written: string[] = [];
    await runDataCommand({ kind: 'get', node: { host: '127.0.0.1', port }, path: 'a/b', waitMs: 600_000 }, { write: (bytes) => written.push(bytes.toString()), token: undefined });
    expect(written).toEqual(['the value']);
    expect(requests).toEqual(Array(4).fill('GET /data/a%2Fb (no token)'));
  });

  it('without --wait-ms asks once, with the admin token, and a missing entry is a refusal with the node\'s words', async () => {
    const { server, port, requests } = await appearingEntry(1);
    servers.push(server);
    const get = runDataCommand({ kind: 'get', node: { host: '127.0.0.1', port }, path: 'a/b', waitMs: 0 }, { write: () => undefined, token: 'secret' });
    await expect(get).rejects.toThrow(new AdminRefusedError('the node answered 404: no entry at "a/b"'));
    expect(requests).toEqual(['GET /data/a%2Fb Bearer secret']);
  });
});
