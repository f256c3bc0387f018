import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { FileSystemStorage } from '../../src/storage/filesystem.js';
import { RedisStorage } from '../../src/storage/redis.js';
import { describeWithRedis } from '../support/redis-server.js';
import { replicateOn } from './support/scenario.js';

describe('replication on FileSystemStorage', () => {
  it('converges path by path, metadata included, and resumes a restarted secondary from its files', async () => {
    const base = await mkdtemp(join(tmpdir(), 'nadb-runtime-fs-'));
    try {
      await replicateOn(async (name) => FileSystemStorage.open({ basePath: join(base, name) }));
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });
});

describeWithRedis('replication on RedisStorage', (server) => {
  it('converges path by path, metadata included, and resumes a restarted secondary from its keys', async () => {
    await replicateOn(async (name) => RedisStorage.open({ url: server().url, keyPrefix: `runtime-${name}` }));
  });
});
