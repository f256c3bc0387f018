/**
 * One model, every backend: the same commands (every request the core makes, every read, and the
 * wall clock passing expiries) against MemoryStorage, FileSystemStorage, AppendOnlyStorage and
 * RedisStorage, each
 * compared with the plain StorageModel after every step and in full at the end.
 *
 * Reproduce a failure with the seed and path it prints:
 *   NADB_STORAGE_MODEL_SEED=<seed> NADB_STORAGE_MODEL_PATH=<path> NADB_STORAGE_MODEL_REPLAY=<replayPath> npx vitest run …
 * More runs: NADB_STORAGE_MODEL_RUNS=2000. One backend alone (a mutation run of that backend):
 * NADB_STORAGE_MODEL_BACKEND=RedisStorage.
 */
import fc from 'fast-check';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { compareCodeUnits } from '../../src/core/keyspace.js';
import { AppendOnlyStorage } from '../../src/storage/append-only.js';
import type { StorageBackend } from '../../src/storage/backend.js';
import { FileSystemStorage } from '../../src/storage/filesystem.js';
import { MemoryStorage } from '../../src/storage/memory.js';
import { RedisStorage } from '../../src/storage/redis.js';
import { modelReplay } from '../support/model-replay.js';
import { describeWithRedis } from '../support/redis-server.js';
import { expectStorageLikeModel, storageCommandsArb, type StorageUnderTest } from './storage-model/commands.js';
import { StorageModel } from './storage-model/model.js';

/** Enough runs to find an expiry that a backend keeps itself (it failed within 20 runs on Redis). */
const RUNS_DEFAULT = 60;

interface Opened {
  readonly real: StorageUnderTest;
  readonly cleanup: () => Promise<void>;
}

/** A way to open one stored dataset again and again; the property closes what it opened. */
function underTest(openAt: () => Promise<StorageBackend>, comparePaths: (a: string, b: string) => number, persistent: boolean): () => Promise<Opened> {
  return async () => {
    const real: StorageUnderTest = {
      storage: await openAt(),
      comparePaths,
      reopen: persistent
        ? async () => {
          await real.storage.close();
          return openAt();
        }
        : undefined,
    };
    return { real, cleanup: () => real.storage.close() };
  };
}

type Commands = Iterable<fc.AsyncCommand<StorageModel, StorageUnderTest, false>>;

const ONLY_BACKEND = process.env.NADB_STORAGE_MODEL_BACKEND;

const REPLAY = modelReplay<Commands>({ envPrefix: 'NADB_STORAGE_MODEL', testFile: 'test/property/storage-model.property.test.ts', runsDefault: RUNS_DEFAULT });

function modelProperty(name: string, open: () => Promise<Opened>): void {
  it.skipIf(ONLY_BACKEND !== undefined && ONLY_BACKEND !== name)(`${name} answers every request and read as the model does, before, at and after expiries`, async () => {
    await fc.assert(fc.asyncProperty(storageCommandsArb(REPLAY.replayPath), async (commands) => {
      const { real, cleanup } = await open();
      const model = new StorageModel();
      try {
        await fc.asyncModelRun(() => ({ model, real }), commands);
        await expectStorageLikeModel(real, model);
      } finally {
        await cleanup();
      }
    }), REPLAY.parameters);
  });
}

/** Redis' lex order: the bytes of UTF-8. */
function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Small enough that most runs rewrite the append-only file, some of them more than once. */
const AOF_REWRITE_MIN_BYTES = 2048;

describe('storage model: MemoryStorage, FileSystemStorage and AppendOnlyStorage', () => {
  modelProperty('MemoryStorage', underTest(async () => new MemoryStorage(), compareCodeUnits, false));

  let dirs = 0;
  const root = mkdtemp(join(tmpdir(), 'nadb-model-'));
  afterAll(async () => rm(await root, { recursive: true, force: true }));
  /** Opened in a directory of its own, removed with it. */
  const inDirectory = (openIn: (basePath: string) => Promise<StorageBackend>) => async (): Promise<Opened> => {
    const basePath = join(await root, String(++dirs));
    const opened = await underTest(() => openIn(basePath), compareCodeUnits, true)();
    return {
      real: opened.real,
      cleanup: async () => {
        await opened.cleanup();
        await rm(basePath, { recursive: true, force: true });
      },
    };
  };
  modelProperty('FileSystemStorage', inDirectory((basePath) => FileSystemStorage.open({ basePath })));
  modelProperty('AppendOnlyStorage', inDirectory((basePath) => AppendOnlyStorage.open({ basePath, rewriteMinBytes: AOF_REWRITE_MIN_BYTES })));
});

describeWithRedis('storage model: RedisStorage', (server) => {
  let prefixes = 0;
  modelProperty('RedisStorage', async () => {
    const keyPrefix = `model${++prefixes}`;
    return underTest(() => RedisStorage.open({ url: server().url, keyPrefix }), compareUtf8, true)();
  });
});
