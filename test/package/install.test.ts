import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The package as a user gets it: `npm pack` (which builds dist/ on prepack), the tarball installed
 * into an empty project, both entry points imported from plain JavaScript, both bins run. The
 * install is offline: the project gets a lockfile made from ours, so npm takes every dependency
 * from the cache that `npm ci` filled and never asks a registry.
 */
const execFileAsync = promisify(execFile);
/**
 * npm run under `npm test` passes its settings down as npm_* variables (npm_config_local_prefix
 * names this repository): the children get none of them, so the empty project is theirs alone.
 */
const CLEAN_ENV = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')));

function run(file: string, args: readonly string[], options: { cwd?: string } = {}): Promise<{ stdout: string; stderr: string }> {
  return execFileAsync(file, [...args], { ...options, env: CLEAN_ENV });
}
const ROOT = new URL('../..', import.meta.url).pathname;
// Packing builds the whole project: minutes on a busy 2-core machine, not seconds.
const SLOW_MS = 300_000;

let project = '';

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'nadb-package-'));
  const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', project], { cwd: ROOT });
  const tarball = stdout.trim().split('\n').at(-1) ?? '';
  writeInstallable(project, `file:${tarball}`);
  copyFileSync(join(ROOT, 'test/package/smoke.mjs'), join(project, 'smoke.mjs'));
  await run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], { cwd: project });
}, SLOW_MS);

afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('the packed package, installed', () => {
  it('ships the build, the bins and the licence, and no sources', async () => {
    const { stdout } = await run('tar', ['-tzf', join(project, installedTarball())]);
    const files = stdout.split('\n');
    for (const file of ['package/LICENSE', 'package/bin/nadb-sim.js', 'package/dist/src/index.js', 'package/dist/sim/index.js', 'package/dist/sim/arbitraries.js']) expect(files).toContain(file);
    expect(files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
  });

  it('imports both entry points from a plain .mjs and replicates a write, without fast-check', async () => {
    const { stdout } = await run('node', ['smoke.mjs'], { cwd: project });
    const result = JSON.parse(stdout) as { replicated: string; verdict: string; arbitraries: string };
    expect(result.replicated).toBe('from the tarball');
    expect(result.verdict).toBe('pass');
    // Only the arbitraries need the optional peer.
    expect(result.arbitraries).toMatch(/^ERR_MODULE_NOT_FOUND: .*'fast-check'/);
  }, SLOW_MS);

  it('runs nadb-sim from the installed bin', async () => {
    const { stdout } = await run('npx', ['nadb-sim', 'run', '--seed', '7'], { cwd: project });
    expect(stdout).toMatch(/^verdict {3}PASS$/m);
  }, SLOW_MS);

  it('runs nadb-repl from the installed bin', async () => {
    const { stdout } = await run('npx', ['nadb-repl', '--help'], { cwd: project });
    expect(stdout).toMatch(/^usage:\n {2}nadb-repl primary/);
  }, SLOW_MS);
});

/** A package.json and a lockfile naming our production dependencies exactly as our lockfile does. */
function writeInstallable(dir: string, tarball: string): void {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; [key: string]: unknown }> };
  const own = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  const production = Object.entries(lock.packages).filter(([path, entry]) => path !== '' && entry.dev !== true);
  const installed = { version: own.version, resolved: tarball, dependencies: own.dependencies, bin: own.bin, peerDependencies: own.peerDependencies, peerDependenciesMeta: own.peerDependenciesMeta };
  const manifest = { name: 'nadb-package-test', version: '1.0.0', private: true, type: 'module', dependencies: { 'nadb-replication': tarball } };
  const lockfile = { ...manifest, lockfileVersion: 3, requires: true, packages: { '': manifest, 'node_modules/nadb-replication': installed, ...Object.fromEntries(production) } };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(lockfile, null, 2));
}

function installedTarball(): string {
  const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  return (manifest.dependencies['nadb-replication'] ?? '').replace(/^file:/, '');
}
