/**
 * One crash run: the child executes a seed's steps on real storage, something is SIGKILLed at a
 * kill point drawn from the seed, the storage is reopened here and checked against the model.
 */
import type { ChildProcess } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { onTestFinished } from 'vitest';
import type { StorageBackend } from '../../src/storage/backend.js';
import { Prng } from '../../sim/prng.js';
import { spawnScript } from '../runtime/support/child.js';
import { judge, readStored, resyncAfterCrash, type ChildOutcome } from './check.js';
import { ModelHistory } from './model.js';
import { OPENED_LINE, parseAck, type Ack } from './protocol.js';
import { generateSteps, pick, weighted, type Step } from './steps.js';
import { openTarget, type StorageTarget } from './target.js';

const CHILD_SCRIPT = 'test/crash/child.ts';
/** Kill points come from their own stream, so changing how they are drawn keeps the steps. */
const KILL_STREAM_SALT = 0x6b11_1000;
/** Seeds run when neither NADB_CRASH_SEED nor NADB_CRASH_SEEDS says otherwise. */
const DEFAULT_SEED_COUNT = 8;
/** How a landing inside a call starts: `mid apply`, `mid stageCommit`... */
const MID_CALL = 'mid ';
/**
 * How often a kill aims at each kind of call: applies are most of the work, commits are few yet
 * where a crash hurts most.
 */
const AIM_WEIGHTS: Readonly<Record<Step['kind'], number>> = { apply: 3, stageBegin: 1, stageApply: 1, stageCommit: 2 };

export interface CrashScenario {
  /** What `crash` kills, for messages. */
  readonly victim: string;
  /** The test file, for the command that reproduces a failure. */
  readonly testFile: string;
  readonly target: StorageTarget;
  readonly stepCount: number;
  /** The kill lands up to this long after an acknowledgement: about one step's duration. */
  readonly killDelayMaxMs: number;
  /** Kills the victim; the child is SIGKILLed after it either way. */
  readonly crash: (child: ChildRun) => Promise<void>;
  /** Once everything killed is dead, before the storage is reopened. */
  readonly recover: () => Promise<void>;
}

/** Kill once step `afterStep` is acknowledged (-1: once the storage is open), `delayMs` later. */
export interface KillPoint {
  readonly afterStep: number;
  readonly delayMs: number;
}

/** The seeds to run: NADB_CRASH_SEED=S runs S alone, NADB_CRASH_SEEDS=N runs 1..N. */
export function crashSeeds(): number[] {
  const { NADB_CRASH_SEED: one, NADB_CRASH_SEEDS: count } = process.env;
  if (one !== undefined) return [integerFrom('NADB_CRASH_SEED', one)];
  const seedCount = count === undefined ? DEFAULT_SEED_COUNT : integerFrom('NADB_CRASH_SEEDS', count);
  return Array.from({ length: seedCount }, (_, index) => index + 1);
}

/** The child process of a run, and what it has reported on stdout. */
export class ChildRun {
  private readonly acks: Ack[] = [];
  private opened = false;
  private stderr = '';
  private readonly progress = new EventEmitter();
  private readonly child: ChildProcess;
  private readonly closed: Promise<void>;

  constructor(seed: number, scenario: CrashScenario) {
    this.child = spawnScript(CHILD_SCRIPT, [String(seed), String(scenario.stepCount), JSON.stringify(scenario.target)]);
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    if (this.child.stdout !== null) createInterface({ input: this.child.stdout }).on('line', (line) => this.onLine(line));
    // 'close', not 'exit': stdout is read to its end, so no acknowledgement is missed.
    this.closed = new Promise((resolve) => this.child.once('close', () => {
      this.progress.emit('progress');
      resolve();
    }));
  }

  /** Resolves once `step` is acknowledged (-1: once the storage is open), or the child has ended. */
  async reached(step: number): Promise<void> {
    while (!this.ended() && !this.hasReached(step)) await once(this.progress, 'progress');
  }

  /** Why the child ended by itself with a failure, or undefined while it runs or when it succeeded. */
  failure(): string | undefined {
    const { exitCode } = this.child;
    return exitCode === null || exitCode === 0 ? undefined : `the child exited with code ${exitCode}: ${this.stderr}`;
  }

  async kill(): Promise<void> {
    if (!this.ended()) this.child.kill('SIGKILL');
    await this.closed;
  }

  outcome(): ChildOutcome {
    return { opened: this.opened, acks: [...this.acks] };
  }

  private hasReached(step: number): boolean {
    return step < 0 ? this.opened : (this.acks.at(-1)?.step ?? -1) >= step;
  }

