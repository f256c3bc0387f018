/**
 * Whether an object can still be reached, asked of the garbage collector itself: a full collection,
 * then a look through a WeakRef. For tests of what a structure lets go of (a leak is invisible to
 * every other assertion). `--expose-gc` cannot be passed to vitest's workers, so the flag is set at
 * run time and `gc` taken from a new context, where V8 installs it once the flag is on.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const fullGc = runInNewContext('gc') as () => void;

/** A WeakRef to each of `objects`, taken now. */
export function watch(objects: readonly object[]): WeakRef<object>[] {
  return objects.map((object) => new WeakRef(object));
}

/**
 * How many of the watched objects survive a full collection. A WeakRef keeps its target alive
 * until the end of the job that made or read it, hence a turn of the event loop first.
 */
export async function survivors(refs: readonly WeakRef<object>[]): Promise<number> {
  await nextTurn();
  fullGc();
  return refs.filter((ref) => ref.deref() !== undefined).length;
}
