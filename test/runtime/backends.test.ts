import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { AppendOnlyStorage } from '../../src/storage/append-only.js';
import type { StorageBackend } from '../../src/storage/backend.js';
import { FileSystemStorage } from '../../src/storage/filesystem.js';
import { RedisStorage } from '../../src/storage/redis.js';
import { describeWithRedis } from '../support/redis-server.js';
import { replicateOn } from './support/scenario.js';

/** Each node in a directory of its own under one temp directory, removed afterwards. */
async function replicateInDirectories(openIn: (basePath: string) => Promise<StorageBackend>): Promise<void> {
  const base = await mkdtemp(join(tmpdir(), 'nadb-runtime-disk-'));
  try {
    await replicateOn(async (name) => openIn(join(base, name)));
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}

describe('replication on FileSystemStorage', () => {
  it('converges path by path, metadata included, and resumes a restarted secondary from its files', async () => {
    await replicateInDirectories((basePath) => FileSystemStorage.open({ basePath }));
  });
});

describe('replication on AppendOnlyStorage', () => {
  it('converges path by path, metadata included, and resumes a restarted secondary from its file', async () => {
    await replicateInDirectories((basePath) => AppendOnlyStorage.open({ basePath }));
  });
});

describeWithRedis('replication on RedisStorage', (server) => {
  it('converges path by path, metadata included, and resumes a restarted secondary from its keys', async () => {
    await replicateOn(async (name) => RedisStorage.open({ url: server().url, keyPrefix: `runtime-${name}` }));
  });
});
