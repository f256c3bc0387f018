import fc from 'fast-check';
import { faultStepArb, runForStepArb, writeStepArb } from '../../../sim/arbitraries.js';
import { PRIMARY } from '../../../sim/network.js';
import { applyStep, operationOfStep, type FaultStep, type RunForStep, type WriteStep } from '../../../sim/scenario.js';
import type { Simulation } from '../../../sim/simulation.js';
import type { PrimaryModel } from './model.js';
import { expectPrimaryMatches, settle } from './primary-view.js';

type Command = fc.Command<PrimaryModel, Simulation>;

/** A write call through the API's translation to the primary: the model takes the call too, at the primary's clock. */
class WriteCommand implements Command {
  constructor(private readonly step: WriteStep) {}

  check(): boolean {
    return true;
  }

  run(model: PrimaryModel, sim: Simulation): void {
    const nowMs = sim.localNow(sim.primary);
    sim.write(operationOfStep(this.step, nowMs));
    model.apply(this.step, nowMs);
    settle(sim);
    expectPrimaryMatches(sim, model);
  }

  toString(): string {
    return JSON.stringify(this.step);
  }
}

/** Time passing or a fault on the secondaries: the primary's data must not change but by expiry. */
class StepCommand implements Command {
  constructor(private readonly step: RunForStep | FaultStep) {}

  check(): boolean {
    return true;
  }

  run(model: PrimaryModel, sim: Simulation): void {
    applyStep(sim, this.step);
    settle(sim);
    expectPrimaryMatches(sim, model);
  }

  toString(): string {
    return JSON.stringify(this.step);
  }
}

/** Faults of the network and of the secondaries: the primary keeps running, so the model holds. */
const secondaryFaultArb = faultStepArb(2).filter((step) => step.kind !== 'restartPrimary' && !('node' in step && step.node === PRIMARY));

export const primaryCommandsArb = fc.commands(
  [
    writeStepArb.map((step) => new WriteCommand(step)),
    runForStepArb.map((step) => new StepCommand(step)),
    secondaryFaultArb.map((step) => new StepCommand(step)),
  ],
  { maxCommands: 30, size: 'max' },
);
