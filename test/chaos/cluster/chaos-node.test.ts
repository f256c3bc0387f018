import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChaosNode } from '../../../chaos/cluster/chaos-node.js';
import { freePort } from '../../../harness/redis-process.js';

describe('a chaos node process', () => {
  it('killed while it starts, ends its start at once instead of waiting for a readiness that cannot come', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chaos-node-'));
    try {
      // A secondary whose primary is not there never becomes ready: only the kill ends its start.
      const [primaryPort, adminPort] = [await freePort(), await freePort()];
      const storage = `fs:${join(dir, 'secondary')}`;
      const node = new ChaosNode('secondary-1', storage, adminPort, ['secondary', `127.0.0.1:${primaryPort}`, String(adminPort), storage, 'replica-1']);
      const started = node.start();
      const outcome = started.then(() => 'ready', (error: unknown) => String(error));
      await node.kill9();
      expect(await outcome).toMatch(/secondary-1 exited \(SIGKILL\) before it was ready/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
