/**
 * A crash run's child: opens the storage, executes the seed's steps in order, awaiting each, and
 * acknowledges each on stdout, until the test kills it (or it runs out of steps).
 *
 *   node --import tsx test/crash/child.ts SEED STEP_COUNT TARGET_JSON
 */
import type { StorageBackend } from '../../src/storage/backend.js';
import { ackLine, OPENED_LINE } from './protocol.js';
import { generateSteps, type Step } from './steps.js';
import { openTarget, type StorageTarget } from './target.js';

async function main(args: readonly string[]): Promise<void> {
  const [seed, stepCount, targetJson] = args;
  if (seed === undefined || stepCount === undefined || targetJson === undefined) throw new Error('usage: child.ts SEED STEP_COUNT TARGET_JSON');
  const steps = generateSteps(Number(seed), Number(stepCount));
  const storage = await openTarget(JSON.parse(targetJson) as StorageTarget);
  report(OPENED_LINE);
  for (const [index, step] of steps.entries()) report(ackLine({ step: index, durable: await execute(storage, step) }));
  await storage.close();
}

async function execute(storage: StorageBackend, step: Step): Promise<boolean | null> {
  switch (step.kind) {
    case 'apply':
      return (await storage.apply(step.operations, step.cursor)).durable;
    case 'stageBegin':
      await storage.stageBegin();
      return null;
    case 'stageApply':
      await storage.stageApply(step.operations);
      return null;
    case 'stageCommit':
      return (await storage.stageCommit(step.cursor)).durable;
  }
}

function report(line: string): void {
  process.stdout.write(`${line}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  // The test tells an expected failure (its Redis server killed) from a bug by the exit code.
  process.stderr.write(`crash child: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
