/**
 * The crash property, checked on a storage reopened after the kill: it holds the model's data
 * after the step its cursor names (none: the empty start), that step is no earlier than the last
 * one acknowledged durable and no later than the last one issued.
 */
import { compareCodeUnits, type Entry } from '../../src/core/keyspace.js';
import type { Cursor } from '../../src/core/storage-request.js';
import type { StorageBackend } from '../../src/storage/backend.js';
import { set } from '../support/ops.js';
import { differences, type Entries, type ModelHistory } from './model.js';
import type { Ack } from './protocol.js';
import { cursorOf, PATHS, type Step } from './steps.js';

/** Small pages, so a scan pages several times over the few paths. */
const SCAN_PAGE_ENTRIES = 2;
const SCAN_PAGE_BYTES = 1 << 30;
const RESYNC_PROBE = set('resync-probe', 'staged after the crash');

/** What the child got done before it died. */
export interface ChildOutcome {
  /** Its storage opened: steps were being issued. */
  readonly opened: boolean;
  readonly acks: readonly Ack[];
}

export interface StoredState {
  readonly cursor: Cursor | null;
  readonly entries: Entries;
  /** Where list(), read() and scan() disagree. */
  readonly inconsistencies: readonly string[];
}

/** Every way the storage shows its data: loadCursor, read of every path, list and scan. */
export async function readStored(storage: StorageBackend): Promise<StoredState> {
  const cursor = await storage.loadCursor();
  const entries = new Map<string, Entry>();
  for (const path of PATHS) {
    const entry = await storage.read(path);
    if (entry !== undefined) entries.set(path, entry);
  }
  const read = [...entries.keys()].sort(compareCodeUnits);
  const scanned = await scanAll(storage);
  const inconsistencies = [
    ...pathsMismatch('list()', await storage.list(), read),
    ...pathsMismatch('scan()', scanned.map((entry) => entry.path), read),
    ...differences(new Map(scanned.map((entry) => [entry.path, entry])), entries).map((line) => `scan() and read() differ at ${line}`),
  ];
  return { cursor, entries, inconsistencies };
}

/**
 * Every way the stored state breaks the property, one line each; none when it holds. Staged data
 * is never live before its commit: a kill mid-resync must leave the data the cursor names.
 */
export function judge(steps: readonly Step[], history: ModelHistory, outcome: ChildOutcome, stored: StoredState): string[] {
  const lastAcked = outcome.acks.at(-1)?.step ?? -1;
  const lastIssued = outcome.opened ? Math.min(lastAcked + 1, steps.length - 1) : -1;
  const problems = [...stored.inconsistencies];
  // Calls that persist a cursor report durability, and every setup here must be durable.
  const undurable = outcome.acks.filter((ack) => ack.durable === false).map((ack) => ack.step);
  if (undurable.length > 0) problems.push(`steps ${undurable.join(', ')} were acknowledged with durable: false, in a setup that must be durable`);
  const named = namedStep(steps, stored.cursor);
  if (named === undefined) return [...problems, `the cursor ${JSON.stringify(stored.cursor)} names no step that persists it`];
  const durableFloor = Math.max(-1, ...outcome.acks.filter((ack) => ack.durable === true).map((ack) => ack.step));
  const at = named < 0 ? 'the start (no cursor)' : `step ${named}, which the cursor names`;
  if (named < durableFloor) problems.push(`the data is at ${at}, but step ${durableFloor} was acknowledged durable: acknowledged data lost`);
  if (named > lastIssued) problems.push(`the data is at ${at}, but the last step issued was ${lastIssued}`);
  const wrong = differences(stored.entries, history.liveAfter(named));
  if (wrong.length > 0) {
    problems.push(`the data is not the model's at ${at}; it equals the model ${history.diagnose(stored.entries, lastIssued)}`);
    problems.push(...wrong.map((line) => `  ${line}`));
  }
  return problems;
}

/**
 * A resync begun after the crash holds only what it stages: whatever staging the crash
 * interrupted is discarded, not leaked into the next commit.
 */
export async function resyncAfterCrash(storage: StorageBackend, steps: readonly Step[]): Promise<string[]> {
  await storage.stageBegin();
  await storage.stageApply([RESYNC_PROBE]);
  await storage.stageCommit({ replicationId: 'after-the-crash', sequence: steps.length });
  const listed = await storage.list();
  return listed.join('\n') === RESYNC_PROBE.path ? [] : [`a resync staging only ${RESYNC_PROBE.path} after the crash committed [${listed.join(', ')}]`];
}

/** The index of the step whose cursor this is; -1 for no cursor; undefined when none persists it. */
function namedStep(steps: readonly Step[], cursor: Cursor | null): number | undefined {
  if (cursor === null) return -1;
  const step = steps[cursor.sequence];
  const persisted = step === undefined ? undefined : cursorOf(step);
  const same = persisted !== undefined && persisted.replicationId === cursor.replicationId && persisted.sequence === cursor.sequence;
  return same ? cursor.sequence : undefined;
}

function pathsMismatch(call: string, got: readonly string[], read: readonly string[]): string[] {
  return got.join('\n') === read.join('\n') ? [] : [`${call} gives [${got.join(', ')}] where read() finds [${read.join(', ')}]`];
}

async function scanAll(storage: StorageBackend): Promise<Entry[]> {
  const entries: Entry[] = [];
  for (let afterPath: string | null = null, done = false; !done;) {
    const page = await storage.scan({ afterPath, entriesMax: SCAN_PAGE_ENTRIES, bytesMax: SCAN_PAGE_BYTES });
    entries.push(...page.entries);
    afterPath = page.entries.at(-1)?.path ?? afterPath;
    done = page.done;
  }
  return entries;
}
