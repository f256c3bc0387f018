import { describe, expect, it } from 'vitest';
import { AssertionError } from '../../../src/core/assert.js';
import type { Output, StateMachine } from '../../../src/core/output.js';
import { OutputQueue } from '../../../src/core/output.js';
import { pump, type Effects } from '../../../src/core/pump.js';

/** A machine that hands out a fixed list of outputs, then a wake time. */
class ScriptedMachine implements StateMachine {
  polls = 0;
  wakeMs: number | undefined;
  private readonly queue = new OutputQueue();

  constructor(outputs: readonly Output[], wakeMs?: number) {
    for (const output of outputs) this.queue.push(output);
    this.wakeMs = wakeMs;
  }

  poll(): Output | undefined {
    this.polls += 1;
    return this.queue.shift();
  }

  nextWakeMs(): number | undefined {
    // Reports how many outputs remain when asked, so the test can see it is asked after the drain.
    return this.queue.length === 0 ? this.wakeMs : -1;
  }

  invariants(): void {}
}

/** A machine that never runs out of outputs. */
class RunawayMachine implements StateMachine {
  poll(): Output | undefined {
    return { kind: 'connect', connectionId: 1 };
  }

  nextWakeMs(): number | undefined {
    return undefined;
  }

  invariants(): void {}
}

function recorder(hooks: Partial<Effects> = {}): { effects: Effects; calls: unknown[][] } {
  const calls: unknown[][] = [];
  const effects: Effects = {
    transmit: (...args) => { calls.push(['transmit', ...args]); hooks.transmit?.(...args); },
    close: (...args) => { calls.push(['close', ...args]); hooks.close?.(...args); },
    connect: (...args) => { calls.push(['connect', ...args]); hooks.connect?.(...args); },
    storage: (...args) => { calls.push(['storage', ...args]); hooks.storage?.(...args); },
    event: (...args) => { calls.push(['event', ...args]); hooks.event?.(...args); },
  };
  return { effects, calls };
}

const bytes = new Uint8Array([1, 2, 3]);
const script: Output[] = [
  { kind: 'connect', connectionId: 3 },
  { kind: 'transmit', connectionId: 3, bytes },
  { kind: 'storage', requestId: 7, request: { kind: 'stageBegin' } },
  { kind: 'event', event: { kind: 'applied', sequence: 12 } },
  { kind: 'close', connectionId: 3, code: 'timeout', reason: 'silent' },
  { kind: 'transmit', connectionId: 4, bytes },
];

describe('pump', () => {
  it('drains every output in order to the matching effect', () => {
    const machine = new ScriptedMachine(script, 500);
    const { effects, calls } = recorder();
    pump(machine, effects);
    expect(calls).toEqual([
      ['connect', 3],
      ['transmit', 3, bytes],
      ['storage', 7, { kind: 'stageBegin' }],
      ['event', { kind: 'applied', sequence: 12 }],
      ['close', 3, 'timeout', 'silent'],
      ['transmit', 4, bytes],
    ]);
    expect(calls[1]?.[2]).toBe(bytes);
    expect(machine.polls).toBe(script.length + 1);
  });

  it('returns nextWakeMs as the machine reports it after the drain', () => {
    expect(pump(new ScriptedMachine(script, 500), recorder().effects)).toBe(500);
    expect(pump(new ScriptedMachine(script, undefined), recorder().effects)).toBeUndefined();
    expect(pump(new ScriptedMachine([], 0), recorder().effects)).toBe(0);
  });

  it('lets an effect pump a different machine', () => {
    const machine = new ScriptedMachine([{ kind: 'connect', connectionId: 1 }], 9);
    const followUp = new ScriptedMachine([{ kind: 'connect', connectionId: 2 }]);
    const { effects, calls } = recorder({
      // A driver may feed another machine from an effect; only re-entering the same one is refused.
      connect: (connectionId) => {
        if (connectionId === 1) pump(followUp, recorder().effects);
      },
    });
    expect(pump(machine, effects)).toBe(9);
    expect(calls).toEqual([['connect', 1]]);
    expect(followUp.polls).toBe(2);
  });

  it('throws an AssertionError when an effect pumps the same machine again', () => {
    const machine = new ScriptedMachine(script, 500);
    let inner: unknown;
    const { effects, calls } = recorder({
      transmit: () => {
        try {
          pump(machine, effects);
        } catch (error) {
          inner = error;
          throw error;
        }
      },
    });
    expect(() => pump(machine, effects)).toThrow(AssertionError);
    expect(inner).toBeInstanceOf(AssertionError);
    // Stopped at the effect that re-entered.
    expect(calls.map((call) => call[0])).toEqual(['connect', 'transmit']);
    // The guard is released: the next pump goes on with the rest.
    const { effects: plain, calls: rest } = recorder();
    expect(pump(machine, plain)).toBe(500);
    expect(rest.map((call) => call[0])).toEqual(['storage', 'event', 'close', 'transmit']);
  });

  it('releases the guard when an effect throws', () => {
    const machine = new ScriptedMachine(script, 500);
    const failing = recorder({ connect: () => { throw new Error('driver failed'); } });
    expect(() => pump(machine, failing.effects)).toThrow('driver failed');
    expect(() => pump(machine, recorder().effects)).not.toThrow();
  });

  it('drains fewer outputs than outputsMax', () => {
    const outputs = Array.from({ length: 9 }, (_, index): Output => ({ kind: 'connect', connectionId: index }));
    const { effects, calls } = recorder();
    expect(pump(new ScriptedMachine(outputs, 1), effects, 10)).toBe(1);
    expect(calls).toHaveLength(9);
  });

  it('throws an AssertionError past outputsMax, after delivering outputsMax of them', () => {
    const machine = new RunawayMachine();
    const { effects, calls } = recorder();
    expect(() => pump(machine, effects, 10)).toThrow(AssertionError);
    expect(calls).toHaveLength(10);
    // And the machine can be pumped again (and fail again) afterwards.
    expect(() => pump(machine, effects, 5)).toThrow(/pump drained 5 outputs/);
  });

  it('throws past outputsMax when the outputs are finite but too many', () => {
    const outputs = Array.from({ length: 11 }, (_, index): Output => ({ kind: 'connect', connectionId: index }));
    expect(() => pump(new ScriptedMachine(outputs), recorder().effects, 10)).toThrow(AssertionError);
  });
});

describe('OutputQueue', () => {
  it('is a FIFO that reports its length', () => {
    const queue = new OutputQueue();
    expect(queue.shift()).toBeUndefined();
    for (const output of script) queue.push(output);
    expect(queue.length).toBe(script.length);
    expect(queue.shift()).toBe(script[0]);
    expect(queue.shift()).toBe(script[1]);
    queue.push(script[0] as Output);
    const rest: Output[] = [];
    for (let output = queue.shift(); output !== undefined; output = queue.shift()) rest.push(output);
    expect(rest).toEqual([...script.slice(2), script[0]]);
    expect(queue.length).toBe(0);
  });
});
