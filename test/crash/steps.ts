/**
 * The work a crash run gives a storage backend, drawn from a seed: the child process executes it
 * and the test replays it on the model, so both derive the same steps from the seed alone.
 */
import type { Operation, SetOperation } from '../../src/core/operation.js';
import type { Cursor } from '../../src/core/storage-request.js';
import { Prng } from '../../sim/prng.js';

export type Step =
  | { readonly kind: 'apply'; readonly operations: readonly Operation[]; readonly cursor: Cursor }
  | { readonly kind: 'stageBegin' }
  | { readonly kind: 'stageApply'; readonly operations: readonly Operation[] }
  | { readonly kind: 'stageCommit'; readonly cursor: Cursor };

/**
 * Few paths, so operations collide, nested so directories are made and pruned, and some the
 * directory of others (`e`, `e/f`, `b`), so that entries move in and out of directories.
 */
export const PATHS = ['a', 'b', 'b/c', 'b/d', 'e', 'e/f', 'e/f/g', 'e/f/h', 'e/i', 'j'];
const KEYS = ['k1', 'k2'];
const DBS = ['d1', 'd2'];
const NAMESPACES = ['n1', 'n2'];
const TAGS = ['t1', 't2', 't3'];
const TAGS_MAX = 3;
/** 2100-01-01: nothing expires while a run lasts, so no backend hides or drops an entry. */
const FAR_FUTURE_MS = 4_102_444_800_000;
const EXPIRIES_MS = [null, FAR_FUTURE_MS, FAR_FUTURE_MS + 1];
export const BATCH_OPERATIONS_MAX = 50;
/** A full resync starts at this share of the steps (one in N). */
const RESYNC_ONE_IN = 5;
const STAGE_APPLIES_MAX = 3;

/** Value sizes: some tens of KB, so a batch takes long enough for a kill to land inside it. */
const VALUE_SIZES: readonly { readonly weight: number; readonly bytesMin: number; readonly bytesMax: number }[] = [
  { weight: 1, bytesMin: 0, bytesMax: 0 },
  { weight: 4, bytesMin: 1, bytesMax: 64 },
  { weight: 2, bytesMin: 256, bytesMax: 4_096 },
  { weight: 2, bytesMin: 16_384, bytesMax: 65_536 },
];

const OPERATION_WEIGHTS: readonly { readonly weight: number; readonly draw: (random: Prng) => Operation }[] = [
  { weight: 10, draw: drawSet },
  { weight: 3, draw: (random) => ({ type: 'DELETE', path: pick(random, PATHS) }) },
  { weight: 2, draw: (random) => ({ type: 'SET_TTL', path: pick(random, PATHS), expiresAtMs: pick(random, EXPIRIES_MS) }) },
  { weight: 2, draw: (random) => ({ type: 'METADATA', path: pick(random, PATHS), tags: drawTags(random) }) },
  { weight: 1, draw: (random) => ({ type: 'FLUSH', db: pick(random, [null, ...DBS]), namespace: pick(random, [null, ...NAMESPACES]) }) },
];

/** `stepCount` steps; cursors name their step (sequence = index), a resync starts a new history. */
export function generateSteps(seed: number, stepCount: number): Step[] {
  const random = new Prng(seed);
  const steps: Step[] = [];
  let history = 0;
  const cursorHere = (): Cursor => ({ replicationId: `seed-${seed}-history-${history}`, sequence: steps.length });
  while (steps.length < stepCount) {
    if (random.below(RESYNC_ONE_IN) === 0) {
      steps.push({ kind: 'stageBegin' });
      const applies = 1 + random.below(STAGE_APPLIES_MAX);
      for (let i = 0; i < applies; i += 1) steps.push({ kind: 'stageApply', operations: drawBatch(random) });
      history += 1;
      steps.push({ kind: 'stageCommit', cursor: cursorHere() });
    } else {
      steps.push({ kind: 'apply', operations: drawBatch(random), cursor: cursorHere() });
    }
  }
  return steps.slice(0, stepCount);
}

/** The cursor a step persists, or undefined for steps that persist none. */
export function cursorOf(step: Step): Cursor | undefined {
  return step.kind === 'apply' || step.kind === 'stageCommit' ? step.cursor : undefined;
}

function drawBatch(random: Prng): Operation[] {
  const length = 1 + random.below(BATCH_OPERATIONS_MAX);
  return Array.from({ length }, () => weighted(random, OPERATION_WEIGHTS).draw(random));
}

function drawSet(random: Prng): SetOperation {
  return {
    type: 'SET',
    path: pick(random, PATHS),
    key: pick(random, KEYS),
    value: drawValue(random),
    db: pick(random, DBS),
    namespace: pick(random, NAMESPACES),
    tags: drawTags(random),
    expiresAtMs: pick(random, EXPIRIES_MS),
  };
}

/** Random bytes, so a value torn or swapped with another is told apart. */
function drawValue(random: Prng): Uint8Array {
  const { bytesMin, bytesMax } = weighted(random, VALUE_SIZES);
  const value = new Uint8Array(bytesMin + random.below(bytesMax - bytesMin + 1));
  for (let i = 0; i < value.length; i += 1) value[i] = random.below(256);
  return value;
}

function drawTags(random: Prng): string[] {
  return Array.from({ length: random.below(TAGS_MAX + 1) }, () => pick(random, TAGS));
}

export function pick<T>(random: Prng, choices: readonly T[]): T {
  const choice = choices[random.below(choices.length)];
  if (choice === undefined) throw new Error('pick from no choices');
  return choice;
}

export function weighted<T extends { readonly weight: number }>(random: Prng, choices: readonly T[]): T {
  let roll = random.below(choices.reduce((total, choice) => total + choice.weight, 0));
  for (const choice of choices) {
    roll -= choice.weight;
    if (roll < 0) return choice;
  }
  throw new Error('weighted pick from no choices');
}
