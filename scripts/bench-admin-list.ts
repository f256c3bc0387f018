/**
 * What one `GET /list` costs a primary on MemoryStorage holding many keys: the wall time and the
 * CPU time of this process (server and client are both in it) per request, by prefix (every key,
 * and a prefix matching a tenth of them) and by tag (half of them). The answer holds at most
 * adminListPathsMax (10,000) paths either way. A benchmark to read, not a test.
 *
 *   npm run bench:admin-list -- [--keys 1000000] [--requests 5]
 */
import { request } from 'node:http';
import { parseArgs } from 'node:util';
import { NetworkSyncBackend } from '../src/runtime/network-sync-backend.js';
import { MemoryStorage } from '../src/storage/memory.js';
import type { SetOperation } from '../src/core/operation.js';

const FILL_BATCH_ENTRIES = 10_000;
/** A prime: index * stride modulo the key count visits every index once (for counts it does not divide). */
const SCATTER_STRIDE = 7_919;
const MICROS_PER_MS = 1000;

const { values } = parseArgs({ options: { keys: { type: 'string', default: '1000000' }, requests: { type: 'string', default: '5' } } });
const keys = Number(values.keys);
const requests = Number(values.requests);

const storage = new MemoryStorage();
const value = new Uint8Array([118]);
for (let start = 0; start < keys; start += FILL_BATCH_ENTRIES) {
  const batch: SetOperation[] = [];
  for (let index = start; index < Math.min(keys, start + FILL_BATCH_ENTRIES); index += 1) {
    // Stored in a scattered order, as keys written over time are: none sorts an already sorted list.
    const path = `k/${String((index * SCATTER_STRIDE) % keys).padStart(7, '0')}`;
    batch.push({ type: 'SET', path, key: path, value, db: 'db', namespace: 'ns', tags: index % 2 === 0 ? ['even'] : [], expiresAtMs: null });
  }
  await storage.apply(batch, null);
}
const node = await NetworkSyncBackend.create({ baseBackend: storage, mode: 'primary', config: { listenHost: '127.0.0.1', listenPort: 0, adminPort: 0 } });

for (const query of ['prefix=', 'prefix=k%2F05', 'tag=even']) {
  let paths = 0;
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  for (let done = 0; done < requests; done += 1) paths = (JSON.parse(await get(node.adminPort ?? 0, `/list?${query}`)) as { paths: string[] }).paths.length;
  const wallMs = (performance.now() - wallStart) / requests;
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / MICROS_PER_MS / requests;
  console.log(`/list?${query}: ${paths} paths answered, ${wallMs.toFixed(1)} ms wall, ${cpuMs.toFixed(1)} ms CPU per request (${keys} keys, ${requests} requests)`);
}
await node.close();

function get(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve(body));
    })
      .on('error', reject)
      .end();
  });
}
