/**
 * The steps replayed on Keyspace (the semantics every backend implements): the live data after
 * each step, which a storage reopened after a crash must equal at the step its cursor names.
 */
import { createHash } from 'node:crypto';
import { Keyspace, type Entry } from '../../src/core/keyspace.js';
import type { Step } from './steps.js';

/** Stored or modelled data, by path. */
export type Entries = ReadonlyMap<string, Entry>;

const VALUE_DIGEST_CHARS = 8;
/** A diagnosis names this many matching states at most. */
const MATCHES_MAX = 3;

/** The live data after each step; step -1 is before the first (an empty keyspace). */
export class ModelHistory {
  private readonly liveAfterSteps: Entries[] = [];

  constructor(private readonly steps: readonly Step[]) {
    replay(steps, (_, live) => this.liveAfterSteps.push(entriesOf(live)), () => undefined);
  }

  liveAfter(step: number): Entries {
    return step < 0 ? new Map() : (this.liveAfterSteps[step] ?? fail(`no step ${step}`));
  }

  /**
   * When the live data, replayed operation by operation through step `upToStep`, equals `stored`
   * ("after step 3", "after 2 of the 9 operations of step 4 (apply)"): how a storage that is not
   * at the step its cursor names got where it is.
   */
  diagnose(stored: Entries, upToStep: number): string {
    const matches: string[] = [];
    const consider = (label: string, live: Keyspace): void => {
      if (matches.length < MATCHES_MAX && differences(stored, entriesOf(live)).length === 0) matches.push(label);
    };
    consider('before step 0', new Keyspace());
    replay(this.steps.slice(0, upToStep + 1), (step, live) => consider(`after step ${step}`, live), (step, done, total, live) => {
      if (done < total) consider(`after ${done} of the ${total} operations of step ${step} (apply)`, live);
    });
    return matches.length === 0 ? `at no point up to step ${upToStep}, even mid-apply` : matches.join('; ');
  }
}

/** What differs between stored and modelled entries, one line per path. */
export function differences(stored: Entries, model: Entries): string[] {
  const paths = [...new Set([...stored.keys(), ...model.keys()])].sort();
  return paths.flatMap((path) => {
    const [got, want] = [stored.get(path), model.get(path)];
    if (got !== undefined && want !== undefined && sameEntry(got, want)) return [];
    return [`${path}: stored ${describeEntry(got)}, model ${describeEntry(want)}`];
  });
}

export function entriesOf(keyspace: Keyspace): Entries {
  return new Map([...keyspace.values()].map((entry) => [entry.path, entry]));
}

/**
 * Replays `steps`: `afterStep` sees the live keyspace after each step, `afterOperation` after each
 * operation of an apply (the keyspace is live and mutable: copy what is kept).
 */
function replay(
  steps: readonly Step[],
  afterStep: (step: number, live: Keyspace) => void,
  afterOperation: (step: number, done: number, total: number, live: Keyspace) => void,
): void {
  let live = new Keyspace();
  let staging = new Keyspace();
  for (const [index, step] of steps.entries()) {
    switch (step.kind) {
      case 'apply':
        step.operations.forEach((op, done) => {
          live.apply(op);
          afterOperation(index, done + 1, step.operations.length, live);
        });
        break;
      case 'stageBegin':
        staging = new Keyspace();
        break;
      case 'stageApply':
        for (const op of step.operations) staging.apply(op);
        break;
      case 'stageCommit':
        live = staging;
        staging = new Keyspace();
        break;
    }
    afterStep(index, live);
  }
}

function sameEntry(a: Entry, b: Entry): boolean {
  return a.path === b.path && a.key === b.key && a.db === b.db && a.namespace === b.namespace
    && a.expiresAtMs === b.expiresAtMs && a.tags.length === b.tags.length && a.tags.every((tag, index) => tag === b.tags[index])
    && Buffer.from(a.value).equals(Buffer.from(b.value));
}

/** Short enough for a failure message, exact enough to tell two versions of an entry apart. */
function describeEntry(entry: Entry | undefined): string {
  if (entry === undefined) return 'absent';
  const digest = createHash('sha256').update(entry.value).digest('hex').slice(0, VALUE_DIGEST_CHARS);
  return `{${entry.key} ${entry.db}/${entry.namespace} tags [${entry.tags.join(',')}] expires ${entry.expiresAtMs ?? 'never'} `
    + `${entry.value.length} B sha256 ${digest}}`;
}

function fail(message: string): never {
  throw new Error(message);
}
