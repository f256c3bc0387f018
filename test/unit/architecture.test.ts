import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function ruleIdsFor(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((message) => message.ruleId ?? 'fatal');
}

describe('architecture rules are lint rules', () => {
  const forbiddenInCore: [string, string][] = [
    ["import { connect } from 'node:net';\nexport const c = connect;", 'no-restricted-imports'],
    ["import { readFileSync } from 'fs';\nexport const r = readFileSync;", 'no-restricted-imports'],
    ['export const now = Date.now();', 'no-restricted-properties'],
    ['export const d = new Date();', 'no-restricted-globals'],
    ['export const r = Math.random();', 'no-restricted-properties'],
    ['export const t = setTimeout(() => undefined, 1);', 'no-restricted-globals'],
    ['export const i = setInterval(() => undefined, 1);', 'no-restricted-globals'],
    ['export const s = setImmediate(() => undefined);', 'no-restricted-globals'],
    ['export const p = performance.now();', 'no-restricted-globals'],
    ['export const h = process.hrtime();', 'no-restricted-globals'],
    ["import { Cluster } from '../../sim/cluster.js';\nexport const c = Cluster;", 'no-restricted-imports'],
  ];

  it.each(forbiddenInCore)('src/core refuses: %s', async (code, ruleId) => {
    expect(await ruleIdsFor(code, 'src/core/example.ts')).toContain(ruleId);
  });

  it('the same determinism rules hold in sim/', async () => {
    expect(await ruleIdsFor('export const r = Math.random();', 'sim/example.ts')).toContain('no-restricted-properties');
    expect(await ruleIdsFor('export const now = Date.now();', 'sim/example.ts')).toContain('no-restricted-properties');
  });

  it('nothing in src/ imports sim/, chaos/ or test/', async () => {
    expect(await ruleIdsFor("import { Cluster } from '../../sim/cluster.js';\nexport const c = Cluster;", 'src/runtime/example.ts')).toContain('no-restricted-imports');
    expect(await ruleIdsFor("import { x } from '../chaos/x.js';\nexport const y = x;", 'src/example.ts')).toContain('no-restricted-imports');
  });

  it('src/storage imports neither the runtime nor the CLI', async () => {
    expect(await ruleIdsFor("import { x } from '../runtime/x.js';\nexport const y = x;", 'src/storage/example.ts')).toContain('no-restricted-imports');
    expect(await ruleIdsFor("import { x } from '../../cli/x.js';\nexport const y = x;", 'src/storage/redis/example.ts')).toContain('no-restricted-imports');
    expect(await ruleIdsFor("import { Cluster } from '../../sim/cluster.js';\nexport const c = Cluster;", 'src/storage/example.ts')).toContain('no-restricted-imports');
  });

  it('plain deterministic code passes', async () => {
    expect(await ruleIdsFor('export const double = (n: number): number => n * 2;', 'src/core/example.ts')).toEqual([]);
  });
});
