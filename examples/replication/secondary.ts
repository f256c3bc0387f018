/**
 * Step 2 of the seed's Quick start: a read-only secondary on its own data directory. Run it with
 * `npx tsx examples/replication/secondary.ts` while primary.ts runs. PRIMARY_HOST, PRIMARY_PORT
 * and DATA_DIR override the defaults. Outside this repository, import from 'nadb-replication'.
 */
import { FileSystemStorage, NetworkSyncBackend, ReadOnlyError } from '../../src/index.js';

// Create base storage backend (separate data directory)
const baseBackend = await FileSystemStorage.open({ basePath: process.env.DATA_DIR ?? './data_secondary' });

// Configure replication (secondary mode)
const replicationConfig = {
  mode: 'secondary',
  primaryHost: process.env.PRIMARY_HOST ?? '127.0.0.1',
  primaryPort: Number(process.env.PRIMARY_PORT ?? 9000),
} as const;

// Create network sync backend: it resolves once the secondary holds the primary's data
const networkBackend = await NetworkSyncBackend.create({
  baseBackend,
  mode: 'secondary',
  config: replicationConfig,
});

// Read data (served from local replica)
const data = await networkBackend.readData('path/to/data');
console.log(`read path/to/data: ${data?.toString() ?? '(missing)'}`);

// Writes will be rejected
try {
  await networkBackend.writeData('path', Buffer.from('data'));
} catch (error) {
  if (!(error instanceof ReadOnlyError)) throw error;
  console.log('Cannot write to read-only replica!');
}

await networkBackend.close();
