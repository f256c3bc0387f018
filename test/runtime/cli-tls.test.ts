import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { childrenStoppedAfterEach, runCli, startNode } from './support/child.js';
import { certificateAuthority, type SelfSigned } from './support/tls-cert.js';

/** Guards against a hang only: every wait below ends on an event. */
const HANG_TIMEOUT_MS = 180_000;

const trusted = certificateAuthority('nadb-cli-ca');
const other = certificateAuthority('nadb-cli-other-ca');
const unavailable = [trusted, other].find((authority) => typeof authority === 'string');
if (unavailable !== undefined) console.log(`skipping the CLI TLS tests: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('nadb-repl with TLS and mutual TLS flags, real processes', () => {
  const { children, dirs } = childrenStoppedAfterEach();
  afterAll(() => {
    for (const authority of [trusted, other]) if (typeof authority !== 'string') authority.dispose();
  });

  /** PEM files of a certificate the authority issues, and of the authority's own certificate. */
  async function files(authority: typeof trusted, name: string): Promise<{ cert: string; key: string; ca: string }> {
    if (typeof authority === 'string') throw new Error(authority);
    const dir = await mkdtemp(join(tmpdir(), 'nadb-cli-tls-'));
    dirs.push(dir);
    const issued: SelfSigned = authority.issue(name);
    const paths = { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem'), ca: join(dir, 'ca.pem') };
    await Promise.all([writeFile(paths.cert, issued.cert), writeFile(paths.key, issued.key), writeFile(paths.ca, authority.cert)]);
    return paths;
  }

  it('a primary requiring client certificates replicates to a secondary with one from its authority, and refuses one from another', async () => {
    const server = await files(trusted, 'primary');
    const client = await files(trusted, 'replica');
    const stranger = await files(other, 'stranger');
    const primary = await startNode([
      'primary', '--listen', '127.0.0.1:0', '--storage', 'memory', '--admin', '127.0.0.1:0', '--admin-writes',
      '--tls-cert', server.cert, '--tls-key', server.key, '--tls-ca', server.ca, '--tls-require-client-cert',
    ], children);
    const secondary = await startNode([
      'secondary', '--primary', `127.0.0.1:${primary.listenPort}`, '--storage', 'memory', '--admin', '127.0.0.1:0',
      '--tls-ca', client.ca, '--tls-cert', client.cert, '--tls-key', client.key,
    ], children);
    expect((await runCli(['put', '--node', `127.0.0.1:${primary.adminPort}`, 'secret', 'over tls'])).code).toBe(0);
    expect(await runCli(['get', '--node', `127.0.0.1:${secondary.adminPort}`, 'secret', '--wait-ms', String(HANG_TIMEOUT_MS)])).toMatchObject({ code: 0, stdout: 'over tls' });

    const refused = await runCli([
      'secondary', '--primary', `127.0.0.1:${primary.listenPort}`, '--storage', 'memory', '--startup-timeout-ms', '2000', '--log-level', 'silent',
      '--tls-ca', client.ca, '--tls-cert', stranger.cert, '--tls-key', stranger.key,
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/no sync with the primary within 2000 ms/);
    const plain = await runCli(['secondary', '--primary', `127.0.0.1:${primary.listenPort}`, '--storage', 'memory', '--startup-timeout-ms', '2000', '--log-level', 'silent']);
    expect(plain.code).toBe(1);
  }, HANG_TIMEOUT_MS);

  it('a secondary that does not trust the primary\'s authority refuses it', async () => {
    const server = await files(trusted, 'primary');
    const untrusting = await files(other, 'replica');
    const primary = await startNode(['primary', '--listen', '127.0.0.1:0', '--storage', 'memory', '--tls-cert', server.cert, '--tls-key', server.key], children);
    const refused = await runCli(['secondary', '--primary', `127.0.0.1:${primary.listenPort}`, '--storage', 'memory', '--startup-timeout-ms', '2000', '--log-level', 'silent', '--tls-ca', untrusting.ca]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/no sync with the primary within 2000 ms .*certificate/);
  }, HANG_TIMEOUT_MS);

  it.each([
    [['--tls-key', 'k.pem'], /--tls-cert and --tls-key go together/],
    [['--tls-ca', 'ca.pem'], /TLS on a primary needs --tls-cert and --tls-key/],
    [['--tls-cert', 'c.pem', '--tls-key', 'k.pem', '--tls-require-client-cert'], /--tls-require-client-cert needs --tls-ca/],
  ])('bad TLS flags on a primary %j: exit 2 and one line', async (flags, message) => {
    const result = await runCli(['primary', '--listen', '127.0.0.1:0', '--storage', 'memory', ...flags]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  }, HANG_TIMEOUT_MS);

  it('a TLS file that cannot be read: exit 1 and one line naming the flag and the file', async () => {
    const result = await runCli(['primary', '--listen', '127.0.0.1:0', '--storage', 'memory', '--tls-cert', '/nonexistent/cert.pem', '--tls-key', '/nonexistent/key.pem']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^nadb-repl: --tls-cert \/nonexistent\/cert\.pem: ENOENT\n$/);
  }, HANG_TIMEOUT_MS);
});
