import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadTls } from '../../../src/cli/tls-flags.js';

describe('loadTls', () => {
  let dir: string;
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'nadb-tls-flags-')); });
  afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

  it('of two files that cannot be read, names the first in flag order even when the second fails sooner', async () => {
    // A directory fails only at the read (EISDIR), after a missing file has failed at the open.
    for (let attempt = 0; attempt < 20; attempt++) {
      await expect(loadTls({ cert: dir, key: join(dir, 'missing.pem'), ca: null, requireClientCert: false }))
        .rejects.toThrow(`--tls-cert ${dir}: EISDIR`);
    }
  });

  it('reads every file given', async () => {
    await writeFile(join(dir, 'cert.pem'), 'C');
    await writeFile(join(dir, 'key.pem'), 'K');
    await writeFile(join(dir, 'ca.pem'), 'A');
    const options = await loadTls({ cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem'), ca: join(dir, 'ca.pem'), requireClientCert: true });
    expect([String(options.cert), String(options.key), String(options.ca), options.requestCert]).toEqual(['C', 'K', 'A', true]);
  });
});
