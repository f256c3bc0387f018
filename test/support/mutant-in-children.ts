/**
 * A setup file of `vitest.mutate.config.ts`: the processes a test spawns (the SIGKILL crash tests'
 * children) import the same instrumented sources, but Stryker's vitest runner tells only this
 * process which mutant is active. The instrumented code also reads it from the environment, which
 * children inherit; without it they would run the original code.
 */
import { beforeEach } from 'vitest';

const ACTIVE_MUTANT_ENV = '__STRYKER_ACTIVE_MUTANT__';

beforeEach(() => {
  const active = (globalThis as { __stryker__?: { activeMutant?: string | number } }).__stryker__?.activeMutant;
  if (active === undefined) delete process.env[ACTIVE_MUTANT_ENV];
  else process.env[ACTIVE_MUTANT_ENV] = String(active);
});
