import type fc from 'fast-check';
import { setTimeout as sleep } from 'node:timers/promises';

/** A model-based test's command for wall-clock time passing: expiries set earlier fall due. */
export class WaitCommand<Model extends object, Real> implements fc.AsyncCommand<Model, Real, false> {
  constructor(private readonly waitMs: number) {}

  check(): boolean {
    return true;
  }

  async run(): Promise<void> {
    await sleep(this.waitMs);
  }

  toString(): string {
    return `wait(${this.waitMs} ms)`;
  }
}
