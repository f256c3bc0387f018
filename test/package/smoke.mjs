// Run by test/package/install.test.ts inside a project that installed the packed tarball: plain
// JavaScript, the package's own names, fast-check not installed.
import { MemoryStorage, NetworkSyncBackend } from 'nadb-replication';
import { runSimulation, swarmOptions } from 'nadb-replication/sim';

const primary = await NetworkSyncBackend.create({ baseBackend: new MemoryStorage(), mode: 'primary', config: { listenHost: '127.0.0.1', listenPort: 0 } });
const secondary = await NetworkSyncBackend.create({
  baseBackend: new MemoryStorage(),
  mode: 'secondary',
  config: { primaryHost: '127.0.0.1', primaryPort: primary.listenPort },
});
// Resolves once the secondary has applied the write: no sleeping, no polling.
await primary.writeData('hello', 'from the tarball', { minReplicas: 1, acknowledged: 'applied' });
const replicated = (await secondary.readData('hello'))?.toString();
await secondary.close();
await primary.close();

const simulated = runSimulation(swarmOptions(7, { operations: 20 }));
const arbitraries = await import('nadb-replication/sim/arbitraries').then(
  () => 'loaded',
  (error) => `${error.code}: ${error.message}`,
);
console.log(JSON.stringify({ replicated, verdict: simulated.verdict, arbitraries }));
