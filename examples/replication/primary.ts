/**
 * Step 1 of the seed's Quick start: a primary on the filesystem that replicates a write, then
 * serves its secondaries until Ctrl-C. Run it with `npx tsx examples/replication/primary.ts`.
 * LISTEN_HOST, LISTEN_PORT and DATA_DIR override the defaults (the tests run it on loopback).
 * Outside this repository, import from 'nadb-replication' instead of '../../src/index.js'.
 */
import { FileSystemStorage, NetworkSyncBackend } from '../../src/index.js';

// Create base storage backend
const baseBackend = await FileSystemStorage.open({ basePath: process.env.DATA_DIR ?? './data_primary' });

// Configure replication (primary mode)
const replicationConfig = {
  mode: 'primary',
  listenHost: process.env.LISTEN_HOST ?? '0.0.0.0', // Listen on all interfaces
  listenPort: Number(process.env.LISTEN_PORT ?? 9000),
  heartbeatInterval: 5,
  maxOperationLog: 10000,
} as const;

// Create network sync backend
const networkBackend = await NetworkSyncBackend.create({
  baseBackend,
  mode: 'primary',
  config: replicationConfig,
});

// Set database context
networkBackend.setContext({ db: 'mydb', namespace: 'production' });

// Write data (will be replicated); it resolves once the primary's storage holds it
await networkBackend.writeWithReplication({
  relativePath: 'path/to/data',
  data: Buffer.from('my data'),
  key: 'my_key',
  tags: ['tag1', 'tag2'],
});
console.log(`primary listening on ${replicationConfig.listenHost}:${networkBackend.listenPort}; wrote path/to/data`);

// Serve secondaries until interrupted, then shut down cleanly.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void networkBackend.close().then(() => console.log('primary closed'));
  });
}