  private ended(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  private onLine(line: string): void {
    const ack = parseAck(line);
    if (ack !== undefined) this.acks.push(ack);
    else if (line === OPENED_LINE) this.opened = true;
    this.progress.emit('progress');
  }
}

/** Where the kills of a suite landed: the proof that they land mid-call. */
export class KillTally {
  private readonly landings = new Map<string, number>();

  constructor(private readonly suite: string) {}

  record(landing: string): void {
    this.landings.set(landing, (this.landings.get(landing) ?? 0) + 1);
  }

  summary(): string {
    const counted = [...this.landings].sort(([a], [b]) => (a < b ? -1 : 1));
    const total = counted.reduce((sum, [, count]) => sum + count, 0);
    const midCall = counted.reduce((sum, [landing, count]) => sum + (landing.startsWith(MID_CALL) ? count : 0), 0);
    return `${this.suite}: ${midCall} of ${total} kills landed mid-call (${counted.map(([landing, count]) => `${count} ${landing}`).join(', ')})`;
  }
}

/** A call aimed at by kind, then a delay skewed toward 0, so that short calls are hit as well as deep inside long ones. */
export function killPointOf(seed: number, steps: readonly Step[], killDelayMaxMs: number): KillPoint {
  const random = new Prng(seed ^ KILL_STREAM_SALT);
  const kinds = [...new Set(steps.map((step) => step.kind))].map((kind) => ({
    weight: AIM_WEIGHTS[kind],
    indices: steps.flatMap((step, index) => (step.kind === kind ? [index] : [])),
  }));
  const aimed = pick(random, weighted(random, kinds).indices);
  return { afterStep: aimed - 1, delayMs: Math.floor(killDelayMaxMs * random.nextFloat() ** 2) };
}

/**
 * Runs the scenario for `seed` and throws, naming the seed and the kill point, when the property
 * fails. The child is killed when the test finishes, however it finishes (a timeout included).
 */
export async function crashAndCheck(seed: number, scenario: CrashScenario, tally: KillTally): Promise<void> {
  const steps = generateSteps(seed, scenario.stepCount);
  const point = killPointOf(seed, steps, scenario.killDelayMaxMs);
  const child = new ChildRun(seed, scenario);
  onTestFinished(() => child.kill());
  const { outcome, failedEarly } = await crashAt(child, point, scenario);
  const landing = landingOf(steps, outcome);
  tally.record(landing);
  const problems = [...failedEarly, ...(await recoverAndCheck(scenario, steps, outcome))];
  if (problems.length > 0) throw new Error([describeRun(seed, scenario, point, landing, outcome), ...problems].join('\n'));
}

/** Lets the child run to the kill point, then kills the victim, and the child after it. */
async function crashAt(child: ChildRun, point: KillPoint, scenario: CrashScenario): Promise<{ outcome: ChildOutcome; failedEarly: string[] }> {
  await child.reached(point.afterStep);
  await sleep(point.delayMs);
  const failure = child.failure();
  await scenario.crash(child);
  await child.kill();
  return { outcome: child.outcome(), failedEarly: failure === undefined ? [] : [failure] };
}

/** How the storage reopened after the crash breaks the property; failing to reopen or read it is a way. */
async function recoverAndCheck(scenario: CrashScenario, steps: readonly Step[], outcome: ChildOutcome): Promise<string[]> {
  let storage: StorageBackend | undefined;
  try {
    await scenario.recover();
    storage = await openTarget(scenario.target);
    const stored = await readStored(storage);
    return [...judge(steps, new ModelHistory(steps), outcome, stored), ...(await resyncAfterCrash(storage, steps))];
  } catch (error) {
    return [`reopening and reading the storage failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`];
  } finally {
    await storage?.close();
  }
}

/** Which call the kill interrupted, judged from the acknowledgements. */
function landingOf(steps: readonly Step[], outcome: ChildOutcome): string {
  if (!outcome.opened) return 'while opening';
  const inFlight = steps[(outcome.acks.at(-1)?.step ?? -1) + 1];
  return inFlight === undefined ? 'after the last step' : `${MID_CALL}${inFlight.kind}`;
}

function describeRun(seed: number, scenario: CrashScenario, point: KillPoint, landing: string, outcome: ChildOutcome): string {
  const after = point.afterStep < 0 ? 'the storage opened' : `step ${point.afterStep} was acknowledged`;
  const lastAcked = outcome.acks.at(-1)?.step;
  return `seed ${seed}: ${scenario.victim} SIGKILLed ${point.delayMs} ms after ${after}, landing ${landing} `
    + `(last acknowledged step: ${lastAcked ?? 'none'}, of steps 0 to ${scenario.stepCount - 1}).\n`
    + `Reproduce (the same steps and kill point; where it lands depends on timing): NADB_CRASH_SEED=${seed} npx vitest run ${scenario.testFile}`;
}

function integerFrom(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} wants a non-negative integer, got ${JSON.stringify(text)}`);
  return value;
}
