import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeFrameBody } from '../../../../src/core/codec/decode.js';
import { encodeFrame } from '../../../../src/core/codec/encode.js';
import { DEFAULT_LIMITS } from '../../../../src/core/limits.js';

// The protocol document's examples are wire bodies: they must stay exactly what the code does.
const doc = readFileSync(new URL('../../../../docs/PROTOCOL.md', import.meta.url), 'utf8');
const exampleBodies = doc.split('\n').filter((line) => line.startsWith('{"type":'));

describe('docs/PROTOCOL.md', () => {
  it('has an example of every frame type', () => {
    const types = new Set(exampleBodies.map((line) => (JSON.parse(line) as { type: string }).type));
    expect([...types].sort()).toEqual([
      'ACK', 'AUTH', 'BATCH', 'CHALLENGE', 'DELETE', 'ERROR', 'FLUSH', 'HEARTBEAT', 'HELLO', 'METADATA', 'SET', 'SET_TTL', 'SNAPSHOT_CHUNK',
      'SNAPSHOT_END', 'SYNC_REQUEST', 'SYNC_RESPONSE', 'WELCOME',
    ]);
  });

  it.each(exampleBodies.map((line) => [line.slice(9, 30), line]))('example %s decodes and re-encodes to the same bytes', (_type, line) => {
    const body = new TextEncoder().encode(line);
    const { frame } = decodeFrameBody(body, DEFAULT_LIMITS);
    expect(new TextDecoder().decode(encodeFrame(frame, DEFAULT_LIMITS).bytes.subarray(4))).toBe(line);
  });

  it('states the worked example\'s canonical form and checksum correctly', () => {
    const canonical = doc.split('\n').find((line) => line.startsWith('{"data":{"_value_encoded":true'))!;
    const hash = createHash('sha256').update(canonical).digest('hex');
    expect(hash).toBe('5efaf764bfaf3c8c2b5939cf09bb85ccebc846bf16208e2529e2df103db90fc1');
    expect(doc).toContain(`has this canonical form (one line, ${canonical.length} characters)`);
    expect(doc).toContain(`\n${hash}\n`);
  });
});
