import { assert, AssertionError } from './assert.js';
import { DEFAULT_LIMITS } from './limits.js';
import type { ErrorCode } from './frame.js';
import type { ReplicationEvent, StateMachine } from './output.js';
import type { StorageRequest } from './storage-request.js';

/** What a driver does with a machine's outputs. It must not call the machine back from here. */
export interface Effects {
  transmit(connectionId: number, bytes: Uint8Array): void;
  close(connectionId: number, code: ErrorCode, reason: string): void;
  connect(connectionId: number): void;
  storage(requestId: number, request: StorageRequest): void;
  event(event: ReplicationEvent): void;
}

/**
 * The machines being pumped, innermost last: a driver may pump another machine from an effect,
 * rarely more than one deep. A WeakSet here cost a hash insert and delete in the collector's
 * ephemeron table on every input a node takes.
 */
const pumping: StateMachine[] = [];

/**
 * Drains every output of a machine, in the machine's order, and returns when it wants to be woken
 * next. Every driver (the TCP runtime, the simulator, the tests) goes through this one function.
 */
export function pump(machine: StateMachine, effects: Effects, outputsMax = DEFAULT_LIMITS.pumpOutputsMax): number | undefined {
  assert(!pumping.includes(machine), 'pump re-entered: a driver called the machine from inside an effect');
  pumping.push(machine);
  try {
    for (let count = 0; ; count += 1) {
      const output = machine.poll();
      if (output === undefined) break;
      // The message is made only on failure: this runs for every output of every node.
      if (count >= outputsMax) throw new AssertionError(`pump drained ${outputsMax} outputs without end`);
      switch (output.kind) {
        case 'transmit':
          effects.transmit(output.connectionId, output.bytes);
          break;
        case 'close':
          effects.close(output.connectionId, output.code, output.reason);
          break;
        case 'connect':
          effects.connect(output.connectionId);
          break;
        case 'storage':
          effects.storage(output.requestId, output.request);
          break;
        case 'event':
          effects.event(output.event);
          break;
      }
    }
  } finally {
    pumping.pop();
  }
  return machine.nextWakeMs();
}
